// CloudWatch's own timing in the evaluator: windows that slide with each evaluation (periods over 60 s), alarms
// evaluated at their own offsets, datums that arrive late, and the seeded model behind `--jitter`.
import { describe, expect, it } from 'vitest';
import { parseRule, suppressorWaitSeconds } from '#shared/alarms';
import type { MetricDatum } from '#shared/metrics';
import {
  AlarmEvaluator,
  type AlarmSet,
  fixedTiming,
  INGESTION_DELAY_MAX_MS,
  INGESTION_DELAY_MIN_MS,
  type MetricAlarmDef,
  seededTiming,
} from '#shared/simulate';
import { metricAlarmDef } from '../../helpers/alarm-defs.ts';

const START = Date.UTC(2026, 10, 26, 12, 0, 0);
const NS = 'Test';
const MIN = 60_000;
const PAGER = 'arn:aws:sns:ap-northeast-2:123456789012:pager';

const alarm = metricAlarmDef;

const datum = (metric: string, ms: number, value: number): MetricDatum => ({
  MetricName: metric,
  Dimensions: [],
  Timestamp: new Date(START + ms),
  Value: value,
  Unit: 'Count',
  StorageResolution: 60,
});

/** One datum a minute for `minutes` minutes: 1 in the listed minutes, 0 otherwise. */
const minutes = (metric: string, total: number, bad: readonly number[]) =>
  Array.from({ length: total }, (_, m) => datum(metric, m * MIN, bad.includes(m) ? 1 : 0));

const transitions = (ev: AlarmEvaluator, name: string) =>
  ev.transitions.filter((t) => t.alarm === name).map((t) => [(t.at - START) / 1000, t.to]);

describe('a window that slides by the minute (periods over 60 s)', () => {
  it('reads a one-hour period as 13:07–14:07 at 14:07 and 13:08–14:08 at 14:08, as the user guide describes', () => {
    // Prepare: a 1-hour, 1-of-1 alarm; a breaching datapoint at 13:07:30 (START is 12:00), zeros every other minute.
    const ev = new AlarmEvaluator(
      { metricAlarms: [alarm('h', { periodSeconds: 3600 })], compositeAlarms: [] },
      { start: START, namespace: NS },
    );
    ev.put([...minutes('h', 180, []), datum('h', 67 * MIN + 30_000, 5)], NS);
    // Act
    ev.advanceTo(START + 180 * MIN);
    // Assess: in ALARM from the first evaluation whose hour holds 13:07:30 (13:08) until the first that no
    // longer does (14:08); a window aligned to the hour would say 14:00 and 15:00.
    expect(transitions(ev, 'h')).toEqual([
      [60, 'OK'],
      [68 * 60, 'ALARM'],
      [128 * 60, 'OK'],
    ]);
  });

  it('counts 2 of 3 five-minute periods ending at each minute', () => {
    // Prepare: breaching minutes 20 and 26. Aligned 5-minute periods put them in [20,25) and [25,30), two of the
    // three periods ending at 30; windows ending at a minute see them in two periods from 27 on.
    const ev = new AlarmEvaluator(
      {
        metricAlarms: [alarm('f', { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 })],
        compositeAlarms: [],
      },
      { start: START, namespace: NS },
    );
    ev.put(minutes('f', 60, [20, 26]), NS);
    // Act
    ev.advanceTo(START + 60 * MIN);
    // Assess: ALARM while both breaching minutes fall in different periods of the 15 minutes before the
    // evaluation (27 to 35), OK once the older leaves them (36).
    expect(transitions(ev, 'f')).toEqual([
      [60, 'OK'],
      [27 * 60, 'ALARM'],
      [36 * 60, 'OK'],
    ]);
  });
});

describe('evaluation offsets and ingestion delay', () => {
  it('evaluates each alarm at its own second of the minute', () => {
    // Prepare: the same breach seen by two alarms, one evaluated 0 s and one 42 s into the minute.
    const ev = new AlarmEvaluator(
      { metricAlarms: [alarm('a'), alarm('b')], compositeAlarms: [] },
      { start: START, namespace: NS, timing: fixedTiming({ b: 42 }) },
    );
    ev.put([...minutes('a', 10, [5]), ...minutes('b', 10, [5])], NS);
    // Act
    ev.advanceTo(START + 10 * MIN);
    // Assess
    expect(transitions(ev, 'a')).toEqual([
      [60, 'OK'],
      [360, 'ALARM'],
      [420, 'OK'],
    ]);
    expect(transitions(ev, 'b')).toEqual([
      [42, 'OK'],
      [402, 'ALARM'],
      [462, 'OK'],
    ]);
  });

  it('does not see a datum before it is ingested: a late one reaches the alarm a minute later', () => {
    // Prepare: 1-of-1 alarm evaluated 10 s into the minute; the breaching minute-5 datum is ingested at 6:20.
    const ev = new AlarmEvaluator(
      { metricAlarms: [alarm('a', { treatMissingData: 'missing' })], compositeAlarms: [] },
      { start: START, namespace: NS, timing: fixedTiming({ a: 10 }) },
    );
    ev.put(minutes('a', 5, []), NS);
    ev.put([datum('a', 5 * MIN, 1)], NS, START + 6 * MIN + 20_000);
    ev.put([datum('a', 6 * MIN, 1), datum('a', 7 * MIN, 0)], NS);
    // Act
    ev.advanceTo(START + 9 * MIN);
    // Assess: at 6:10 minute 5 is still missing (the last real datapoint, minute 4, decides: OK); at 7:10 the
    // window holds minute 6, ingested on time.
    expect(transitions(ev, 'a')).toEqual([
      [70, 'OK'],
      [430, 'ALARM'],
      [490, 'OK'],
    ]);
    expect(
      ev.rangeValues(ev.alarms.metricAlarms[0] as MetricAlarmDef, START + 6 * MIN + 10_000).at(-1),
    ).toEqual({
      start: START + 5 * MIN,
      lowSample: false,
    });
  });

  it('refuses an offset outside the evaluation interval', () => {
    expect(
      () =>
        new AlarmEvaluator(
          { metricAlarms: [alarm('a')], compositeAlarms: [] },
          { start: START, timing: { evaluationOffsetMs: () => 60_000 } },
        ),
    ).toThrow(/evaluation offset of a must be whole ms in \[0, 60000\), got 60000/);
  });
});

