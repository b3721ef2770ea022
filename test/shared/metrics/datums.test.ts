// Probe results → datums: one `Status` per result, and the opt-in `Latency` (milliseconds, dimension Dependency)
// for the dependencies whose config turns it on; each kept within PutMetricData's per-request limits.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config';
import {
  batchDatums,
  datumsPerRound,
  latencyMetricIds,
  PUT_METRIC_DATA_MAX_DATUMS,
  resultDatums,
} from '#shared/metrics';
import type { ProbeResult } from '#shared/probe';

const ctx = { roundTime: new Date('2026-12-02T05:00:00Z'), intervalSeconds: 60 };

const result = (dependency: string, status: ProbeResult['status'], latencyMs: number): ProbeResult => ({
  dependency,
  tier: 'third-party',
  region: 'ap-northeast-1',
  time: ctx.roundTime.getTime(),
  status,
  latencyMs,
});

/** A config of three partners, `metrics` and each partner's `latencyMetric` as given. */
function configWith(metrics: { latency?: boolean } | undefined, own: Record<string, boolean> = {}) {
  return parseConfig({
    name: 't',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-1'],
    ...(metrics ? { metrics } : {}),
    dependencies: [
      {
        id: 'core',
        name: 'Core',
        tier: 'first-party',
        critical: true,
        tcp: { host: 'core.example', port: 1 },
      },
      ...['pay', 'sms', 'kyc'].map((id) => ({
        id,
        name: id,
        tier: 'third-party' as const,
        http: { url: `https://${id}.example/` },
        ...(own[id] !== undefined ? { latencyMetric: own[id] } : {}),
      })),
    ],
  });
}

describe('resultDatums', () => {
  it('without the Latency metric: one Status datum per result, latency in no datum', () => {
    // Prepare
    const config = configWith(undefined);
    const results = [result('pay', 'up', 120.4), result('sms', 'down', 3000)];
    // Act
    const datums = resultDatums(results, ctx, latencyMetricIds(config.dependencies));
    // Assess
    expect(latencyMetricIds(config.dependencies).size).toBe(0);
    expect(datums.map((d) => `${d.MetricName}=${d.Value}`)).toEqual(['Status=0', 'Status=1000']);
    expect(config.dependencies.map(datumsPerRound)).toEqual([1, 1, 1, 1]);
  });

  it('with it: each result of a dependency that has it adds Latency in ms, unit Milliseconds, dimension Dependency', () => {
    // Prepare: on for all, off again for sms
    const config = configWith({ latency: true }, { sms: false });
    const results = [
      result('pay', 'up', 120.4567891),
      result('sms', 'degraded', 2500),
      result('kyc', 'down', 5000.25),
    ];
    // Act
    const datums = resultDatums(results, ctx, latencyMetricIds(config.dependencies));
    // Assess
    expect(datums.map((d) => `${d.MetricName}=${d.Value}`)).toEqual([
      'Status=0',
      'Latency=120.457',
      'Status=1',
      'Status=1000',
      'Latency=5000.25',
    ]);
    const latency = datums.filter((d) => d.MetricName === 'Latency');
    expect(latency.every((d) => d.Unit === 'Milliseconds')).toBe(true);
    expect(latency.map((d) => d.Dimensions)).toEqual([
      [{ Name: 'Dependency', Value: 'pay' }],
      [{ Name: 'Dependency', Value: 'kyc' }],
    ]);
    expect(latency.every((d) => d.Timestamp === ctx.roundTime && d.StorageResolution === 60)).toBe(true);
    expect(config.dependencies.map((d) => [d.id, datumsPerRound(d)])).toEqual([
      ['core', 2],
      ['pay', 2],
      ['sms', 1],
      ['kyc', 2],
    ]);
  });

  it('publishes Latency high-resolution below a 60 s interval, like Status', () => {
    // Act
    const datums = resultDatums([result('pay', 'up', 80)], { ...ctx, intervalSeconds: 15 }, new Set(['pay']));
    // Assess
    expect(datums.map((d) => [d.MetricName, d.StorageResolution])).toEqual([
      ['Status', 1],
      ['Latency', 1],
    ]);
  });

  it('keeps a round with Latency within PutMetricData limits: 600 dependencies, 1,200 datums, two requests', () => {
    // Prepare
    const results = Array.from({ length: 600 }, (_, i) => result(`dep-${i}`, 'up', i));
    const latency = new Set(results.map((r) => r.dependency));
    // Act
    const batches = batchDatums(resultDatums(results, ctx, latency));
    // Assess
    expect(batches.map((b) => b.length)).toEqual([PUT_METRIC_DATA_MAX_DATUMS, 200]);
    // A dependency's two datums stay in order; none is lost.
    expect(batches.flat().filter((d) => d.MetricName === 'Latency')).toHaveLength(600);
  });
});
