// CloudWatch alarm state-change messages as CloudWatch publishes them to SNS (the documented shape:
// CloudWatch User Guide, "Alarm events and Amazon SNS"), for the bank example's alarms.
import type { AlarmStateChangeMessage } from '#shared/pages';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-2';
const arn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:bank-alarms`;

/** A metric alarm's message, e.g. a `degraded` or `down` alarm crossing its threshold. */
export function metricAlarmMessage(
  name: string,
  dependency: string,
  newState: 'ALARM' | 'OK',
  time: string,
  metricName = 'Status',
): AlarmStateChangeMessage {
  return {
    AlarmName: name,
    AlarmDescription: `${dependency} alarm`,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-11-20T09:00:00.000+0000',
    NewStateValue: newState,
    NewStateReason:
      newState === 'ALARM'
        ? `Threshold Crossed: 2 out of the last 3 datapoints [3.0 (${time.slice(8, 10)}/11/26 05:04:00), 2.0 (${time.slice(8, 10)}/11/26 05:03:00)] were greater than or equal to the threshold (2.0) (minimum 2 datapoints for OK -> ALARM transition).`
        : 'Threshold Crossed: 2 out of the last 3 datapoints [0.0 (26/11/26 05:44:00), 0.0 (26/11/26 05:43:00)] were not greater than or equal to the threshold (2.0) (minimum 2 datapoints for ALARM -> OK transition).',
    StateChangeTime: time,
    Region: 'Asia Pacific (Seoul)',
    AlarmArn: arn(name),
    OldStateValue: newState === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [topic],
    AlarmActions: [topic],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: metricName,
      Namespace: 'Depmon',
      StatisticType: 'Statistic',
      Statistic: 'SUM',
      Unit: null,
      Dimensions: [{ value: dependency, name: 'Dependency' }],
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 2.0,
      TreatMissingData: 'notBreaching',
    },
  };
}

/** A composite alarm's message (AlarmRule and TriggeringChildren instead of Trigger). */
export function compositeAlarmMessage(
  name: string,
  rule: string,
  child: string,
  newState: 'ALARM' | 'OK',
  time: string,
): AlarmStateChangeMessage {
  return {
    AlarmName: name,
    AlarmDescription: `${name} composite`,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: '2026-11-20T09:00:00.000+0000',
    NewStateValue: newState,
    NewStateReason: `${arn(child)} transitioned to ${newState} at Thursday 26 November, 2026 05:05:13 UTC`,
    StateChangeTime: time,
    Region: 'Asia Pacific (Seoul)',
    AlarmArn: arn(name),
    OldStateValue: newState === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [topic],
    AlarmActions: [topic],
    InsufficientDataActions: [],
    AlarmRule: rule,
    TriggeringChildren: [{ Arn: arn(child), State: { Value: newState, Timestamp: time } }],
  };
}