describe('the seeded timing model', () => {
  it('draws the same offsets and delays for the same seed, whatever the order asked', () => {
    const a = seededTiming(7);
    const b = seededTiming(7);
    const names = Array.from({ length: 50 }, (_, i) => `alarm-${i}`);
    const forward = names.map((n) => a.evaluationOffsetMs(n, 60_000));
    const backward = [...names].reverse().map((n) => b.evaluationOffsetMs(n, 60_000));
    expect(forward).toEqual(backward.reverse());
    expect(a.ingestionDelayMs('r1/third-party/0@5')).toBe(b.ingestionDelayMs('r1/third-party/0@5'));
  });

  it('keeps draws within the bounds and spreads them across seeds', () => {
    const offsets = new Set<number>();
    const delays: number[] = [];
    for (let seed = 0; seed < 200; seed++) {
      const t = seededTiming(seed);
      const o = t.evaluationOffsetMs('core-down', 60_000);
      expect(o % 1000).toBe(0);
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(60_000);
      expect(t.evaluationOffsetMs('core-down', 10_000)).toBeLessThan(10_000);
      offsets.add(o);
      delays.push(t.ingestionDelayMs(`publish-${seed}`));
    }
    expect(offsets.size).toBeGreaterThan(40);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(INGESTION_DELAY_MIN_MS);
    expect(Math.max(...delays)).toBeLessThanOrEqual(INGESTION_DELAY_MAX_MS);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(
      (INGESTION_DELAY_MAX_MS - INGESTION_DELAY_MIN_MS) / 2,
    );
  });

  it('refuses a seed that is not a whole number in range', () => {
    expect(() => seededTiming(-1)).toThrow(RangeError);
    expect(() => seededTiming(1.5)).toThrow(RangeError);
    expect(() => seededTiming(2 ** 32)).toThrow(RangeError);
  });
});

describe("the external-outage suppressor's wait against a core alarm evaluated later", () => {
  // partner's down alarm, core's down alarm (the suppressor), and the partner composite held while core is down.
  const set = (wait: number): AlarmSet => ({
    metricAlarms: [alarm('partner'), alarm('core')],
    compositeAlarms: [
      {
        kind: 'composite',
        logicalId: 'Ext',
        name: 'ext',
        actionsEnabled: true,
        alarmActions: [PAGER],
        okActions: [PAGER],
        insufficientDataActions: [],
        ruleText: 'ALARM(partner) AND NOT ALARM(core)',
        rule: parseRule('ALARM(partner) AND NOT ALARM(core)'),
        children: ['partner', 'core'],
        suppressor: 'core',
        waitPeriodSeconds: wait,
        extensionPeriodSeconds: 120,
      },
    ],
  });
  const run = (wait: number, coreOffset: number) => {
    const ev = new AlarmEvaluator(set(wait), {
      start: START,
      namespace: NS,
      timing: fixedTiming({ partner: 0, core: coreOffset }),
    });
    // Both fail in minute 5 and stay down.
    const down = Array.from({ length: 15 }, (_, m) => m + 5);
    ev.put([...minutes('partner', 20, down), ...minutes('core', 20, down)], NS);
    ev.advanceTo(START + 20 * MIN);
    return ev.actions.filter((a) => a.alarm === 'ext' && a.state === 'ALARM' && !a.suppressed);
  };

  it('holds the partner page for every core offset up to 59 s with the wait depmon deploys', () => {
    const wait = suppressorWaitSeconds(60);
    for (let offset = 0; offset < 60; offset++) expect(run(wait, offset), `core at +${offset} s`).toEqual([]);
  });

  it('would page the partner when core is evaluated more than 30 s later, with the former 30 s wait', () => {
    expect(run(30, 45)).toHaveLength(1);
  });
});
