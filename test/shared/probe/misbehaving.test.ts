// Each misbehaving dependency is a real server on 127.0.0.0/8: the probe gives the expected status and reason
// and leaves no socket open; a server that stalls is cut off at the probe's timeout on the engine's clock.
import dgram from 'node:dgram';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkTimeoutMs, type Dependency, DependencySchema, envSecretResolver } from '#shared/config';
import { type ProbeOptions, type ProbeResult, probeOne } from '#shared/probe';
import { stopEngineClock, watch } from '../../helpers/engine-clock.ts';
import {
  closedAfterEach,
  makeCerts,
  refusedPort,
  socketsLeft,
  startDns,
  startHttp,
  startHttps,
  startTcp,
  type TestCerts,
  type TestDns,
  type TestServer,
} from '../../helpers/servers.ts';

/** The bound: a probe ends within its own timeout plus this much (on the wall clock: bench section g). */
const SLACK_MS = 250;

const serve = closedAfterEach();

function dep(check: Record<string, unknown>, id = 'dep'): Dependency {
  return DependencySchema.parse({ id, name: id, tier: 'third-party', ...check });
}

/** Runs one probe and checks what every case must hold: no leftover socket. */
async function probe(d: Dependency, options: ProbeOptions = {}): Promise<ProbeResult> {
  const result = await probeOne(d, options);
  expect(await socketsLeft()).toEqual([]);
  return result;
}

const slowBody = (res: http.ServerResponse, bytes: number, everyMs: number) => {
  let sent = 0;
  const t = setInterval(() => {
    if (res.destroyed || sent >= bytes) return clearInterval(t);
    res.write('x');
    sent++;
  }, everyMs);
  res.on('close', () => clearInterval(t));
};

