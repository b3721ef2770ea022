// What a healthy stand-in answers, derived from the dependency's own check, its certificate, and the port a
// down dependency is sent to.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DependencySchema, parseConfig } from '#shared/config';
import { probeAll } from '#shared/probe';
import {
  certificateNames,
  healthyResponse,
  healthyStatus,
  StandIns,
  selfSignedCertificate,
} from '#shared/simulate';

const dep = (http: Record<string, unknown>) =>
  DependencySchema.parse({
    id: 'x',
    name: 'X',
    tier: 'third-party',
    http: { url: 'https://x.example/', ...http },
  });

describe('healthy stand-in answers', () => {
  it('answers with the first status the check accepts', () => {
    expect(healthyStatus(['2xx'])).toBe(200);
    expect(healthyStatus([204])).toBe(204);
    expect(healthyStatus(['301-308'])).toBe(301);
    expect(healthyStatus(['4xx', 200])).toBe(400);
  });

  it('builds a JSON body that passes equals and exists assertions, brackets and indices included', () => {
    const r = healthyResponse(
      dep({
        json: [
          { path: '$.status', equals: 'UP' },
          { path: "$['build-info'].ok", equals: true },
          { path: '$.checks[*].state', equals: 'pass' },
          { path: '$.issuer', exists: true },
          { path: '$.error', exists: false },
        ],
      }),
    );
    expect(JSON.parse(r.body)).toEqual({
      status: 'UP',
      'build-info': { ok: true },
      checks: [{ state: 'pass' }],
      issuer: 'present',
    });
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('puts literal bodyMatches text and asserted headers in the answer', () => {
    const r = healthyResponse(
      dep({ bodyMatches: ['^OK$'], responseHeaders: [{ name: 'X-Service', equals: 'partner' }] }),
    );
    expect(r.body).toBe('OK');
    expect(r.headers['x-service']).toBe('partner');
  });
});

describe('selfSignedCertificate', () => {
  it('names every host and 127.0.0.1, is its own CA and verifies with its key', () => {
    const c = selfSignedCertificate(['a.example', 'b.bank.example', 'a.example']);
    const x = new X509Certificate(c.cert);
    expect(x.subjectAltName).toBe('DNS:a.example, DNS:b.bank.example, IP Address:127.0.0.1');
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(Date.parse(x.validTo) - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });
});

describe('stand-ins at size', () => {
  it('names hosts by wildcard on their parent, so the certificate does not grow with the dependencies (A-labels, which no wildcard matches, by their own name)', () => {
    const hosts = [
      ...Array.from({ length: 1000 }, (_, i) => `svc-${i}.core.bank.example`),
      'api.vendor.example',
      'auth.vendor.example',
      'short.example',
      '127.0.0.1',
      'xn--bcher-kva.vendor.example',
    ];
    expect(certificateNames(hosts)).toEqual([
      '*.core.bank.example',
      '*.vendor.example',
      'short.example',
      '127.0.0.1',
      'xn--bcher-kva.vendor.example',
    ]);
  });

  it('answers each dependency and region from its own port, behind one server per kind, with a verified certificate', async () => {
    // Prepare: two HTTPS dependencies of one vendor and a TLS one, in two regions.
    const config = parseConfig({
      name: 'kinds',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2', 'ap-northeast-1'],
      dependencies: [
        {
          id: 'core',
          name: 'Core',
          tier: 'first-party',
          critical: true,
          http: { url: 'https://core.bank.example/' },
        },
        { id: 'pay', name: 'Pay', tier: 'third-party', http: { url: 'https://api.vendor.example/pay' } },
        { id: 'card', name: 'Card', tier: 'third-party', tls: { host: 'gw.card.example', port: 443 } },
      ],
      channels: [{ id: 'ops', type: 'email', address: 'ops@bank.example' }],
    });
    const standIns = await StandIns.start(config, 1);
    try {
      standIns.set('pay', 'ap-northeast-1', { kind: 'status', code: 503 });
      // Act
      const probe = (region: string, id: string) =>
        probeAll(
          config.dependencies.filter((d) => d.id === id),
          { region, hostOverrides: standIns.overrides(region, id), extraCa: standIns.extraCa },
        ).then((r) => r[0]!);
      const results = await Promise.all([
        probe('ap-northeast-2', 'core'),
        probe('ap-northeast-2', 'pay'),
        probe('ap-northeast-1', 'pay'),
        probe('ap-northeast-1', 'card'),
      ]);
      // Assess: every port its own stand-in, certificates trusted for every host.
      expect(results.map((r) => [r.dependency, r.region, r.status, r.reason ?? ''])).toEqual([
        ['core', 'ap-northeast-2', 'up', ''],
        ['pay', 'ap-northeast-2', 'up', ''],
        ['pay', 'ap-northeast-1', 'down', 'HTTP_STATUS'],
        ['card', 'ap-northeast-1', 'up', ''],
      ]);
      expect(new Set(standIns.handles().map((h) => h.port)).size).toBe(6);
    } finally {
      await standIns.close();
    }
  });
});

describe('the refused port a down dependency points at', () => {
  it('stays refused for the whole run: no stand-in and no other listener can take it until close', async () => {
    // Prepare: a run with many stand-ins, so listen(0) hands out many ports after the reservation.
    const config = parseConfig({
      name: 'ports',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2', 'ap-northeast-1'],
      dependencies: [
        {
          id: 'core',
          name: 'Core',
          tier: 'first-party',
          critical: true,
          tcp: { host: 'core.bank.example', port: 443 },
        },
        ...Array.from({ length: 30 }, (_, i) => ({
          id: `d${i}`,
          name: `D${i}`,
          tier: 'third-party' as const,
          tcp: { host: `d${i}.vendor.example`, port: 443 },
        })),
      ],
      channels: [{ id: 'ops', type: 'email', address: 'ops@bank.example' }],
    });
    const standIns = await StandIns.start(config, 1);
    const port = standIns.refusedPort;
    try {
      // Act
      const bind = await listenOn(port);
      const connect = await connectTo(port);
      // Assess
      expect(standIns.handles().map((h) => h.port)).not.toContain(port);
      expect(bind).toBe('EADDRINUSE');
      expect(connect).toBe('ECONNREFUSED');
    } finally {
      await standIns.close();
    }
    // Released with the stand-ins: no socket of this process holds the port any more. (Listening on it again
    // would test the machine, not us: on a busy machine another process may take a freed port at once.)
    expect(socketsOnPort(port)).toEqual([]);
  });
});

function socketsOnPort(port: number): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: Node's handle list is untyped
  const handles = (process as any)._getActiveHandles() as unknown[];
  return handles
    .filter((h): h is net.Socket | net.Server => h instanceof net.Socket || h instanceof net.Server)
    .map((h) => (h instanceof net.Socket ? h.localPort : (h.address() as net.AddressInfo | null)?.port))
    .filter((p) => p === port)
    .map(String);
}

function listenOn(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve('listening')));
  });
}

function connectTo(port: number): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    c.once('connect', () => {
      c.destroy();
      resolve('connected');
    });
  });
}
