// What the simulator can rehearse beyond up and down: a region whose egress fails (it abstains), a lost
// address, a certificate that expires during the scenario, a wrong JSON body, and slow answers in virtual time;
// and the refusal of a state no timer can wait, with its field path and exit 2.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config';
import { parseScenario, runScenario } from '#shared/simulate';
import { depmon } from '../../helpers/cli.ts';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Probe {
  atSeconds: number;
  dependency: string;
  region: string;
  status: string;
  reason?: string;
  detail?: string;
}

describe('rehearse-every-state', () => {
  let r: {
    probes: Probe[];
    pages: { atSeconds: number; kind: string; subject: string; resolved: boolean; dependencies: string[] }[];
  };
  beforeAll(async () => {
    const out = await depmon(['simulate', 'examples/scenarios/rehearse-every-state.yaml', '--json'], ROOT);
    expect(out.code).toBe(0);
    r = JSON.parse(out.stdout);
  }, 240_000);
  const first = (dep: string, after = 0) =>
    r.probes.find((p) => p.dependency === dep && p.atSeconds >= after && p.status !== 'up');

  it('abstains in a region whose egress fails: no votes, and the monitor-blind page names it', () => {
    const abstained = r.probes.filter((p) => p.region === 'ap-northeast-3' && p.atSeconds === 120);
    expect(abstained.length).toBe(10);
    expect(abstained.every((p) => p.status === 'silent' && p.detail?.startsWith('abstained'))).toBe(true);
    const blind = r.pages.filter((p) => p.kind === 'monitor-blind' && !p.resolved);
    expect(blind.map((p) => p.subject)).toEqual([
      '[SEV3] bank MONITOR BLIND: probes in ap-northeast-3 stopped reporting',
    ]);
    // Abstaining is not a dependency down: no outage page before the dependency states begin at 6m.
    expect(r.pages.filter((p) => p.kind.endsWith('outage') && p.atSeconds < 360)).toEqual([]);
  });

  it('loses one of two addresses: degraded, and the notice says an address was lost', () => {
    expect(first('core-auth', 360)).toMatchObject({ status: 'degraded', reason: 'PARTIAL_ADDRESSES' });
    expect(first('core-auth', 360)?.detail).toContain('1 of 2 addresses failing: 127.0.0.2');
    expect(r.pages.map((p) => p.subject)).toContain(
      '[NOTICE] bank DEGRADED: core-auth address lost (3/3 regions)',
    );
  });

  it('serves a certificate that expires at 25m: expiring from its event, expired (down) after', () => {
    expect(first('card-network', 360)).toMatchObject({
      atSeconds: 360,
      status: 'degraded',
      reason: 'CERT_EXPIRING',
    });
    expect(first('card-network', 1500)).toMatchObject({
      atSeconds: 1500,
      status: 'down',
      reason: 'CERT_EXPIRED',
    });
    expect(
      r.probes.some((p) => p.dependency === 'card-network' && p.atSeconds > 360 && p.atSeconds < 1500),
    ).toBe(false);
    expect(r.pages.map((p) => p.subject)).toContain(
      '[NOTICE] bank DEGRADED: card-network certificate expiring (3/3 regions)',
    );
  });

  it('answers a wrong JSON body with the expected status: the assertion fails', () => {
    expect(first('kakao-login', 360)).toMatchObject({ status: 'down', reason: 'ASSERTION_FAILED' });
  });

  it('answers slowly: degraded SLOW, and the notice says slow', () => {
    expect(first('identity-verification', 360)).toMatchObject({ status: 'degraded', reason: 'SLOW' });
    expect(r.pages.map((p) => p.subject)).toContain(
      '[NOTICE] bank DEGRADED: identity-verification slow (3/3 regions)',
    );
  });
});

describe('slow answers in virtual time', () => {
  const config = parseConfig({
    name: 'mini',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    dependencies: [
      {
        id: 'core',
        name: 'Core',
        tier: 'first-party',
        critical: true,
        http: { url: 'http://core.mini.example/' },
      },
      {
        id: 'partner',
        name: 'Partner',
        tier: 'third-party',
        http: { url: 'http://api.partner.example/', degradedAfterMs: 300 },
      },
    ],
    channels: [{ id: 'ops', type: 'email', address: 'ops@mini.example' }],
  });

  it('probes each stand-in once per state: an hour costs one probe per dependency and state, slow ones included', async () => {
    // Prepare
    const { template, plan } = synthHomeStack(config);
    const scenario = (events: unknown[]) =>
      parseScenario({ durationMinutes: 60, events }, 'slow.yaml', '/tmp');
    // Act
    const plain = await runScenario({ scenario: scenario([]), config, template, plan });
    const slow = await runScenario({
      scenario: scenario([
        { at: '1m', dependency: 'partner', state: 'slow:400ms' },
        { at: '30m', dependency: 'partner', state: 'slow:200ms' },
      ]),
      config,
      template,
      plan,
    });
    // Assess: 60 rounds; each dependency probed once while up, the partner once more for each of its two slow
    // states, each result then held.
    expect(slow.stats.rounds).toBe(60);
    expect(plain.stats.probes).toBe(2);
    expect(slow.stats.probes).toBe(4);
    const partner = slow.probes.filter((p) => p.dependency === 'partner' && p.region === 'ap-northeast-2');
    expect(partner.map((p) => [p.atSeconds, p.status, p.reason])).toEqual([
      [0, 'up', undefined],
      [60, 'degraded', 'SLOW'],
      [1800, 'up', undefined],
    ]);
    expect(slow.pages.filter((p) => p.kind === 'degraded').map((p) => p.resolved)).toEqual([false, true]);
  }, 120_000);
});

describe('impossible states', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'depmon-states-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a delay past an hour with its field path and exit 2, before running', async () => {
    const file = path.join(dir, 'forever.yaml');
    await writeFile(
      file,
      'durationMinutes: 10\nevents:\n  - at: 1m\n    dependency: kakao-login\n    state: slow:30d\n',
    );
    const out = await depmon(['simulate', file, '--json'], dir);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim()).toBe(
      'forever.yaml: events[0].state: expected one of up, down, slow:2500ms, status:503, wrong-body, addresses-lost:1/2, cert-expires:2h, silent or egress-down (got "slow:30d")',
    );
    await writeFile(
      file,
      'durationMinutes: 10\nevents:\n  - at: 1m\n    dependency: kakao-login\n    state: slow:3000000s\n',
    );
    const tooLong = await depmon(['simulate', file, '--json'], dir);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr.trim()).toBe(
      'forever.yaml: events[0].state: expected a slow answer of at most 3600s (slower only times out the same), got "slow:3000000s"',
    );
  });
});
