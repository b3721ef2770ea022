// Reading alarms out of templates as CDK synthesizes them (intrinsics, composites, suppressors), evaluating
// them (one-metric math among them), and the errors for definitions the simulator cannot model.
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import type { MetricDatum } from '#shared/metrics';
import { AlarmEvaluator, alarmsFromTemplate, TemplateError } from '#shared/simulate';
import { testApp } from '../../helpers/cdk.ts';

const START = Date.UTC(2026, 10, 26, 0, 0, 0);
const MIN = 60_000;

function cdkTemplate(options: { withMathAlarm?: boolean } = {}) {
  const app = testApp();
  const stack = new Stack(app, 'T', { env: { region: 'ap-northeast-2', account: '111122223333' } });
  const topic = new sns.Topic(stack, 'Pager');
  const metric = (name: string) =>
    new cw.Metric({ namespace: 'Test', metricName: name, statistic: 'Sum', period: Duration.minutes(1) });
  const a = new cw.Alarm(stack, 'A', {
    alarmName: 'a-down',
    metric: metric('A'),
    threshold: 1,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cw.TreatMissingData.NOT_BREACHING,
  });
  // No explicit name: CloudFormation would generate one; the simulator uses the logical id.
  const core = new cw.Alarm(stack, 'Core', {
    metric: metric('Core'),
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cw.TreatMissingData.NOT_BREACHING,
  });
  const composite = new cw.CompositeAlarm(stack, 'Outage', {
    compositeAlarmName: 'outage',
    alarmRule: cw.AlarmRule.allOf(
      cw.AlarmRule.fromAlarm(a, cw.AlarmState.ALARM),
      cw.AlarmRule.not(cw.AlarmRule.fromAlarm(core, cw.AlarmState.ALARM)),
    ),
    actionsSuppressor: core,
  });
  composite.addAlarmAction(new SnsAction(topic));
  composite.addOkAction(new SnsAction(topic));
  if (!options.withMathAlarm) return Template.fromStack(stack).toJSON();
  const ratio = new cw.Alarm(stack, 'Ratio', {
    alarmName: 'ratio',
    metric: new cw.MathExpression({
      expression: 'IF(FILL(total, 0) > 0, 100 * FILL(bad, 0) / total, 0)',
      usingMetrics: { bad: metric('Bad'), total: metric('Total') },
      period: Duration.minutes(1),
    }),
    threshold: 50,
    evaluationPeriods: 1,
    comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
  });
  ratio.addAlarmAction(new SnsAction(topic));
  return Template.fromStack(stack).toJSON();
}

const datum = (name: string, minute: number, value: number): MetricDatum => ({
  MetricName: name,
  Dimensions: [],
  Timestamp: new Date(START + minute * MIN),
  Value: value,
  Unit: 'Count',
  StorageResolution: 60,
});

