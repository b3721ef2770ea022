// Hostile servers (issue 16): a regex that would backtrack forever, an echo of the probe's secrets in every form a
// detail can carry, and the wrong reasons (a malformed DNS answer, an unsolicited 1xx).
import dgram from 'node:dgram';
import type http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envCredentials } from '#aws/credentials';
import { type Dependency, envSecretResolver, parseConfig, redact } from '#shared/config';
import { type ProbeResult, probeAll, probeOne } from '#shared/probe';
import { accountFromSimulation } from '#shared/simulate';
import { renderTimeline } from '#shared/timeline';
import { table } from '../../../cli/commands/check.ts';
import { runInvocation } from '../../../functions/probe/cycle.ts';
import { createRuntime } from '../../../functions/probe/handler.ts';
import { startHttp, type TestServer } from '../../helpers/servers.ts';

function deps(checks: Record<string, Record<string, unknown>>): Dependency[] {
  return parseConfig({
    name: 'hostile',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2'],
    dependencies: Object.entries(checks).map(([id, check], i) => ({
      id,
      name: id,
      tier: i === 0 ? 'first-party' : 'third-party',
      critical: i === 0,
      ...check,
    })),
  }).dependencies;
}

describe('a regex cannot hold a probe (RE2, linear time)', () => {
  let server: TestServer;
  const evil = `${'a'.repeat(32)}!`;
  beforeAll(async () => {
    server = await startHttp((req, res) => {
      res.writeHead(200, { 'x-evil': evil });
      res.end(req.url === '/json' ? JSON.stringify({ v: evil }) : evil);
    });
  });
  afterAll(() => server.close());

  it.each([
    ['bodyMatches', { bodyMatches: ['^(a+)+$'] }, 'body does not match /^(a+)+$/'],
    [
      'json[].matches',
      { json: [{ path: '$.v', matches: '^(a+)+$' }] },
      `$.v: expected to match /^(a+)+$/, got "${evil}"`,
    ],
    [
      'responseHeaders[].matches',
      { responseHeaders: [{ name: 'x-evil', matches: '^(a+)+$' }] },
      `header x-evil: expected to match /^(a+)+$/, got "${evil}"`,
    ],
  ])(
    '%s: ^(a+)+$ against 32 "a"s and a "!" ends as a failed assertion',
    async (_field, assertion, detail) => {
      // Prepare: on a backtracking engine each of these takes about 2^32 steps, with every timer blocked.
      const path = 'json' in assertion ? '/json' : '/';
      const [dep] = deps({
        evil: { http: { url: `http://127.0.0.1:${server.port}${path}`, timeoutMs: 2000, ...assertion } },
      });
      // Act
      const r = await probeOne(dep!);
      // Assess
      expect(r).toMatchObject({ status: 'down', reason: 'ASSERTION_FAILED', detail });
    },
  );
});

