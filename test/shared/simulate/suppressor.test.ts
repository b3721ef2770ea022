// Composite alarm actions, OK actions and action suppressors with WaitPeriod and ExtensionPeriod, following the
// examples of CloudWatch's "Composite alarm action suppression" (wait 2 min, extension 3 min here).
import { describe, expect, it } from 'vitest';
import { parseRule } from '#shared/alarms';
import { AlarmEvaluator, type AlarmSet } from '#shared/simulate';
import { metricAlarmDef } from '../../helpers/alarm-defs.ts';

const NS = 'Test';
const START = Date.UTC(2026, 10, 26, 0, 0, 0);
const MIN = 60_000;
const PAGER = 'arn:aws:sns:ap-northeast-2:123456789012:pager';

const metricAlarm = (name: string) => metricAlarmDef(name);

const set = (wait: number, extension: number, suppressor = true): AlarmSet => ({
  metricAlarms: [metricAlarm('child'), metricAlarm('sup')],
  compositeAlarms: [
    {
      kind: 'composite',
      logicalId: 'Comp',
      name: 'comp',
      actionsEnabled: true,
      alarmActions: [PAGER],
      okActions: [PAGER],
      insufficientDataActions: [],
      ruleText: 'ALARM(child)',
      rule: parseRule('ALARM(child)'),
      children: ['child'],
      ...(suppressor ? { suppressor: 'sup' } : {}),
      waitPeriodSeconds: wait,
      extensionPeriodSeconds: extension,
    },
  ],
});

/**
 * Feeds a metric 1 for the given minutes and 0 for the others up to minute 20 (the alarm sees minute m at the
 * evaluation of m + 1). Every minute has data, so the evaluation range never re-reads an old breach.
 */
function feed(ev: AlarmEvaluator, metric: string, minutes: number[], _value: 1) {
  ev.put(
    Array.from({ length: 21 }, (_, m) => ({
      MetricName: metric,
      Dimensions: [],
      Timestamp: new Date(START + m * MIN),
      Value: minutes.includes(m) ? 1 : 0,
      Unit: 'Count',
      StorageResolution: 60,
    })),
    NS,
  );
}

const alarmActions = (ev: AlarmEvaluator) =>
  ev.actions
    .filter((a) => a.alarm === 'comp')
    .map((a) => ({
      min: (a.at - START) / MIN,
      state: a.state,
      suppressed: a.suppressed,
      deferredBy: a.deferredBy,
    }));

