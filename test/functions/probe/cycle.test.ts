import { afterEach, describe, expect, it } from 'vitest';
import { configInput, type MonitorConfig, parseConfig } from '#shared/config';
import type { MetricDatum } from '#shared/metrics';
import type { ProbeOptions } from '#shared/probe';
import {
  type CycleRuntime,
  type ProbeFn,
  PublishFailedError,
  runInvocation,
} from '../../../functions/probe/cycle.ts';
import type { EgressResult } from '../../../functions/probe/egress.ts';
import { createRuntime } from '../../../functions/probe/handler.ts';
import type { PublishOutcome } from '../../../functions/probe/publish.ts';
import { clockFromMinuteStart } from '../../helpers/clock.ts';
import { probeSettings, thirdPartyEmbed } from '../../helpers/probe-function.ts';
import { type FakeCloudWatch, localCloudWatch, startFakeCloudWatch } from './fake-cloudwatch.ts';

const cfg: MonitorConfig = parseConfig({
  name: 't',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-1'],
  dependencies: [
    {
      id: 'core',
      name: 'Core',
      tier: 'first-party',
      critical: true,
      http: { url: 'https://core.t.example/' },
    },
    { id: 'partner-a', name: 'A', tier: 'third-party', http: { url: 'https://a.t.example/' } },
    { id: 'partner-b', name: 'B', tier: 'third-party', http: { url: 'https://b.t.example/' } },
  ],
});
const embed = thirdPartyEmbed(cfg, 8);
const settings = (intervalSeconds = 60) => probeSettings({ intervalSeconds });

/** Probes that answer as `status` says, recording what they were asked. */
function fakeProbe(status: (dep: string) => 'up' | 'down' = () => 'up') {
  const calls: { deps: string[]; options: ProbeOptions }[] = [];
  const probe: ProbeFn = async (deps, options) => {
    calls.push({ deps: deps.map((d) => d.id), options });
    return deps.map((d) => ({
      dependency: d.id,
      tier: d.tier,
      region: options.region ?? 'local',
      time: 0,
      status: status(d.id),
      latencyMs: 42.4,
      ...(status(d.id) === 'down' ? { reason: 'CONNECTION_REFUSED' as const, detail: 'refused' } : {}),
    }));
  };
  return { probe, calls };
}

/** A runtime on a fake clock: sleeping advances time instantly. */
function runtime(over: Partial<CycleRuntime> = {}) {
  let clock = Date.parse('2026-11-26T03:00:02.250Z');
  const logs: Record<string, unknown>[] = [];
  const published: MetricDatum[][] = [];
  const sleeps: number[] = [];
  const egressOk: EgressResult = {
    ok: true,
    url: 'https://sts.ap-northeast-1.amazonaws.com/',
    httpStatus: 302,
    latencyMs: 5,
  };
  const rt: CycleRuntime = {
    probe: fakeProbe().probe,
    checkEgress: async () => egressOk,
    publish: async (datums): Promise<PublishOutcome> => {
      published.push([...datums]);
      return {
        datums: datums.length,
        batches: 1,
        failedBatches: 0,
        failedDatums: 0,
        attempts: 1,
        errors: [],
      };
    },
    secrets: { resolve: async () => 'unused' },
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    log: (r) => logs.push(r),
    ...over,
  };
  return { rt, logs, published, sleeps, advance: (ms: number) => (clock += ms) };
}