describe('alarmsFromTemplate on a CDK-synthesized template', () => {
  it('resolves names, ARNs in rules, suppressors and topic references', () => {
    // Act
    const set = alarmsFromTemplate(cdkTemplate());
    // Assess
    const coreName = set.metricAlarms.find((m) => m.logicalId.startsWith('Core'))?.name;
    expect(coreName).toMatch(/^Core[0-9A-F]{8}$/);
    expect(set.metricAlarms.map((m) => m.name).sort()).toEqual(['a-down', coreName].sort());
    const outage = set.compositeAlarms[0];
    expect(outage?.name).toBe('outage');
    expect(outage?.children).toEqual(['a-down', coreName]);
    expect(outage?.suppressor).toBe(coreName);
    expect(outage?.waitPeriodSeconds).toBe(60);
    expect(outage?.extensionPeriodSeconds).toBe(60);
    expect(outage?.alarmActions[0]).toMatch(/^arn:aws:sns:ap-northeast-2:123456789012:/);
  });

  it('evaluates the composite and its suppressor on the virtual clock', () => {
    // Prepare
    const ev = new AlarmEvaluator(alarmsFromTemplate(cdkTemplate()), { start: START, namespace: 'Test' });
    for (let m = 0; m < 12; m++)
      ev.put([datum('A', m, m >= 2 && m < 8 ? 1 : 0), datum('Core', m, 0)], 'Test');
    // Act
    ev.advanceTo(START + 12 * MIN);
    // Assess: a-down ALARM at 4 (2 of 2), composite ALARM at 4, actions after the 60 s wait at 5.
    const at = (alarm: string) =>
      ev.transitions.filter((t) => t.alarm === alarm).map((t) => [(t.at - START) / MIN, t.to]);
    expect(at('a-down')).toEqual([
      [1, 'OK'],
      [4, 'ALARM'],
      [9, 'OK'],
    ]);
    expect(at('outage')).toEqual([
      [1, 'OK'],
      [4, 'ALARM'],
      [9, 'OK'],
    ]);
    const actions = ev.actions
      .filter((x) => x.alarm === 'outage')
      .map((x) => [(x.at - START) / MIN, x.state, x.deferredBy]);
    expect(actions).toEqual([
      [2, 'OK', 'wait-period'],
      [5, 'ALARM', 'wait-period'],
      [10, 'OK', 'wait-period'],
    ]);
  });

  it('refuses a metric-math alarm, naming it, rather than leaving it out of the simulation', () => {
    // Prepare
    const template = cdkTemplate({ withMathAlarm: true });
    // Act
    const read = () => alarmsFromTemplate(template);
    // Assess
    expect(read).toThrow(TemplateError);
    expect(read).toThrow(
      /^Resources\.Ratio[0-9A-F]{8}\.Properties\.Metrics: alarm "ratio": expected one metric and one expression over it; the simulator does not evaluate math over several metrics/,
    );
  });

  it('evaluates a one-metric math alarm on each period of its metric; a period without data stays missing', () => {
    // Prepare: down votes = FLOOR(Sum / 1000) of a Status-like metric, 2 of 3 periods at >= 2 votes.
    const app = testApp();
    const stack = new Stack(app, 'M', { env: { region: 'ap-northeast-2', account: '111122223333' } });
    new cw.Alarm(stack, 'Votes', {
      alarmName: 'votes',
      metric: new cw.MathExpression({
        expression: 'FLOOR(s / 1000)',
        usingMetrics: {
          s: new cw.Metric({
            namespace: 'Test',
            metricName: 'S',
            statistic: 'Sum',
            period: Duration.minutes(1),
          }),
        },
        period: Duration.minutes(1),
      }),
      threshold: 2,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cw.TreatMissingData.MISSING,
    });
    const set = alarmsFromTemplate(Template.fromStack(stack).toJSON());
    const ev = new AlarmEvaluator(set, { start: START, namespace: 'Test' });
    // Minutes 0-1: 1 down + 2 degraded votes (1002: one vote, not enough); 2-3: 2 down + 1 degraded (2001);
    // minute 4 has no data at all.
    for (let m = 0; m < 4; m++) ev.put([datum('S', m, m < 2 ? 1002 : 2001)], 'Test');
    // Act
    ev.advanceTo(START + 7 * MIN);
    // Assess: read as math over S; ALARM once 2 periods hold 2 votes; the empty minutes are missing, not 0.
    expect(set.metricAlarms[0]).toMatchObject({
      stat: 'Sum',
      periodSeconds: 60,
      math: { text: 'FLOOR(s / 1000)' },
    });
    expect(ev.rangeValues(set.metricAlarms[0]!, START + 6 * MIN).map((v) => v.value)).toEqual([
      1,
      2,
      2,
      undefined,
      undefined,
    ]);
    expect(ev.transitions.map((t) => [(t.at - START) / MIN, t.to])).toEqual([
      [1, 'OK'],
      [4, 'ALARM'],
    ]);
  });
});

