// The runner on a small config of its own: a 30 s interval (high-resolution alarms evaluated every 10 s), HTTP,
// TCP and DNS checks, an HTTP status outage, and the home stack's alarms as cdk synth emits them.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config';
import { parseScenario, runScenario } from '#shared/simulate';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const config = parseConfig({
  name: 'mini',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
  intervalSeconds: 30,
  dependencies: [
    {
      id: 'core',
      name: 'Core',
      tier: 'first-party',
      critical: true,
      http: { url: 'http://core.mini.example/health', json: [{ path: '$.checks[0].state', equals: 'ok' }] },
    },
    { id: 'db', name: 'DB', tier: 'first-party', tcp: { host: 'db.mini.example', port: 5432 } },
    {
      id: 'partner',
      name: 'Partner',
      tier: 'third-party',
      features: ['payments'],
      http: { url: 'https://api.partner.example/ping', expectStatus: 204 },
    },
    { id: 'partner-dns', name: 'Partner DNS', tier: 'third-party', dns: { name: 'partner.example' } },
  ],
  channels: [{ id: 'ops', type: 'email', address: 'ops@mini.example' }],
});

describe('runScenario', () => {
  it('pages external-outage on a 30 s interval and resolves it, with every check type up before', async () => {
    // Prepare
    const scenario = parseScenario(
      {
        durationMinutes: 12,
        events: [
          { at: '2m', dependency: 'partner', state: 'status:500' },
          { at: '6m', dependency: 'partner', state: 'up' },
        ],
      },
      'mini.yaml',
      '/tmp',
    );
    const { template, plan } = synthHomeStack(config);
    // Act
    const r = await runScenario({ scenario, config, template, plan });
    // Assess
    expect(r.stats.rounds).toBe(24);
    const first = r.probes.filter((p) => p.atSeconds === 0);
    expect(first.map((p) => p.status)).toEqual(Array(12).fill('up'));
    expect(r.probes.find((p) => p.dependency === 'partner' && p.atSeconds === 120)).toMatchObject({
      status: 'down',
      reason: 'HTTP_STATUS',
    });
    const sent = r.pages.filter((p) => !p.resolved);
    expect(sent.map((p) => [p.kind, p.dependencies])).toEqual([['external-outage', ['partner']]]);
    // 30 s periods, 2 of 3, evaluated every 10 s: the alarm is in ALARM about a minute after the onset.
    const down = r.alarms.find((a) => a.alarm === 'mini-down-partner' && a.to === 'ALARM');
    expect(down?.atSeconds).toBeGreaterThanOrEqual(150);
    expect(down?.atSeconds).toBeLessThanOrEqual(190);
    expect(r.pages.filter((p) => p.resolved).map((p) => p.kind)).toEqual(['external-outage']);
    expect(r.notes).toContain(
      'DNS checks have no stand-in server: their results follow the scenario directly.',
    );
  }, 120_000);
});

describe('runScenario with dependencies sharing one host', () => {
  it('probes each one against its own stand-in (HTTP, HTTPS, TLS and TCP all on 127.0.0.1)', async () => {
    // Prepare: a local config as an SRE writes it first, every check against 127.0.0.1 on its own port.
    const local = parseConfig({
      name: 'local',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      dependencies: [
        {
          id: 'ledger',
          name: 'Ledger',
          tier: 'first-party',
          critical: true,
          http: { url: 'http://127.0.0.1:18081/' },
        },
        { id: 'vendor', name: 'Vendor', tier: 'third-party', http: { url: 'https://127.0.0.1:18443/ping' } },
        { id: 'cert', name: 'Cert', tier: 'third-party', tls: { host: '127.0.0.1', port: 18443 } },
        { id: 'mq', name: 'MQ', tier: 'first-party', tcp: { host: '127.0.0.1', port: 5672 } },
      ],
    });
    const scenario = parseScenario(
      { durationMinutes: 3, events: [{ at: '1m', dependency: 'mq', state: 'down' }] },
      'local.yaml',
      '/tmp',
    );
    const { template, plan } = synthHomeStack(local);
    // Act
    const r = await runScenario({ scenario, config: local, template, plan });
    // Assess: all up at T+0, and only mq goes down at T+1m (not every dependency on its host).
    expect(r.probes.filter((p) => p.atSeconds === 0).map((p) => [p.dependency, p.status])).toEqual([
      ['ledger', 'up'],
      ['vendor', 'up'],
      ['cert', 'up'],
      ['mq', 'up'],
    ]);
    expect(r.probes.filter((p) => p.atSeconds > 0).map((p) => [p.atSeconds, p.dependency, p.status])).toEqual(
      [[60, 'mq', 'down']],
    );
  }, 30_000);
});