describe('runInvocation', () => {
  it('probes once a minute at a 60 s interval, logs one line per result and publishes votes with a heartbeat', async () => {
    // Prepare
    const { probe, calls } = fakeProbe((id) => (id === 'partner-b' ? 'down' : 'up'));
    const { rt, logs, published } = runtime({ probe });
    // Act
    const summary = await runInvocation(embed, settings(), rt);
    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]!.deps).toEqual(['partner-a', 'partner-b']);
    expect(calls[0]!.options).toMatchObject({ region: 'ap-northeast-1', concurrency: 8 });
    expect(calls[0]!.options.cycleDeadlineMs).toBe(60_000 - 500 - 2_250);
    expect(summary.rounds).toEqual([
      { round: 0, roundTime: '2026-11-26T03:00:00.000Z', voted: true, results: 2, down: 1, degraded: 0 },
    ]);
    expect(logs.filter((l) => l.msg === 'probe-result')).toEqual([
      expect.objectContaining({
        dependency: 'partner-a',
        tier: 'third-party',
        region: 'ap-northeast-1',
        status: 'up',
        latencyMs: 42,
        reason: null,
      }),
      expect.objectContaining({ dependency: 'partner-b', status: 'down', reason: 'CONNECTION_REFUSED' }),
    ]);
    expect(published).toHaveLength(1);
    const names = published[0]!.map((d) => `${d.MetricName}=${d.Value}`);
    expect(names).toEqual(['Status=0', 'Status=1000', 'Heartbeat=1']);
    expect(published[0]!.every((d) => d.StorageResolution === 60)).toBe(true);
  });

  it.each([
    { second: 'up' as const, status: 'Status=0', down: 0 },
    { second: 'down' as const, status: 'Status=1000', down: 1 },
  ])(
    'with a second look (fast profile), a failing probe is probed again after the delay and is down only if it fails again ($second)',
    async ({ second, status, down }) => {
      // Prepare: partner-b fails on the first look; on the second it is `second`.
      const looks: string[][] = [];
      const { rt, published, sleeps } = runtime({
        probe: async (deps, options) => {
          looks.push(deps.map((d) => d.id));
          const again = looks.length > 1;
          return fakeProbe((id) => (id === 'partner-b' ? (again ? second : 'down') : 'up')).probe(
            deps,
            options,
          );
        },
      });
      // Act
      const summary = await runInvocation({ ...embed, confirmDelayMs: 20_000 }, settings(), rt);
      // Assess: only the failing dependency is looked at again, 20 s later, and one publish carries the outcome.
      expect(looks).toEqual([['partner-a', 'partner-b'], ['partner-b']]);
      expect(sleeps).toContain(20_000);
      expect(summary.rounds[0]).toMatchObject({ results: 2, down });
      expect(published).toHaveLength(1);
      expect(published[0]!.map((d) => `${d.MetricName}=${d.Value}`)).toEqual([
        'Status=0',
        status,
        'Heartbeat=1',
      ]);
    },
  );

  it('without a second look (economical profile), a failing probe is not probed again', async () => {
    // Prepare
    const { probe, calls } = fakeProbe((id) => (id === 'partner-b' ? 'down' : 'up'));
    const { rt, sleeps } = runtime({ probe });
    // Act
    await runInvocation(embed, settings(), rt);
    // Assess
    expect(calls).toHaveLength(1);
    expect(sleeps).not.toContain(20_000);
  });

  it('runs 60/interval evenly spaced rounds in one invocation, high-resolution, each in its own period', async () => {
    // Prepare
    const { rt, published, sleeps, advance } = runtime({
      probe: async (deps, options) => {
        advance(1_200); // each round's probing takes 1.2 s
        return fakeProbe().probe(deps, options);
      },
    });
    // Act
    const summary = await runInvocation(embed, settings(15), rt);
    // Assess
    expect(summary.rounds.map((r) => r.roundTime)).toEqual([
      '2026-11-26T03:00:00.000Z',
      '2026-11-26T03:00:15.000Z',
      '2026-11-26T03:00:30.000Z',
      '2026-11-26T03:00:45.000Z',
    ]);
    expect(sleeps).toEqual([15_000 - 2_250 - 1_200, 13_800, 13_800]);
    expect(published).toHaveLength(4);
    expect(published.flat().every((d) => d.StorageResolution === 1)).toBe(true);
  });

  it("keeps rounds on the minute's grid when it starts late, skipping a slot that has already passed", async () => {
    // Prepare: the schedule fired at :00 but the invocation starts at :12.5
    const { rt, logs, advance } = runtime();
    advance(10_250);
    // Act
    const summary = await runInvocation(embed, settings(10), rt);
    // Assess
    expect(summary.rounds.map((r) => r.roundTime.slice(14, 19))).toEqual([
      '00:10',
      '00:20',
      '00:30',
      '00:40',
      '00:50',
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'round-skipped', roundTime: '2026-11-26T03:00:00.000Z' }),
    );
  });

  it('abstains when its own egress fails: no availability datums, heartbeat 0, the reason logged', async () => {
    // Prepare
    const { probe, calls } = fakeProbe();
    const { rt, logs, published } = runtime({
      probe,
      checkEgress: async () => ({
        ok: false,
        url: 'https://sts.ap-northeast-1.amazonaws.com/',
        reason: 'TIMEOUT',
        latencyMs: 3000,
      }),
    });
    // Act
    const summary = await runInvocation(embed, settings(), rt);
    // Assess
    expect(calls).toHaveLength(0);
    expect(summary.rounds[0]).toMatchObject({ voted: false, results: 0 });
    expect(published).toEqual([
      [
        expect.objectContaining({
          MetricName: 'Heartbeat',
          Value: 0,
          Dimensions: [
            { Name: 'ProbeRegion', Value: 'ap-northeast-1' },
            { Name: 'Tier', Value: 'third-party' },
            { Name: 'Shard', Value: '0' },
          ],
        }),
      ],
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'abstain', reason: 'egress check failed: TIMEOUT' }),
    );
  });

  it('skips the self-check when egress checking is disabled', async () => {
    // Prepare
    let checked = 0;
    const { rt, published } = runtime({
      checkEgress: async () => {
        checked++;
        return { ok: false, url: 'x', reason: 'TIMEOUT', latencyMs: 1 };
      },
    });
    // Act
    await runInvocation({ ...embed, egress: { ...embed.egress, enabled: false } }, settings(), rt);
    // Assess
    expect(checked).toBe(0);
    expect(published[0]!.at(-1)).toMatchObject({ MetricName: 'Heartbeat', Value: 1 });
  });
});

