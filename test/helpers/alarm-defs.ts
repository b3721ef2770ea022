// Metric alarm definitions for the evaluator tests, as the simulator reads them from a template: one alarm on
// the metric of its own name in the Test namespace, 1 of 1 periods of 60 s, Maximum >= 1, missing data not
// breaching. Each test overrides what it is about.
import type { MetricAlarmDef } from '#shared/simulate';

export const TEST_NAMESPACE = 'Test';

export function metricAlarmDef(name: string, over: Partial<MetricAlarmDef> = {}): MetricAlarmDef {
  return {
    kind: 'metric',
    logicalId: name,
    name,
    actionsEnabled: true,
    alarmActions: [],
    okActions: [],
    insufficientDataActions: [],
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    evaluateLowSampleCountPercentile: 'evaluate',
    metric: { namespace: TEST_NAMESPACE, metricName: name, dimensions: {} },
    stat: 'Maximum',
    ...over,
  };
}
