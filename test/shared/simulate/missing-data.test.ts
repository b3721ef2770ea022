// The worked examples of CloudWatch's "Configuring how CloudWatch alarms treat missing data", row by row,
// plus the same rows driven through the full evaluator from datums.
import { describe, expect, it } from 'vitest';
import type { AlarmState, TreatMissingData } from '#shared/alarms';
import { AlarmEvaluator, type AlarmSet, decideState, type Point } from '#shared/simulate';

const RETAIN = 'retain' as const;
type Expect = AlarmState | typeof RETAIN;
type Row = [points: string, missing: Expect, ignore: Expect, breaching: Expect, notBreaching: Expect];

// Evaluation periods 3, datapoints to alarm 3, evaluation range 5; most recent point on the right.
const THREE_OF_THREE: Row[] = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', RETAIN, 'ALARM', 'OK'],
];
// Evaluation periods 3, datapoints to alarm 2 ("2 out of 3").
const TWO_OF_THREE: Row[] = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - X -', 'ALARM', RETAIN, 'ALARM', 'OK'],
];
// "Avoiding premature transitions to alarm state": these stay out of ALARM with missing data treated as missing.
const PREMATURE: [string, number][] = [
  ['- - - - X', 3],
  ['- - - X -', 3],
];

const MODES: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
const parse = (s: string) => s.split(' ') as Point[];

describe('decideState: the documented tables', () => {
  for (const [title, m, rows] of [
    ['3 of 3', 3, THREE_OF_THREE],
    ['2 of 3', 2, TWO_OF_THREE],
  ] as const) {
    for (const [points, ...expected] of rows) {
      MODES.forEach((mode, i) => {
        for (const current of ['OK', 'ALARM'] as const) {
          it(`${title}: ${points} with ${mode} from ${current}`, () => {
            // Prepare
            const want = expected[i] === RETAIN ? current : expected[i];
            // Act
            const got = decideState(parse(points), m, 3, mode, current);
            // Assess
            expect(got.state).toBe(want);
          });
        }
      });
    }
  }
  for (const [points, m] of PREMATURE) {
    it(`premature: ${points} (${m} of 3, missing) does not alarm`, () => {
      expect(decideState(parse(points), m, 3, 'missing', 'OK').state).not.toBe('ALARM');
    });
  }
});

const NS = 'Test';
const alarmSet = (m: number, mode: TreatMissingData, period = 300): AlarmSet => ({
  metricAlarms: [
    {
      kind: 'metric',
      logicalId: 'A',
      name: 'a',
      actionsEnabled: true,
      alarmActions: ['arn:aws:sns:ap-northeast-2:123456789012:pager'],
      okActions: [],
      insufficientDataActions: [],
      periodSeconds: period,
      evaluationPeriods: 3,
      datapointsToAlarm: m,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: mode,
      evaluateLowSampleCountPercentile: 'evaluate',
      metric: { namespace: NS, metricName: 'Down', dimensions: {} },
      stat: 'Sum',
    },
  ],
  compositeAlarms: [],
});

// Each row through the evaluator from datums, 5-minute periods, evaluated the minute after the newest datapoint:
// the window slides by the minute (CloudWatch's default SlidingWindow), so the five periods ending then hold
// exactly the row, wherever in its 5 minutes each datapoint is stamped (`shiftMin`). A window aligned to 5-minute
// boundaries would still hold the warm-up datapoint and miss the newest.
for (const shiftMin of [0, 4]) {
  describe(`AlarmEvaluator: the same rows fed as datums with 5-minute periods, stamped ${shiftMin} min into each`, () => {
    for (const [title, m, rows] of [
      ['3 of 3', 3, THREE_OF_THREE],
      ['2 of 3', 2, TWO_OF_THREE],
    ] as const) {
      for (const [points, ...expected] of rows) {
        MODES.forEach((mode, i) => {
          it(`${title}: ${points} with ${mode}`, () => {
            // Prepare: five good periods put the alarm in OK; then the row's datapoints, one per period.
            const start = Date.UTC(2026, 10, 26, 0, 0, 0);
            const ev = new AlarmEvaluator(alarmSet(m, mode), { start, namespace: NS });
            const periodMs = 300_000;
            const shift = shiftMin * 60_000;
            const at = (k: number, value: number) => ({
              MetricName: 'Down',
              Dimensions: [],
              Timestamp: new Date(start + k * periodMs + shift),
              Value: value,
              Unit: 'Count' as const,
              StorageResolution: 60 as const,
            });
            for (let k = 0; k < 5; k++) ev.put([at(k, 0)]);
            ev.advanceTo(start + 5 * periodMs + shift);
            expect(ev.state('a')).toBe('OK');
            parse(points).forEach((p, k) => {
              if (p !== '-') ev.put([at(5 + k, p === 'X' ? 1 : 0)]);
            });
            // Act: the minute after the newest datapoint.
            ev.advanceTo(start + 9 * periodMs + shift + 60_000);
            // Assess
            const want = expected[i] === RETAIN ? 'OK' : expected[i];
            expect(ev.state('a')).toBe(want);
          });
        });
      }
    }
  });
}