describe('alarmsFromTemplate errors', () => {
  const alarm = (props: Record<string, unknown>) => ({
    Resources: {
      X: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'x',
          Namespace: 'N',
          MetricName: 'M',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          ...props,
        },
      },
    },
  });
  const mathOver = (expression: string) => [
    {
      Id: 'm',
      MetricStat: { Metric: { Namespace: 'N', MetricName: 'M' }, Stat: 'Sum', Period: 60 },
      ReturnData: false,
    },
    { Id: 'e', Expression: expression, ReturnData: true },
  ];
  const cases: [string, unknown, string][] = [
    [
      'an anomaly band',
      alarm({ ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' }),
      'Resources.X.Properties.ComparisonOperator: expected one of',
    ],
    [
      'a 45 s period',
      alarm({ Period: 45 }),
      'Resources.X.Properties.Period: expected a period of 10, 20, 30 or a multiple of 60 seconds, got 45',
    ],
    [
      'M over N',
      alarm({ DatapointsToAlarm: 3 }),
      'Resources.X.Properties.DatapointsToAlarm: expected 1 to EvaluationPeriods (1)',
    ],
    [
      'a statistic',
      alarm({ Statistic: 'Median' }),
      'Resources.X.Properties.Statistic: expected SampleCount, Sum, Average',
    ],
    [
      'a missing-data mode',
      alarm({ TreatMissingData: 'skip' }),
      'Resources.X.Properties.TreatMissingData: expected one of missing, notBreaching, breaching, ignore',
    ],
    [
      'a metric-math alarm without a metric',
      alarm({ Metrics: [{ Id: 'e', Expression: 'RATE(m)', ReturnData: true }], MetricName: undefined }),
      'Resources.X.Properties.Metrics: alarm "x": expected one metric and one expression over it',
    ],
    [
      'a math function the simulator does not model',
      alarm({ Metrics: mathOver('RATE(m)'), MetricName: undefined }),
      'Resources.X.Properties.Metrics[1].Expression: alarm "x": function RATE is not simulated (FLOOR, CEIL, ABS are)',
    ],
    [
      'division by the series (no value where it is 0)',
      alarm({ Metrics: mathOver('1 / m'), MetricName: undefined }),
      'Resources.X.Properties.Metrics[1].Expression: alarm "x": division by a non-zero number only, in "1 / m"',
    ],
    [
      'an expression naming another metric',
      alarm({ Metrics: mathOver('m + other'), MetricName: undefined }),
      'Resources.X.Properties.Metrics[1].Expression: alarm "x": "other" names no metric of the alarm (m)',
    ],
    [
      'an anomaly-detection alarm',
      alarm({ ThresholdMetricId: 'band' }),
      'Resources.X.Properties.ThresholdMetricId: alarm "x": expected a static threshold',
    ],
    [
      'a rule past CloudWatch limits',
      {
        Resources: {
          C: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: {
              AlarmName: 'c',
              AlarmRule: Array.from({ length: 101 }, (_, i) => `ALARM(a${i})`).join(' OR '),
            },
          },
        },
      },
      'Resources.C.Properties.AlarmRule: expected a rule within CloudWatch\'s limits; the rule of "c" references 101 alarms; CloudWatch allows 100',
    ],
    [
      'a malformed rule',
      {
        Resources: {
          C: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: { AlarmName: 'c', AlarmRule: 'ALARM(x) AND' },
          },
        },
      },
      'Resources.C.Properties.AlarmRule: expected ALARM(…), OK(…), INSUFFICIENT_DATA(…), AT_LEAST(…), TRUE, FALSE, NOT or "("',
    ],
    [
      'an unknown child',
      {
        Resources: {
          C: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: { AlarmName: 'c', AlarmRule: 'ALARM(ghost)' },
          },
        },
      },
      'Resources.C.Properties.AlarmRule: expected alarms defined in the template, got "ghost"',
    ],
    [
      'a suppressor without its wait period',
      {
        Resources: {
          A: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'a', AlarmRule: 'FALSE' } },
          C: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: {
              AlarmName: 'c',
              AlarmRule: 'TRUE',
              ActionsSuppressor: 'a',
              ActionsSuppressorExtensionPeriod: 60,
            },
          },
        },
      },
      'Resources.C.Properties.ActionsSuppressorWaitPeriod: expected seconds: CloudWatch requires it with ActionsSuppressor',
    ],
    [
      'a cycle of composites',
      {
        Resources: {
          C: {
            Type: 'AWS::CloudWatch::CompositeAlarm',
            Properties: { AlarmName: 'c', AlarmRule: 'ALARM(d)' },
          },
          D: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'd', AlarmRule: 'OK(c)' } },
        },
      },
      'expected composite alarms without a cycle, got c → d → c',
    ],
  ];
  for (const [what, template, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => alarmsFromTemplate(template)).toThrow(TemplateError);
      expect(() => alarmsFromTemplate(template)).toThrow(message);
    });
  }
});