describe('reasons that name the fault', () => {
  it('a malformed DNS answer is DNS_FAILURE, not CONNECTION_RESET', async () => {
    // Prepare: a resolver that answers every query with a header claiming an answer it does not hold.
    const sock = dgram.createSocket('udp4');
    sock.on('message', (q, rinfo) => {
      const bad = Buffer.from(q.subarray(0, 12));
      bad[2] = 0x81;
      bad[3] = 0x80;
      bad.writeUInt16BE(1, 6); // one answer… and then the packet ends
      sock.send(bad, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const resolver = `127.0.0.1:${sock.address().port}`;
    const list = deps({
      web: { http: { url: 'http://svc.hostile.example/' } },
      port: { tcp: { host: 'svc.hostile.example', port: 443 } },
      name: { dns: { name: 'svc.hostile.example' } },
    });
    // Act
    const results = await probeAll(list, { resolvers: [resolver] });
    sock.close();
    // Assess
    for (const r of results) expect(r).toMatchObject({ status: 'down', reason: 'DNS_FAILURE' });
    expect(results[2]?.detail).toBe('DNS server sent a malformed response');
  });

  it.each([
    [
      '100 Continue',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
      'unsolicited 100 Continue (the probe sent no Expect: 100-continue)',
    ],
    [
      '101 Switching Protocols',
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\nconnection: upgrade\r\n\r\n',
      'unsolicited 101 Switching Protocols (the probe asked for no upgrade)',
    ],
  ])(
    'an unsolicited %s is PROTOCOL_ERROR, not "connection closed by peer"',
    async (_name, answer, detail) => {
      // Prepare
      const srv = net.createServer((s) => {
        s.on('error', () => undefined);
        s.once('data', () => s.write(answer));
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      const port = (srv.address() as net.AddressInfo).port;
      const [dep] = deps({ web: { http: { url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 } } });
      // Act
      const r = await probeOne(dep!);
      srv.close();
      // Assess
      expect(r).toMatchObject({ status: 'down', reason: 'PROTOCOL_ERROR', detail });
    },
  );
});

/** Quotes, backslashes, non-ASCII (Latin-1, as headers carry it) and 200+ characters. */
const SECRET = `sk_live_"q'\\b\\\\é-ü-ß${'Z9'.repeat(110)}"<end>`;
const SECRET_ENV = { PARTNER_TOKEN: SECRET, SHORT: 'x9' };

/** Every way the secret could show: whole, in parts of 12 or more characters, and escaped or encoded. */
function leaks(text: string): string[] {
  const found: string[] = [];
  const forms = [SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET), encodeURI(SECRET)];
  for (const f of forms)
    for (let i = 0; i + 12 <= f.length; i += 6)
      if (text.includes(f.slice(i, i + 12))) found.push(f.slice(i, i + 12));
  return found;
}

describe('redaction: an echoing server cannot make a secret appear in any output', () => {
  let server: TestServer;
  let results: ProbeResult[];
  let list: Dependency[];
  beforeAll(async () => {
    // Prepare: a partner that echoes the credential back in a JSON value, a header and a redirect URL.
    server = await startHttp((req: http.IncomingMessage, res: http.ServerResponse) => {
      const auth = String(req.headers.authorization ?? '');
      if (req.url === '/json')
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: auth, nested: { auth } }));
      else if (req.url === '/header') res.writeHead(200, { 'x-echo': auth }).end('ok');
      else res.writeHead(302, { location: `/r/${encodeURIComponent(auth)}/${req.url?.length}` }).end();
    });
    const base = `http://127.0.0.1:${server.port}`;
    const headers = { Authorization: 'Bearer ${env:PARTNER_TOKEN}' };
    list = deps({
      core: { http: { url: `${base}/json`, headers, json: [{ path: '$.token', equals: 'nope' }] } },
      object: { http: { url: `${base}/json`, headers, json: [{ path: '$.nested', exists: false }] } },
      header: {
        http: { url: `${base}/header`, headers, responseHeaders: [{ name: 'x-echo', equals: 'nope' }] },
      },
      'header-re': {
        http: { url: `${base}/header`, headers, responseHeaders: [{ name: 'x-echo', matches: '^nope$' }] },
      },
      redirect: { http: { url: `${base}/go`, headers, maxRedirects: 0 } },
      loop: { http: { url: `${base}/go`, headers, maxRedirects: 20 } },
    });
    // Act
    results = await probeAll(list, { secrets: envSecretResolver(SECRET_ENV) });
  });
  afterAll(() => server.close());

  it('the server did echo it, and each probe failed with a detail of its own', () => {
    expect(results.map((r) => r.reason)).toEqual([
      'ASSERTION_FAILED',
      'ASSERTION_FAILED',
      'ASSERTION_FAILED',
      'ASSERTION_FAILED',
      'TOO_MANY_REDIRECTS',
      'TOO_MANY_REDIRECTS',
    ]);
    expect(results[0]?.detail).toBe('$.token: expected "nope", got "Bearer ***"');
    for (const r of results) expect(r.detail).toContain('***');
  });

  it('no part of it is in the check table or JSON, however cut or escaped', () => {
    expect(leaks(table(results))).toEqual([]);
    expect(leaks(JSON.stringify({ results }))).toEqual([]);
  });

  it('no part of it is in the probe function log lines', async () => {
    // Prepare: the deployed function's runtime, its real probe engine and env secret resolver; publishing stubbed.
    const lines: string[] = [];
    const rt = {
      ...createRuntime(
        {
          tier: 'third-party',
          shard: 0,
          probeRegion: 'ap-northeast-1',
          homeRegion: 'ap-northeast-2',
          namespace: 'Depmon',
          intervalSeconds: 60,
        },
        {
          probe: probeAll,
          cloudwatch: { region: 'ap-northeast-2', credentials: envCredentials({}) },
          env: SECRET_ENV,
          log: (rec) => lines.push(JSON.stringify(rec)),
        },
      ),
      publish: async (datums: readonly unknown[]) => ({
        datums: datums.length,
        batches: 1,
        failedBatches: 0,
        failedDatums: 0,
        requests: 1,
        retries: 0,
        errors: [],
      }),
    };
    // Act
    await runInvocation(
      {
        dependencies: list,
        egress: { url: 'http://127.0.0.1/', timeoutMs: 100, enabled: false },
        concurrency: 8,
        resolvers: [],
      },
      {
        tier: 'third-party',
        shard: 0,
        probeRegion: 'ap-northeast-1',
        homeRegion: 'ap-northeast-2',
        namespace: 'Depmon',
        intervalSeconds: 60,
      },
      rt as never,
    );
    // Assess
    const text = lines.join('\n');
    expect(text).toContain('"msg":"probe-result"');
    expect(text).toContain('***');
    expect(leaks(text)).toEqual([]);
  });

  it.each(['md', 'html', 'csv', 'json'] as const)('no part of it is in a %s incident account', (format) => {
    // Prepare: the rehearsal account of these results (what simulate --timeline and start write).
    const account = accountFromSimulation({
      scenario: {
        name: 'hostile',
        file: 'hostile.yaml',
        start: '2026-12-01T00:00:00Z',
        durationSeconds: 600,
        monitor: 'hostile',
        timeZone: 'Asia/Seoul',
        intervalSeconds: 60,
        probeRegions: ['ap-northeast-2'],
        dependencies: list.map((d) => ({ id: d.id, name: d.name, tier: d.tier, critical: d.critical })),
      },
      alarms: [],
      pages: [],
      held: [],
      alarmCatalog: { alarms: [] },
      notes: [],
      probes: results.map((r, i) => ({
        atSeconds: 60 * i,
        dependency: r.dependency,
        region: 'ap-northeast-2',
        status: r.status,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.detail ? { detail: r.detail } : {}),
      })),
    });
    // Act
    const text = renderTimeline(account, format);
    // Assess
    expect(text).toContain('***');
    expect(leaks(text)).toEqual([]);
  });

  it('redact() removes a secret cut off at the end, with or without an ellipsis', () => {
    expect(redact(`got "Bearer ${SECRET.slice(0, 40)}…`, [SECRET])).toBe('got "Bearer ***…');
    expect(redact(`x ${JSON.stringify(SECRET).slice(1, 30)}`, [SECRET])).toBe('x ***');
  });
});
