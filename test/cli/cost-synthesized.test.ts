// `depmon cost` at a bank's size prices the stacks that really synthesize: at 1,000 dependencies its total is
// within 5% of an independent model that counts the synthesized templates' resources by type and prices them
// with its own arithmetic (no code from shared/cost), and its counts from the config equal the templates'.
import { describe, expect, it } from 'vitest';
import { buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import { billOf, deploymentOf, type SynthesizedStack } from '#shared/cost';
import { synthesizedDeployment } from '../../cli/commands/cost.ts';
import { dashboardBodies } from '../scale/quotas.ts';

const REGIONS = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'];

/** 1,000 dependencies: 10% first party (3 critical), third parties in vendor groups of 10, mixed checks. */
function bankOf(n: number, detection: 'economical' | 'fast' = 'economical', latency = false): MonitorConfig {
  const firstParty = n / 10;
  return parseConfig({
    name: 'big',
    homeRegion: 'ap-northeast-2',
    probeRegions: REGIONS,
    intervalSeconds: 60,
    policy: { detection },
    metrics: { latency },
    channels: [{ id: 'oncall', type: 'email', address: 'oncall@bank.example' }],
    dependencies: Array.from({ length: n }, (_, i) =>
      i < firstParty
        ? {
            id: `core-${i}`,
            name: `Core ${i}`,
            tier: 'first-party',
            critical: i < 3,
            tcp: { host: `core${i}.bank.example`, port: 443 },
          }
        : {
            id: `vendor-${i}`,
            name: `Vendor ${i}`,
            tier: 'third-party',
            group: `vendor-${Math.floor(i / 10)}`,
            http: { url: `https://api${i}.vendor${Math.floor(i / 10)}.example/health` },
          },
    ),
  });
}

type Res = { Type?: string; Properties?: Record<string, unknown> };

/**
 * The independent model: resources counted by type in the templates, priced with list prices written here
 * (Seoul home; Tokyo/Osaka logs $0.76/GB, inter-region $0.09/GB, Seoul $0.08/GB; internet out as the bill's
 * assumption of 2 KiB per probe). Usage is the issue's own measurements: 275 B per probe-result log line.
 * Custom metrics are the series the alarms watch (a math alarm's through its MetricStat), each alarm billed per
 * metric it reads, and the opt-in `Latency` series the dashboards graph (no alarm reads them); one ~190 B datum per
 * series per round crosses Regions.
 */
function independentModel(stacks: readonly SynthesizedStack[], namespace: string, deps: number) {
  const month = 43_800; // minutes
  const all: Res[] = stacks.flatMap((s) => Object.values(s.template.Resources ?? {}));
  const ofType = (t: string) => all.filter((r) => r.Type === t);
  const metricAlarms = ofType('AWS::CloudWatch::Alarm');
  type Watched = { Namespace?: unknown; MetricName?: unknown; Dimensions?: unknown; Period?: unknown };
  const watchedBy = (a: Res): Watched[] => {
    const queries = a.Properties?.Metrics as
      | { MetricStat?: { Metric: Watched; Period: unknown } }[]
      | undefined;
    if (!queries) return [a.Properties as Watched];
    return queries.flatMap((q) =>
      q.MetricStat ? [{ ...q.MetricStat.Metric, Period: q.MetricStat.Period }] : [],
    );
  };
  const mine = metricAlarms.filter((a) => watchedBy(a).some((w) => w.Namespace === namespace));
  const watched = mine.flatMap(watchedBy);
  const series = new Set(watched.map((w) => `${w.MetricName}|${JSON.stringify(w.Dimensions)}`));
  const latencySeries = new Set(
    [...dashboardBodies(stacks.map((s) => s.template)).values()]
      .flatMap((d) => d.widgets)
      .flatMap((w) => (w.type === 'metric' ? (w.properties.metrics as unknown[][]) : []))
      .filter((m) => m[0] === namespace && m[1] === 'Latency')
      .map((m) => m[3]),
  ).size;
  const customMetrics = series.size + latencySeries;
  const highRes = watched.filter((w) => Number(w.Period) < 60).length;
  const operational = metricAlarms.length - mine.length;
  const functions = ofType('AWS::Lambda::Function');
  const probeFns = functions.filter((f) =>
    JSON.stringify(f.Properties?.Environment ?? {}).includes('DEPMON_TIER'),
  );
  const schedules = ofType('AWS::Scheduler::Schedule').length;
  const usd = {
    metrics: customMetrics * 0.3,
    alarms: (operational + watched.length - highRes) * 0.1 + highRes * 0.3,
    composites: ofType('AWS::CloudWatch::CompositeAlarm').length * 0.5,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length * 3,
    keys: ofType('AWS::KMS::Key').length * 1,
    schedules: schedules * month * 1e-6,
    lambdaRequests: (probeFns.length + 1) * month * 0.2e-6,
    // Each probe invocation billed about a second at its memory.
    lambdaCompute:
      probeFns.reduce((n, f) => n + (Number(f.Properties?.MemorySize) / 1024) * month, 0) * 0.0000133334,
    // One PutMetricData per probe function per round (each holds at most 50 targets: 51 datums).
    putMetricData: probeFns.length * month * 0.01e-3,
    logs: ((REGIONS.length * deps * month * (275 + 26)) / 1024 ** 3) * (0.76 + 3 * 0.033),
    probeTraffic: ((deps * month * 2048) / 1024 ** 3) * (0.126 + 0.114 + 0.114),
    crossRegion: ((2 * (deps + latencySeries) * month * 190) / 1024 ** 3) * 0.09,
  };
  return { usd, total: Object.values(usd).reduce((a, b) => a + b, 0) };
}

describe('depmon cost at 1,000 dependencies, 3 regions, 60 s', () => {
  it('is within 5% of an independent model of the synthesized templates, and counts what synth emits', async () => {
    // Prepare
    const config = bankOf(1000);

    // Act
    const { deployment, stacks } = await synthesizedDeployment(config, 'big.json');
    const bill = billOf(config, { deployment });
    const model = independentModel(stacks, config.namespace, 1000);

    // Assess: the same counts from the templates as from the config, and the same total within 5%.
    expect(deployment.source).toBe('synthesized templates');
    expect({
      ...deployment,
      source: 'config',
      alarms: { ...deployment.alarms, source: 'alarm plan' },
    }).toEqual(deploymentOf(config, buildAlarmPlan(config)));
    console.log(
      `depmon cost $${bill.totalUsd.toFixed(2)}, independent model $${model.total.toFixed(2)}`,
      model.usd,
    );
    expect(Math.abs(bill.totalUsd - model.total) / model.total).toBeLessThan(0.05);
  }, 240_000);

  it('with the Latency metric on: within 5% of the model too, about $0.30 more per dependency-month', async () => {
    // Prepare
    const config = bankOf(1000, 'economical', true);

    // Act
    const { deployment, stacks } = await synthesizedDeployment(config, 'big.json');
    const bill = billOf(config, { deployment });
    const model = independentModel(stacks, config.namespace, 1000);
    const off = billOf(bankOf(1000));

    // Assess
    console.log(
      `Latency on: depmon cost $${bill.totalUsd.toFixed(2)} ($${bill.perDependencyUsd.toFixed(3)}/dependency, off $${off.perDependencyUsd.toFixed(3)}), independent model $${model.total.toFixed(2)}`,
    );
    expect(Math.abs(bill.totalUsd - model.total) / model.total).toBeLessThan(0.05);
    expect(bill.perDependencyUsd - off.perDependencyUsd).toBeGreaterThan(0.3);
    expect(bill.perDependencyUsd - off.perDependencyUsd).toBeLessThan(0.31);
  }, 240_000);

  it("prices the fast profile's high-resolution down alarms as synthesized", async () => {
    // Prepare
    const config = bankOf(100, 'fast');

    // Act
    const { deployment } = await synthesizedDeployment(config, 'big.json');
    const fast = billOf(config, { deployment });
    const economical = billOf(bankOf(100));

    // Assess: 100 down alarms at $0.30 instead of $0.10, nothing else moves.
    expect(deployment.alarms.highResolutionAlarmMetrics).toBe(100);
    expect(fast.totalUsd - economical.totalUsd).toBeCloseTo(20, 2);
  }, 120_000);
});
