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

describe('AlarmEvaluator: the same rows fed as datums with 5-minute periods', () => {
  for (const [title, m, rows] of [
    ['3 of 3', 3, THREE_OF_THREE],
    ['2 of 3', 2, TWO_OF_THREE],
  ] as const) {
    for (const [points, ...expected] of rows) {
      MODES.forEach((mode, i) => {
        it(`${title}: ${points} with ${mode}`, () => {
          // Prepare: the five periods before t = 25 min hold the row's datapoints; the alarm starts in OK
          // via a forced first evaluation of all-good data.
          const start = Date.UTC(2026, 10, 26, 0, 0, 0);
          const ev = new AlarmEvaluator(alarmSet(m, mode), { start, namespace: NS });
          const periodMs = 300_000;
          // Warm-up: 5 good periods so the alarm is OK before the row is fed.
          for (let k = 0; k < 5; k++)
            ev.put([
              {
                MetricName: 'Down',
                Dimensions: [],
                Timestamp: new Date(start + k * periodMs),
                Value: 0,
                Unit: 'Count',
                StorageResolution: 60,
              },
            ]);
          ev.advanceTo(start + 5 * periodMs);
          expect(ev.state('a')).toBe('OK');
          parse(points).forEach((p, k) => {
            if (p === '-') return;
            ev.put([
              {
                MetricName: 'Down',
                Dimensions: [],
                Timestamp: new Date(start + (5 + k) * periodMs),
                Value: p === 'X' ? 1 : 0,
                Unit: 'Count',
                StorageResolution: 60,
              },
            ]);
          });
          // Act
          ev.advanceTo(start + 10 * periodMs);
          // Assess
          const want = expected[i] === RETAIN ? 'OK' : expected[i];
          expect(ev.state('a')).toBe(want);
        });
      });
    }
  }
});
