import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { checkEgress, egressUrl } from '../../../functions/probe/egress.ts';
import { refusedPort } from '../../helpers/servers.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as AddressInfo).port;
}

describe('checkEgress', () => {
  it('replaces {region} in the URL', () => {
    expect(egressUrl('https://sts.{region}.amazonaws.com/', 'ap-northeast-3')).toBe(
      'https://sts.ap-northeast-3.amazonaws.com/',
    );
  });

  it('counts any HTTP answer, even a 503 or a redirect, as working egress', async () => {
    // Prepare
    let n = 0;
    const port = await listen((_req, res) => {
      n++;
      res.writeHead(n === 1 ? 503 : 302, { location: 'http://127.0.0.1:1/' });
      res.end('nope');
    });
    // Act
    const a = await checkEgress(`http://127.0.0.1:${port}/{region}`, 'eu-west-1', 2000);
    const b = await checkEgress(`http://127.0.0.1:${port}/{region}`, 'eu-west-1', 2000);
    // Assess
    expect(a).toMatchObject({ ok: true, httpStatus: 503, url: `http://127.0.0.1:${port}/eu-west-1` });
    expect(b).toMatchObject({ ok: true, httpStatus: 302 });
  });

  it('fails on a refused connection', async () => {
    // Prepare: a loopback port that refuses connections
    const closed = await refusedPort();
    onTestFinished(() => closed.close());
    const port = closed.port;
    // Act
    const r = await checkEgress(`http://127.0.0.1:${port}/`, 'eu-west-1', 2000);
    // Assess
    expect(r).toMatchObject({ ok: false, reason: 'CONNECTION_REFUSED' });
  });

  it('fails with TIMEOUT when nothing answers in time', async () => {
    // Prepare: accepts, never answers
    const port = await listen(() => {});
    // Act
    const r = await checkEgress(`http://127.0.0.1:${port}/`, 'eu-west-1', 200);
    // Assess
    expect(r).toMatchObject({ ok: false, reason: 'TIMEOUT' });
  });
});
