// The evaluator's schedule and statistics: high-resolution alarms every 10 s, percentiles and their
// low-sample-count rule, INSUFFICIENT_DATA at the start.
import { describe, expect, it } from 'vitest';
import type { MetricDatum } from '#shared/metrics';
import { AlarmEvaluator, type MetricAlarmDef } from '#shared/simulate';
import { metricAlarmDef } from '../../helpers/alarm-defs.ts';

const START = Date.UTC(2026, 10, 26, 0, 0, 0);
const NS = 'Test';

const alarm = (over: Partial<MetricAlarmDef>): MetricAlarmDef =>
  metricAlarmDef('a', {
    logicalId: 'A',
    treatMissingData: 'missing',
    metric: { namespace: NS, metricName: 'M', dimensions: {} },
    ...over,
  });

const datum = (ms: number, value: number, highRes = false): MetricDatum => ({
  MetricName: 'M',
  Dimensions: [],
  Timestamp: new Date(START + ms),
  Value: value,
  Unit: 'Count',
  StorageResolution: highRes ? 1 : 60,
});

describe('AlarmEvaluator schedule', () => {
  it('evaluates a 10 s high-resolution alarm every 10 s', () => {
    // Prepare: breaching datapoint in [20 s, 30 s) only.
    const ev = new AlarmEvaluator(
      { metricAlarms: [alarm({ periodSeconds: 10 })], compositeAlarms: [] },
      { start: START, namespace: NS },
    );
    for (let s = 0; s < 60; s += 10) ev.put([datum(s * 1000, s === 20 ? 5 : 0, true)], NS);
    // Act
    ev.advanceTo(START + 60_000);
    // Assess
    expect(ev.transitions.map((t) => [(t.at - START) / 1000, t.to])).toEqual([
      [10, 'OK'],
      [30, 'ALARM'],
      [40, 'OK'],
    ]);
  });

  it('evaluates a 60 s alarm once a minute, after the period has ended, starting from INSUFFICIENT_DATA', () => {
    const ev = new AlarmEvaluator(
      { metricAlarms: [alarm({})], compositeAlarms: [] },
      { start: START, namespace: NS },
    );
    ev.put([datum(0, 3), datum(30_000, 0)], NS);
    expect(ev.state('a')).toBe('INSUFFICIENT_DATA');
    ev.advanceTo(START + 50_000);
    expect(ev.transitions).toEqual([]);
    ev.advanceTo(START + 60_000);
    expect(ev.transitions.map((t) => [t.from, t.to, (t.at - START) / 1000])).toEqual([
      ['INSUFFICIENT_DATA', 'ALARM', 60],
    ]);
  });
});

describe('AlarmEvaluator percentiles', () => {
  const values = (n: number, slow: number) => Array.from({ length: n }, (_, i) => (i < slow ? 900 : 100));

  it('alarms on p90 over the period', () => {
    const ev = new AlarmEvaluator(
      {
        metricAlarms: [
          alarm({
            threshold: 500,
            metric: { namespace: NS, metricName: 'M', dimensions: {} },
            stat: 'p90',
          }),
        ],
        compositeAlarms: [],
      },
      { start: START, namespace: NS },
    );
    ev.put(
      values(200, 40).map((v, i) => datum(i * 100, v)),
      NS,
    );
    ev.advanceTo(START + 60_000);
    expect(ev.state('a')).toBe('ALARM');
  });

  it('keeps its state while samples are too few for the percentile when told to ignore', () => {
    const def = (mode: 'evaluate' | 'ignore') =>
      alarm({
        threshold: 500,
        evaluateLowSampleCountPercentile: mode,
        metric: { namespace: NS, metricName: 'M', dimensions: {} },
        stat: 'p90',
      });
    // p90 needs 10 / (1 - 0.9) = 100 samples; 20 is a low sample count.
    const run = (mode: 'evaluate' | 'ignore') => {
      const ev = new AlarmEvaluator(
        { metricAlarms: [def(mode)], compositeAlarms: [] },
        { start: START, namespace: NS },
      );
      ev.put(
        values(20, 10).map((v, i) => datum(i * 1000, v)),
        NS,
      );
      ev.advanceTo(START + 60_000);
      return ev.state('a');
    };
    expect(run('evaluate')).toBe('ALARM');
    expect(run('ignore')).toBe('INSUFFICIENT_DATA');
  });
});