describe('the probe function with the real PutMetricData request', () => {
  let fake: FakeCloudWatch | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  function realRuntime(endpoint: string, probe: ProbeFn) {
    const logs: Record<string, unknown>[] = [];
    const cloudwatch = localCloudWatch(endpoint);
    const rt = createRuntime(settings(), {
      probe,
      cloudwatch,
      env: {},
      publishOptions: { sleep: async () => {} },
      log: (r) => logs.push(r),
    });
    return {
      rt: {
        ...rt,
        now: clockFromMinuteStart(),
        checkEgress: async () => ({ ok: true as const, url: 'x', httpStatus: 200, latencyMs: 1 }),
      },
      logs,
    };
  }

  it('retries a throttled PutMetricData and succeeds', async () => {
    // Prepare
    fake = await startFakeCloudWatch((n) => (n < 3 ? 'throttle' : 'ok'));
    const { rt } = realRuntime(fake.endpoint, fakeProbe().probe);
    // Act
    const summary = await runInvocation(embed, settings(), rt);
    // Assess
    expect(summary).toMatchObject({ datums: 3, requests: 4 });
    expect(fake.requests).toHaveLength(4);
    expect(fake.requests.at(-1)!.body.MetricData).toHaveLength(3);
  });

  it('sends Latency in ms beside Status for the dependencies that have the metric, in the same request', async () => {
    // Prepare: metrics.latency on, partner-b opting out
    fake = await startFakeCloudWatch();
    const input = structuredClone(configInput(cfg));
    input.metrics = { latency: true };
    input.dependencies[2]!.latencyMetric = false;
    const withLatency = thirdPartyEmbed(parseConfig(input), 8);
    const { rt } = realRuntime(fake.endpoint, fakeProbe((id) => (id === 'partner-b' ? 'down' : 'up')).probe);
    // Act
    const summary = await runInvocation(withLatency, settings(), rt);
    // Assess: as CloudWatch received them
    expect(summary).toMatchObject({ datums: 4, requests: 1 });
    const sent = fake.requests[0]!.body.MetricData!;
    expect(sent.map((d) => `${d.MetricName}=${d.Value}`)).toEqual([
      'Status=0',
      'Latency=42.4',
      'Status=1000',
      'Heartbeat=1',
    ]);
    expect(sent[1]).toMatchObject({
      Unit: 'Milliseconds',
      Dimensions: [{ Name: 'Dependency', Value: 'partner-a' }],
    });
  });

  it('fails the invocation when throttled forever, after attempting every request, and says how many datums were lost', async () => {
    // Prepare: 1,200 targets → 1,201 datums → two requests, both throttled forever
    fake = await startFakeCloudWatch(() => 'throttle');
    const many: typeof embed = {
      ...embed,
      dependencies: Array.from({ length: 1200 }, (_, i) => ({ ...embed.dependencies[0]!, id: `p-${i}` })),
    };
    const { rt, logs } = realRuntime(fake.endpoint, fakeProbe().probe);
    // Act
    const act = runInvocation(many, settings(), rt);
    // Assess
    await expect(act).rejects.toThrow(PublishFailedError);
    await expect(act).rejects.toThrow('PutMetricData failed for 1201 of 1201 datums (2 requests)');
    const firsts = new Set(fake.requests.map((r) => JSON.stringify(r.body.MetricData![0])));
    expect(firsts.size).toBe(2);
    expect(fake.requests).toHaveLength(12);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'publish-failed', failedDatums: 1201 }),
    );
  });
});