describe('HTTP against misbehaving servers', () => {
  it('connection refused → down CONNECTION_REFUSED', async () => {
    // Prepare
    const { port } = await serve(refusedPort());
    // Act
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 1000 } }));
    // Assess
    expect(r).toMatchObject({ status: 'down', reason: 'CONNECTION_REFUSED' });
  });

  it('accepts and never answers → down TIMEOUT naming the phase', async () => {
    const s = await serve(startTcp((sock) => sock.resume()));
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 800 } }));
    expect(r).toMatchObject({ status: 'down', reason: 'TIMEOUT' });
    expect(r.detail).toBe('no answer within 800 ms (waiting for response headers)');
    expect(Object.keys(r.timings ?? {}).sort()).toEqual(['connectMs', 'totalMs']);
    expect(s.open()).toBe(0);
  });

  it('headers then a body trickling one byte a second → down TIMEOUT while reading the body', async () => {
    const s = await serve(
      startHttp((_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        slowBody(res, 100, 1000);
      }),
    );
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1500 } }));
    expect(r).toMatchObject({ status: 'down', reason: 'TIMEOUT' });
    expect(r.detail).toMatch(/^no answer within 1500 ms \(reading body, \d bytes received\)$/);
  });

  it('a 10 MB body past the cap → down BODY_TOO_LARGE, reading stopped and the socket destroyed', async () => {
    let written = 0;
    const s = await serve(
      startHttp((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked: no length to refuse up front
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (written < 10 * 1024 * 1024 && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      }),
    );
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/big`, timeoutMs: 3000 } }));
    expect(r).toMatchObject({ status: 'down', reason: 'BODY_TOO_LARGE' });
    expect(r.detail).toBe('body over maxBodyBytes 1048576 (stopped reading)');
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it('a declared content-length past the cap is refused before reading', async () => {
    const s = await serve(
      startHttp((_req, res) => {
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        res.write('a');
      }),
    );
    const r = await probe(
      dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000, maxBodyBytes: 1000 } }),
    );
    expect(r).toMatchObject({ status: 'down', reason: 'BODY_TOO_LARGE' });
    expect(r.detail).toBe('content-length 10485760 bytes, over maxBodyBytes 1000');
  });

  it('garbage instead of HTTP → down PROTOCOL_ERROR', async () => {
    const s = await serve(
      startTcp((sock) => sock.once('data', () => sock.end('SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n\r\n'))),
    );
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000 } }));
    expect(r).toMatchObject({ status: 'down', reason: 'PROTOCOL_ERROR' });
    expect(r.detail).toMatch(/^not a valid HTTP response/);
  });

  it('connection reset mid-body → down CONNECTION_RESET', async () => {
    const s = await serve(
      startTcp((sock) =>
        sock.once('data', () => {
          sock.write(`HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n${'a'.repeat(100)}`);
          setTimeout(() => sock.resetAndDestroy(), 50);
        }),
      ),
    );
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000 } }));
    expect(r).toMatchObject({
      status: 'down',
      reason: 'CONNECTION_RESET',
      detail: 'connection reset by peer while reading body, 100 bytes received',
    });
  });

  it.each([500, 503])('HTTP %i → down HTTP_STATUS', async (code) => {
    const s = await serve(
      startHttp((_req, res) => {
        res.writeHead(code).end('{"status":"DOWN"}');
      }),
    );
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000 } }));
    expect(r).toMatchObject({ status: 'down', reason: 'HTTP_STATUS', httpStatus: code });
    expect(r.detail).toBe(`HTTP ${code}, expected 2xx`);
  });

  it('an expected 503 (a status set with a range) is up', async () => {
    const s = await serve(startHttp((_req, res) => void res.writeHead(503).end()));
    const r = await probe(
      dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000, expectStatus: [200, '500-503'] } }),
    );
    expect(r).toMatchObject({ status: 'up', httpStatus: 503 });
  });

  it('a redirect loop → down TOO_MANY_REDIRECTS', async () => {
    const s = await serve(
      startHttp((req, res) => {
        res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end();
      }),
    );
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/a`, timeoutMs: 1000 } }));
    expect(r).toMatchObject({ status: 'down', reason: 'TOO_MANY_REDIRECTS' });
    expect(r.detail).toBe('redirect loop: 302 to /a already visited after 2 redirects');
  });

  it('a redirect chain longer than maxRedirects → down TOO_MANY_REDIRECTS; within it → up', async () => {
    const s = await serve(
      startHttp((req, res) => {
        const n = Number(req.url?.slice(1));
        if (n < 3) res.writeHead(301, { location: `/${n + 1}` }).end();
        else res.writeHead(200).end('ok');
      }),
    );
    const tooMany = await probe(
      dep({ http: { url: `http://127.0.0.1:${s.port}/0`, timeoutMs: 1000, maxRedirects: 2 } }),
    );
    const fine = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/0`, timeoutMs: 1000 } }));
    const notFollowed = await probe(
      dep({ http: { url: `http://127.0.0.1:${s.port}/0`, timeoutMs: 1000, followRedirects: false } }),
    );
    expect(tooMany).toMatchObject({ status: 'down', reason: 'TOO_MANY_REDIRECTS' });
    expect(tooMany.detail).toBe(`more than 2 redirects (last: 301 to 127.0.0.1:${s.port}/3)`);
    expect(fine).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(notFollowed).toMatchObject({ status: 'down', reason: 'HTTP_STATUS', httpStatus: 301 });
  });

  it('valid HTTP with JSON failing the assertion → down ASSERTION_FAILED', async () => {
    const s = await serve(
      startHttp((_req, res) => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"status":"DOWN","checks":[{"ok":true}]}');
      }),
    );
    const r = await probe(
      dep({
        http: {
          url: `http://127.0.0.1:${s.port}/`,
          timeoutMs: 1000,
          json: [
            { path: '$.checks[0].ok', equals: true },
            { path: '$.status', equals: 'UP' },
          ],
        },
      }),
    );
    expect(r).toMatchObject({ status: 'down', reason: 'ASSERTION_FAILED', httpStatus: 200 });
    expect(r.detail).toBe('$.status: expected "UP", got "DOWN"');
  });

  it('body and header assertions hold → up; a failing header assertion → ASSERTION_FAILED', async () => {
    const s = await serve(
      startHttp((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-version': '7' }).end('all systems go');
      }),
    );
    const base = { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000 };
    const ok = await probe(
      dep({
        http: {
          ...base,
          bodyMatches: ['systems\\s+go'],
          bodyNotMatches: ['error'],
          responseHeaders: [{ name: 'Content-Type', matches: '^text/' }],
        },
      }),
    );
    const bad = await probe(
      dep({ http: { ...base, responseHeaders: [{ name: 'x-version', equals: '8' }] } }),
    );
    expect(ok).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(bad).toMatchObject({
      status: 'down',
      reason: 'ASSERTION_FAILED',
      detail: 'header x-version: expected "8", got "7"',
    });
  });

  it('slow but healthy → degraded SLOW; slower than downAfterMs → down SLOW (on the engine clock)', async () => {
    // Prepare: the server answers when the test says, after the engine's clock has moved 300 ms
    const waiting: (() => void)[] = [];
    let asked!: () => void;
    let requested = new Promise<void>((r) => {
      asked = r;
    });
    const s = await serve(
      startHttp((_req, res) => {
        waiting.push(() => res.writeHead(200).end('ok'));
        asked();
      }),
    );
    const base = { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 2000, degradedAfterMs: 100 };
    const answeredAfter300ms = async (d: Dependency) => {
      stopEngineClock();
      try {
        const p = probeOne(d);
        await requested;
        await vi.advanceTimersByTimeAsync(300);
        waiting.shift()!();
        return await p;
      } finally {
        vi.useRealTimers();
        requested = new Promise<void>((r) => {
          asked = r;
        });
      }
    };
    // Act
    const slow = await answeredAfter300ms(dep({ http: base }));
    const tooSlow = await answeredAfter300ms(dep({ http: { ...base, downAfterMs: 200 } }));
    // Assess
    expect(slow).toMatchObject({ status: 'degraded', reason: 'SLOW', httpStatus: 200 });
    expect(slow.detail).toBe('answered in 300 ms, over degradedAfterMs 100');
    expect(tooSlow).toMatchObject({ status: 'down', reason: 'SLOW' });
    expect(await socketsLeft()).toEqual([]);
  });

  it('sends the method, headers and body as configured', async () => {
    const s = await serve(
      startHttp((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ method: req.method, ct: req.headers['content-type'], body }));
        });
      }),
    );
    const r = await probe(
      dep({
        http: {
          url: `http://127.0.0.1:${s.port}/echo`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"ping":1}',
          timeoutMs: 1000,
          json: [
            { path: '$.method', equals: 'POST' },
            { path: '$.ct', equals: 'application/json' },
            { path: '$.body', equals: '{"ping":1}' },
          ],
        },
      }),
    );
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 });
  });

  it('a host override connects to the stand-in but keeps the Host header of the URL', async () => {
    let host: string | undefined;
    const s = await serve(
      startHttp((req, res) => {
        host = req.headers.host;
        res.writeHead(200).end('ok');
      }),
    );
    const r = await probe(dep({ http: { url: 'http://ledger.bank.example/health', timeoutMs: 1000 } }), {
      hostOverrides: new Map([['ledger.bank.example', { address: '127.0.0.1', port: s.port }]]),
    });
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(host).toBe('ledger.bank.example');
  });

  it('a healthy answer is up with phase timings', async () => {
    const s = await serve(startHttp((_req, res) => void res.writeHead(204).end()));
    const r = await probe(dep({ http: { url: `http://127.0.0.1:${s.port}/`, timeoutMs: 1000 } }));
    expect(r).toMatchObject({ status: 'up', httpStatus: 204, region: 'local', tier: 'third-party' });
    expect(r.reason).toBeUndefined();
    expect(Object.keys(r.timings ?? {}).sort()).toEqual(['connectMs', 'dnsMs', 'firstByteMs', 'totalMs']);
  });
});