describe('composite actions and suppressors', () => {
  it('runs ALARM and OK actions at once without a suppressor', () => {
    // Prepare
    const ev = new AlarmEvaluator(set(0, 0, false), { start: START, namespace: NS });
    feed(ev, 'child', [2, 3], 1);
    feed(ev, 'sup', [], 1);
    // Act
    ev.advanceTo(START + 10 * MIN);
    // Assess: the rule first settles to OK at minute 1 (OK actions), then ALARM at 3, OK at 5.
    expect(alarmActions(ev)).toEqual([
      { min: 1, state: 'OK', suppressed: undefined, deferredBy: undefined },
      { min: 3, state: 'ALARM', suppressed: undefined, deferredBy: undefined },
      { min: 5, state: 'OK', suppressed: undefined, deferredBy: undefined },
    ]);
  });

  it('example 1: acts after the WaitPeriod when the suppressor stays OK', () => {
    const ev = new AlarmEvaluator(set(120, 180), { start: START, namespace: NS });
    feed(ev, 'child', [2, 3, 4, 5, 6, 7], 1);
    feed(ev, 'sup', [], 1);
    ev.advanceTo(START + 8 * MIN);
    expect(alarmActions(ev).filter((a) => a.state === 'ALARM')).toEqual([
      { min: 5, state: 'ALARM', suppressed: undefined, deferredBy: 'wait-period' },
    ]);
  });

  it('example 2: the suppressor going to ALARM within the WaitPeriod discards the actions', () => {
    const ev = new AlarmEvaluator(set(120, 180), { start: START, namespace: NS });
    feed(ev, 'child', [2, 3, 4, 5, 6, 7], 1);
    feed(ev, 'sup', [3, 4, 5, 6, 7, 8, 9], 1);
    ev.advanceTo(START + 9 * MIN);
    expect(alarmActions(ev).filter((a) => a.state === 'ALARM')).toEqual([
      { min: 4, state: 'ALARM', suppressed: 'suppressor-alarm', deferredBy: undefined },
    ]);
  });

  it('example 3: a change back within the WaitPeriod restarts it', () => {
    const ev = new AlarmEvaluator(set(120, 180), { start: START, namespace: NS });
    feed(ev, 'child', [2], 1);
    feed(ev, 'sup', [], 1);
    ev.advanceTo(START + 10 * MIN);
    // ALARM at 3, back to OK at 4: the first wait is discarded, the new one ends at 6 and runs OK actions.
    expect(alarmActions(ev).filter((a) => a.min > 1)).toEqual([
      { min: 6, state: 'OK', suppressed: undefined, deferredBy: 'wait-period' },
    ]);
  });

  it('example 4: a suppressor already in ALARM suppresses at once', () => {
    const ev = new AlarmEvaluator(set(120, 180), { start: START, namespace: NS });
    feed(ev, 'sup', [0, 1, 2, 3, 4, 5, 6], 1);
    feed(ev, 'child', [2, 3, 4, 5, 6], 1);
    ev.advanceTo(START + 6 * MIN);
    expect(alarmActions(ev).filter((a) => a.state === 'ALARM')).toEqual([
      { min: 3, state: 'ALARM', suppressed: 'suppressor-alarm', deferredBy: undefined },
    ]);
  });

  it('example 5: after the suppressor recovers, acts when the ExtensionPeriod ends', () => {
    const ev = new AlarmEvaluator(set(120, 180), { start: START, namespace: NS });
    feed(
      ev,
      'child',
      Array.from({ length: 15 }, (_, i) => i + 2),
      1,
    );
    feed(ev, 'sup', [3, 4, 5], 1); // sup ALARM at 4, OK at 7
    ev.advanceTo(START + 15 * MIN);
    expect(alarmActions(ev).filter((a) => a.state === 'ALARM')).toEqual([
      { min: 4, state: 'ALARM', suppressed: 'suppressor-alarm', deferredBy: undefined },
      { min: 10, state: 'ALARM', suppressed: undefined, deferredBy: 'extension-period' },
    ]);
  });

  it('example 6: a change within the ExtensionPeriod discards it and starts a WaitPeriod', () => {
    const ev = new AlarmEvaluator(set(120, 180), { start: START, namespace: NS });
    feed(ev, 'child', [2, 3, 4, 5, 6, 7], 1); // child ALARM 3..8, OK at 9
    feed(ev, 'sup', [3, 4, 5], 1); // sup ALARM at 4, OK at 7; extension to 10
    ev.advanceTo(START + 15 * MIN);
    // comp OK at 9 inside the extension: new wait to 11, then OK actions.
    expect(alarmActions(ev).filter((a) => a.min > 1)).toEqual([
      { min: 4, state: 'ALARM', suppressed: 'suppressor-alarm', deferredBy: undefined },
      { min: 11, state: 'OK', suppressed: undefined, deferredBy: 'wait-period' },
    ]);
  });

  it('keeps re-reading the last real datapoints after the metric stops flowing (evaluation range)', () => {
    // Prepare: breaching at minutes 2 and 3, then nothing at all.
    const ev = new AlarmEvaluator(set(0, 0, false), { start: START, namespace: NS });
    ev.put(
      [2, 3].map((m) => ({
        MetricName: 'child',
        Dimensions: [],
        Timestamp: new Date(START + m * MIN),
        Value: 1,
        Unit: 'Count',
        StorageResolution: 60,
      })),
      NS,
    );
    // Act
    ev.advanceTo(START + 10 * MIN);
    // Assess: with 1 of 1 and a 3-period range, ALARM holds until both breaches leave the range (minute 7);
    // before any data, notBreaching fills the empty range as OK.
    const child = ev.transitions.filter((t) => t.alarm === 'child').map((t) => [(t.at - START) / MIN, t.to]);
    expect(child).toEqual([
      [1, 'OK'],
      [3, 'ALARM'],
      [7, 'OK'],
    ]);
  });

  it('records but does not run the actions of an alarm with ActionsEnabled false', () => {
    const base = set(0, 0, false);
    const ev = new AlarmEvaluator(
      { ...base, compositeAlarms: base.compositeAlarms.map((c) => ({ ...c, actionsEnabled: false })) },
      { start: START, namespace: NS },
    );
    feed(ev, 'child', [2], 1);
    feed(ev, 'sup', [], 1);
    ev.advanceTo(START + 4 * MIN);
    expect(alarmActions(ev).map((a) => a.suppressed)).toEqual([
      'actions-disabled',
      'actions-disabled',
      'actions-disabled',
    ]);
  });
});
