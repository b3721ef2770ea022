// The alarm plan rendered as CloudFormation alarm resources, the way the home stack renders it. Used only
// when the synthesized home stack holds no alarms yet, so the simulator still runs (and says so).
import type { AlarmPlan } from '#shared/alarms';

const logicalId = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

export function templateFromPlan(plan: AlarmPlan): { Resources: Record<string, unknown> } {
  const topic = 'AlarmTopic';
  const Resources: Record<string, unknown> = {
    [topic]: { Type: 'AWS::SNS::Topic', Properties: { TopicName: plan.alarmTopicName } },
  };
  for (const a of plan.alarms) {
    const actions = a.pageKind ? { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] } : {};
    if (a.type === 'metric') {
      Resources[logicalId(a.name)] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: a.name,
          AlarmDescription: a.description,
          Namespace: a.namespace,
          MetricName: a.metricName,
          Dimensions: a.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
          Statistic: a.statistic,
          Period: a.period,
          EvaluationPeriods: a.evaluationPeriods,
          DatapointsToAlarm: a.datapointsToAlarm,
          Threshold: a.threshold,
          ComparisonOperator: a.comparisonOperator,
          TreatMissingData: a.treatMissingData,
          ...actions,
        },
      };
    } else {
      Resources[logicalId(a.name)] = {
        Type: 'AWS::CloudWatch::CompositeAlarm',
        Properties: {
          AlarmName: a.name,
          AlarmDescription: a.description,
          AlarmRule: a.rule,
          ...(a.suppressor
            ? {
                ActionsSuppressor: a.suppressor.alarm,
                ActionsSuppressorWaitPeriod: a.suppressor.waitSeconds,
                ActionsSuppressorExtensionPeriod: a.suppressor.extensionSeconds,
              }
            : {}),
          ...actions,
        },
      };
    }
  }
  return { Resources };
}