describe('TLS', () => {
  let certs: TestCerts;
  beforeAll(async () => {
    certs = await makeCerts(['api.tls.example']);
  });

  const host = 'api.tls.example';
  const overrides = (s: TestServer) => new Map([[host, { address: '127.0.0.1', port: s.port }]]);
  const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(200).end('ok');

  it('accepts TCP but never answers the TLS handshake → down TIMEOUT naming the phase', async () => {
    const s = await serve(startTcp((sock) => sock.resume()));
    const r = await probe(dep({ http: { url: `https://${host}/`, timeoutMs: 700 } }), {
      hostOverrides: overrides(s),
    });
    expect(r).toMatchObject({
      status: 'down',
      reason: 'TIMEOUT',
      detail: 'no answer within 700 ms (TLS handshake)',
    });
  });

  it('a self-signed certificate → down TLS_ERROR', async () => {
    const s = await serve(startHttps(certs.selfSigned, ok));
    const r = await probe(dep({ http: { url: `https://${host}/health`, timeoutMs: 1000 } }), {
      hostOverrides: overrides(s),
    });
    expect(r).toMatchObject({ status: 'down', reason: 'TLS_ERROR' });
    expect(r.detail).toBe('self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
  });

  it('an expired certificate → down CERT_EXPIRED, for http and tls checks, even from a trusted CA', async () => {
    const s = await serve(startHttps(certs.expired, ok));
    const opts = { hostOverrides: overrides(s), extraCa: [certs.ca] };
    const viaHttp = await probe(dep({ http: { url: `https://${host}/`, timeoutMs: 1000 } }), opts);
    const viaTls = await probe(dep({ tls: { host, timeoutMs: 1000 } }), opts);
    expect(viaHttp).toMatchObject({ status: 'down', reason: 'CERT_EXPIRED' });
    expect(viaHttp.detail).toMatch(/^certificate expired on 2020-02-01 \(\d+ days ago\)$/);
    expect(viaTls).toMatchObject({ status: 'down', reason: 'CERT_EXPIRED' });
    expect(viaTls.certDaysLeft).toBeLessThan(0);
  });

  it('a certificate trusted via `ca` expiring within warnDays → degraded CERT_EXPIRING', async () => {
    const s = await serve(startHttps(certs.expiringSoon, ok));
    const r = await probe(dep({ tls: { host, timeoutMs: 1000, warnDays: 14, ca: certs.ca } }), {
      hostOverrides: overrides(s),
    });
    expect(r).toMatchObject({ status: 'degraded', reason: 'CERT_EXPIRING' });
    expect(r.certDaysLeft).toBeGreaterThanOrEqual(2);
    expect(r.certDaysLeft).toBeLessThanOrEqual(3);
    expect(r.detail).toMatch(/^certificate expires in [23] days \(\d{4}-\d\d-\d\d\), within warnDays 14$/);
  });

  it('a valid certificate from a trusted CA → up, with TLS timing and days left; an untrusted CA → TLS_ERROR', async () => {
    const s = await serve(startHttps(certs.valid, ok));
    const trusted = await probe(dep({ http: { url: `https://${host}/`, timeoutMs: 1000, ca: certs.ca } }), {
      hostOverrides: overrides(s),
    });
    const tlsCheck = await probe(dep({ tls: { host, timeoutMs: 1000 } }), {
      hostOverrides: overrides(s),
      extraCa: [certs.ca],
    });
    const untrusted = await probe(dep({ tls: { host, timeoutMs: 1000 } }), { hostOverrides: overrides(s) });
    expect(trusted).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(trusted.timings?.tlsMs).toBeDefined();
    expect(trusted.certDaysLeft).toBeGreaterThanOrEqual(89);
    expect(tlsCheck).toMatchObject({ status: 'up' });
    expect(untrusted).toMatchObject({ status: 'down', reason: 'TLS_ERROR' });
    expect(untrusted.detail).toBe('certificate issuer not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
  });
});

describe('DNS, TCP and every address', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startDns({
      'ok.dns.example': ['127.0.0.1'],
      'multi.dns.example': ['127.0.0.2', '127.0.0.3', '127.0.0.4'],
    });
  });
  afterAll(() => dns.close());

  it('an unresolvable host name (NXDOMAIN) → down DNS_FAILURE for http, tcp and dns checks', async () => {
    const opts = { resolvers: [dns.server] };
    const h = await probe(dep({ http: { url: 'http://nowhere.dns.example/', timeoutMs: 1000 } }), opts);
    const t = await probe(dep({ tcp: { host: 'nowhere.dns.example', port: 443, timeoutMs: 1000 } }), opts);
    const d = await probe(dep({ dns: { name: 'nowhere.dns.example', timeoutMs: 1000 } }), opts);
    for (const r of [h, t, d]) {
      expect(r).toMatchObject({
        status: 'down',
        reason: 'DNS_FAILURE',
        detail: 'name does not resolve (NXDOMAIN)',
      });
    }
  });

  it('a DNS server that never answers → down TIMEOUT while resolving, with no lookup left behind', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const opts = { resolvers: [`127.0.0.1:${silent.address().port}`] };
      const h = await probe(dep({ http: { url: 'http://api.silent.example/', timeoutMs: 600 } }), opts);
      const d = await probe(dep({ dns: { name: 'api.silent.example', timeoutMs: 600 } }), opts);
      expect(h).toMatchObject({
        status: 'down',
        reason: 'TIMEOUT',
        detail: 'no answer within 600 ms (resolving api.silent.example)',
      });
      expect(d).toMatchObject({
        status: 'down',
        reason: 'TIMEOUT',
        detail: 'no answer within 600 ms (resolving api.silent.example A)',
      });
    } finally {
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('a dns check answers up, and down ASSERTION_FAILED when the answer is not the expected one', async () => {
    const opts = { resolvers: [dns.server] };
    const up = await probe(
      dep({ dns: { name: 'ok.dns.example', expect: ['127.0.0.1'], timeoutMs: 1000 } }),
      opts,
    );
    const wrong = await probe(
      dep({ dns: { name: 'ok.dns.example', expect: ['10.0.0.1'], timeoutMs: 1000 } }),
      opts,
    );
    expect(up).toMatchObject({ status: 'up' });
    expect(wrong).toMatchObject({
      status: 'down',
      reason: 'ASSERTION_FAILED',
      detail: 'A answers 127.0.0.1; expected one of 10.0.0.1',
    });
  });

  it('a tcp check is up on a listening port and CONNECTION_REFUSED on a closed one', async () => {
    const s = await serve(startTcp((sock) => sock.end()));
    const { port: closed } = await serve(refusedPort());
    const up = await probe(dep({ tcp: { host: 'ok.dns.example', port: s.port, timeoutMs: 1000 } }), {
      resolvers: [dns.server],
    });
    const refused = await probe(dep({ tcp: { host: '127.0.0.1', port: closed, timeoutMs: 1000 } }));
    expect(up).toMatchObject({ status: 'up' });
    expect(up.timings?.connectMs).toBeDefined();
    expect(refused).toMatchObject({ status: 'down', reason: 'CONNECTION_REFUSED' });
  });

  it('allAddresses with one of three addresses dead → degraded PARTIAL_ADDRESSES; all dead → down', async () => {
    const first = await serve(
      startHttp((_req, res) => void res.writeHead(200).end('ok'), { host: '127.0.0.2' }),
    );
    const second = await serve(
      startHttp((_req, res) => void res.writeHead(200).end('ok'), { host: '127.0.0.3', port: first.port }),
    );
    const check = {
      http: { url: `http://multi.dns.example:${first.port}/`, timeoutMs: 1000, allAddresses: true },
    };
    const r = await probe(dep(check), { resolvers: [dns.server] });
    expect(r).toMatchObject({ status: 'degraded', reason: 'PARTIAL_ADDRESSES' });
    expect(r.detail).toBe('1 of 3 addresses failing: 127.0.0.4 connection refused');
    expect(r.addresses?.map((a) => [a.address, a.status])).toEqual([
      ['127.0.0.2', 'up'],
      ['127.0.0.3', 'up'],
      ['127.0.0.4', 'down'],
    ]);
    await Promise.all([first.close(), second.close()]);
    const allDead = await probe(dep(check), { resolvers: [dns.server] });
    expect(allDead).toMatchObject({ status: 'down', reason: 'CONNECTION_REFUSED' });
    expect(allDead.detail).toMatch(/^all 3 addresses failing: /);
  });

  it('allAddresses with a hung address reports it as failing within the probe timeout', async () => {
    const first = await serve(
      startHttp((_req, res) => void res.writeHead(200).end('ok'), { host: '127.0.0.2' }),
    );
    await serve(
      startHttp((_req, res) => void res.writeHead(200).end('ok'), { host: '127.0.0.3', port: first.port }),
    );
    await serve(startTcp((sock) => sock.resume(), { host: '127.0.0.4', port: first.port }));
    const r = await probe(
      dep({ http: { url: `http://multi.dns.example:${first.port}/`, timeoutMs: 800, allAddresses: true } }),
      { resolvers: [dns.server] },
    );
    expect(r).toMatchObject({ status: 'degraded', reason: 'PARTIAL_ADDRESSES' });
    expect(r.addresses?.[2]).toMatchObject({ address: '127.0.0.4', status: 'down', reason: 'TIMEOUT' });
  });
});

