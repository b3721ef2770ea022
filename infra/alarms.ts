// The alarm plan rendered 1:1 into CloudFormation, and the stacks that hold the alarms that are not the base
// stack's: the core stack (critical down alarms, core-outage) and the alarm stacks (shared/runtime layout.ts
// says which alarm goes where and why). Alarm actions name the alarm topic by ARN, built from its name: no
// cross-stack reference, so no CloudFormation export ties the stacks together beyond their deploy order.
import { ArnFormat, CfnResource, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnAlarm, CfnCompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import {
  type AlarmPlan,
  type AlarmSpec,
  type CompositeAlarmSpec,
  METRIC_INPUT_ID,
  type MetricAlarmSpec,
} from '#shared/alarms';
import { ConfigError } from '#shared/config';
import { STACK_RESOURCE_BUDGET } from '#shared/runtime';

/**
 * Each alarm as CloudFormation receives it, composites after the alarms they reference in this stack (a child in
 * a stack deployed earlier needs no DependsOn). Paging alarms send ALARM and OK to `alarmActions`.
 */
export function renderAlarms(scope: Construct, alarms: readonly AlarmSpec[], alarmActions: string[]): void {
  const rendered = new Map<string, CfnAlarm | CfnCompositeAlarm>();
  for (const a of alarms) {
    const actions = a.pageKind ? { alarmActions, okActions: alarmActions } : {};
    if (a.type === 'metric') rendered.set(a.name, renderMetricAlarm(scope, a, actions));
    else {
      const c = renderCompositeAlarm(scope, a, actions);
      for (const child of [...a.children, ...(a.suppressor ? [a.suppressor.alarm] : [])]) {
        const dep = rendered.get(child);
        if (dep) c.addResourceDependency(dep);
      }
      rendered.set(a.name, c);
    }
  }
}

function renderMetricAlarm(
  scope: Construct,
  a: MetricAlarmSpec,
  actions: { alarmActions?: string[]; okActions?: string[] },
): CfnAlarm {
  return new CfnAlarm(scope, `Alarm-${a.name}`, {
    alarmName: a.name,
    alarmDescription: a.description,
    ...(a.expression === undefined ? singleMetric(a) : mathMetrics(a)),
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm,
    threshold: a.threshold,
    comparisonOperator: a.comparisonOperator,
    treatMissingData: a.treatMissingData,
    actionsEnabled: a.pageKind !== undefined,
    ...actions,
  });
}

const cfnDimensions = (a: MetricAlarmSpec) => a.dimensions.map((d) => ({ name: d.Name, value: d.Value }));

function singleMetric(a: MetricAlarmSpec) {
  return {
    namespace: a.namespace,
    metricName: a.metricName,
    dimensions: cfnDimensions(a),
    statistic: a.statistic,
    period: a.period,
  };
}

/** A metric-math alarm: the one metric (not returned) and the expression over it (returned, compared). */
function mathMetrics(a: MetricAlarmSpec): { metrics: CfnAlarm.MetricDataQueryProperty[] } {
  return {
    metrics: [
      {
        id: METRIC_INPUT_ID,
        metricStat: {
          metric: { namespace: a.namespace, metricName: a.metricName, dimensions: cfnDimensions(a) },
          stat: a.statistic,
          period: a.period,
        },
        returnData: false,
      },
      { id: 'votes', expression: a.expression, label: a.role, returnData: true },
    ],
  };
}

function renderCompositeAlarm(
  scope: Construct,
  a: CompositeAlarmSpec,
  actions: { alarmActions?: string[]; okActions?: string[] },
): CfnCompositeAlarm {
  return new CfnCompositeAlarm(scope, `Alarm-${a.name}`, {
    alarmName: a.name,
    alarmDescription: a.description,
    alarmRule: a.rule,
    actionsEnabled: a.pageKind !== undefined,
    ...(a.suppressor
      ? {
          actionsSuppressor: a.suppressor.alarm,
          actionsSuppressorWaitPeriod: a.suppressor.waitSeconds,
          actionsSuppressorExtensionPeriod: a.suppressor.extensionSeconds,
        }
      : {}),
    ...actions,
  });
}

/** Refuses a stack that would hold more alarms than fit in one CloudFormation stack, naming what to change. */
export function checkAlarmBudget(
  configFile: string,
  stackName: string,
  alarms: readonly AlarmSpec[],
  otherResources: number,
  advice: string,
): void {
  const total = alarms.length + otherResources;
  if (total <= STACK_RESOURCE_BUDGET) return;
  throw new ConfigError(configFile, [
    {
      path: 'dependencies',
      message: `stack ${stackName} would hold ${total} resources (${alarms.length} alarms); depmon keeps a stack within ${STACK_RESOURCE_BUDGET} of CloudFormation's 500`,
      hint: advice,
    },
  ]);
}

export interface AlarmStackProps extends StackProps {
  /** Where the config came from, for synth-time error messages. */
  readonly configFile: string;
  /** The plan the alarms come from (its alarm topic receives their actions). */
  readonly plan: AlarmPlan;
  /** The alarms of this stack, in plan order. */
  readonly alarms: readonly AlarmSpec[];
  /** What to tell a user whose alarms overflow this stack. */
  readonly overflowAdvice: string;
}

/**
 * A stack of alarms, and nothing else. An alarm stack left empty (no dependency hashes to it yet) holds one
 * no-op resource: CloudFormation refuses a template without resources, and a stack that vanished from the app
 * would stay deployed with whatever alarms it last had.
 */
export class AlarmStack extends Stack {
  readonly alarms: readonly AlarmSpec[];

  constructor(scope: Construct, id: string, props: AlarmStackProps) {
    super(scope, id, props);
    const { plan, alarms, configFile, overflowAdvice } = props;
    this.alarms = alarms;
    checkAlarmBudget(configFile, this.stackName, alarms, 0, overflowAdvice);
    renderAlarms(this, alarms, [alarmTopicArn(this, plan)]);
    if (alarms.length === 0)
      new CfnResource(this, 'Empty', { type: 'AWS::CloudFormation::WaitConditionHandle' });
  }
}

/** The alarm topic's ARN in `stack`'s account and Region, from the topic's explicit name. */
export function alarmTopicArn(stack: Stack, plan: AlarmPlan): string {
  return stack.formatArn({
    service: 'sns',
    resource: plan.alarmTopicName,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}