describe('secrets', () => {
  const token = 'Bearer s3cr3t-t0ken-value';

  it('never appear in results, even when the server echoes them', async () => {
    const s = await serve(
      startHttp((req, res) => {
        const auth = String(req.headers.authorization);
        res.writeHead(500, { 'x-echo': auth }).end(JSON.stringify({ auth }));
      }),
    );
    const url = `http://127.0.0.1:${s.port}/`;
    const secrets = envSecretResolver({ API_TOKEN: token });
    const headers = { Authorization: '${env:API_TOKEN}' };
    const results = [
      await probe(dep({ http: { url, headers, timeoutMs: 1000 } }), { secrets }),
      await probe(
        dep({
          http: { url, headers, timeoutMs: 1000, expectStatus: 500, json: [{ path: '$.auth', equals: 'x' }] },
        }),
        { secrets },
      ),
      await probe(
        dep({
          http: {
            url,
            headers,
            timeoutMs: 1000,
            expectStatus: 500,
            responseHeaders: [{ name: 'x-echo', equals: 'x' }],
          },
        }),
        { secrets },
      ),
      await probe(
        dep({ http: { url, headers, timeoutMs: 1000, expectStatus: 500, bodyNotMatches: ['Bearer'] } }),
        { secrets },
      ),
    ];
    expect(results.map((r) => r.reason)).toEqual([
      'HTTP_STATUS',
      'ASSERTION_FAILED',
      'ASSERTION_FAILED',
      'ASSERTION_FAILED',
    ]);
    expect(results[1]?.detail).toBe('$.auth: expected "x", got "***"');
    for (const r of results) expect(JSON.stringify(r)).not.toContain('s3cr3t');
  });

  it('are not carried to another origin on a redirect', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const other = await serve(
      startHttp((req, res) => {
        seen.push(req.headers);
        res.writeHead(200).end('ok');
      }),
    );
    const first = await serve(
      startHttp((req, res) => {
        seen.push(req.headers);
        res.writeHead(302, { location: `http://127.0.0.1:${other.port}/landing` }).end();
      }),
    );
    const headers = {
      Authorization: '${env:API_TOKEN}',
      'X-Vendor-Sig': 'sig=${env:SIG}',
      'X-Trace': 'depmon',
    };
    const r = await probe(
      dep({ http: { url: `http://127.0.0.1:${first.port}/`, headers, timeoutMs: 1000 } }),
      {
        secrets: envSecretResolver({ API_TOKEN: token, SIG: 'abcdef' }),
      },
    );
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(seen[0]).toMatchObject({
      authorization: token,
      'x-vendor-sig': 'sig=abcdef',
      'x-trace': 'depmon',
    });
    expect(seen[1]?.authorization).toBeUndefined();
    expect(seen[1]?.['x-vendor-sig']).toBeUndefined();
    expect(seen[1]?.['x-trace']).toBe('depmon');
  });

  it('a secret that cannot be resolved → down SECRET_UNAVAILABLE naming the reference, and no request is sent', async () => {
    const s = await serve(startHttp((_req, res) => void res.writeHead(200).end()));
    const r = await probe(
      dep({
        http: {
          url: `http://127.0.0.1:${s.port}/`,
          headers: { 'X-Api-Key': '${env:MISSING}' },
          timeoutMs: 1000,
        },
      }),
      { secrets: envSecretResolver({}) },
    );
    expect(r).toMatchObject({
      status: 'down',
      reason: 'SECRET_UNAVAILABLE',
      detail: 'header X-Api-Key: secret ${env:MISSING}: environment variable MISSING is not set',
    });
    expect(s.accepted()).toBe(0);
  });
});

describe('the timeout, on the engine clock', () => {
  // The clock stands still while the server gets the request (real I/O on loopback); then it moves. Nothing but a
  // timer can end these probes, so where the clock stands when each one ends is the engine's own doing.
  const stalls: [string, (seen: () => void) => Promise<TestServer>, (port: number) => Dependency][] = [
    [
      'accepts and never answers',
      (seen) => startTcp((sock) => sock.once('data', seen).resume()),
      (port) => dep({ http: { url: `http://127.0.0.1:${port}/`, timeoutMs: 800 } }),
    ],
    [
      'headers, then a body trickling one byte a second',
      (seen) =>
        startHttp((_req, res) => {
          res.writeHead(200, { 'content-length': '100' });
          slowBody(res, 100, 1000);
          seen();
        }),
      (port) => dep({ http: { url: `http://127.0.0.1:${port}/`, timeoutMs: 1500 } }),
    ],
    [
      'accepts TCP and never answers the TLS handshake',
      (seen) => startTcp((sock) => sock.once('data', seen).resume()),
      () => dep({ http: { url: 'https://api.tls.example/', timeoutMs: 700 } }),
    ],
  ];

  it.each(stalls)(
    '%s: the probe ends when the clock reaches its timeout, and not before',
    async (_, start, make) => {
      // Prepare
      let seen!: () => void;
      const requested = new Promise<void>((r) => {
        seen = r;
      });
      const s = await serve(start(() => seen()));
      const d = make(s.port);
      const timeoutMs = checkTimeoutMs(d);
      const hostOverrides = new Map([['api.tls.example', { address: '127.0.0.1', port: s.port }]]);
      stopEngineClock();
      let endedBefore: boolean;
      let endedBy: boolean;
      let result: ProbeResult;
      try {
        // Act
        const p = watch(probeOne(d, { hostOverrides }));
        await requested;
        await vi.advanceTimersByTimeAsync(timeoutMs - 1);
        endedBefore = p.settled();
        await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
        endedBy = p.settled();
        // Whatever happened, let it finish so a failure reports instead of hanging.
        if (!endedBy) await vi.advanceTimersByTimeAsync(60_000);
        result = await p.promise;
      } finally {
        vi.useRealTimers();
      }
      // Assess
      expect({ endedBefore, endedBy }).toEqual({ endedBefore: false, endedBy: true });
      expect(result).toMatchObject({ status: 'down', reason: 'TIMEOUT', latencyMs: timeoutMs });
      expect(await socketsLeft()).toEqual([]);
    },
  );
});
