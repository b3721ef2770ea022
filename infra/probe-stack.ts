// One probe Region's stack: per tier, one or more probe functions (shards) on their own one-minute
// schedules, each with exactly the permissions it needs, a failure queue and the alarms on both.
import { Annotations, ArnFormat, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  allSecretRefs,
  ConfigError,
  type Dependency,
  isSnsChannelType,
  type MonitorConfig,
  type SecretRef,
  type Tier,
} from '#shared/config';
import { checkTimeoutMs } from '#shared/probe';
import {
  PROBE_ENTRY,
  PROBE_MEMORY_MB,
  PROBE_SCHEDULE_MINUTES,
  type ProbeShard,
  planShards,
  probeEmbed,
  probeEnvironment,
  probeTimeoutSeconds,
  roundBudgetMs,
} from '#shared/runtime';
import { probeLogGroupName } from './dashboard.ts';
import { AWS_DOCS, acknowledgedPolicy, type Finding, invokeVersionsFinding } from './iam.ts';
import { DepmonFunction } from './lambda.ts';
import { deadLetterQueue } from './queues.ts';
import { readDrillsStatement } from './response.ts';
import { alarmTopicKey, encryptedTopic, subscribeChannels } from './topics.ts';

/** The IAM resource a secret reference may be read from, in `stack`'s Region and account unless it is an ARN. */
export function secretResourceArn(stack: Stack, ref: SecretRef): string {
  if (ref.name.startsWith('arn:')) return ref.name;
  if (ref.source === 'secretsmanager') {
    // Secrets Manager appends six random characters to a secret's ARN; "-??????" matches exactly those.
    return stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${ref.name}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
  return stack.formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: ref.name.replace(/^\//, ''),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

export interface ProbeStackProps extends StackProps {
  /** The validated monitor config. */
  readonly config: MonitorConfig;
  /** Where the config came from, for synth-time error messages. */
  readonly configFile: string;
  /** The probe Region this stack runs in (also `env.region`). */
  readonly probeRegion: string;
  /** @default config.targetsPerFunction */
  readonly targetsPerFunction?: number;
  /** @default PROBE_MEMORY_MB (256) */
  readonly memorySize?: number;
  /** @default RetentionDays.THREE_MONTHS (DepmonFunction's default) */
  readonly logRetention?: RetentionDays;
}

export interface ProbeFunction {
  readonly tier: Tier;
  readonly shard: number;
  readonly dependencies: readonly string[];
  readonly fn: DepmonFunction;
  readonly schedule: Schedule;
  /** The function's own Errors alarm (an invocation that threw, e.g. datums it could not publish). */
  readonly errorsAlarm: Alarm;
}

/**
 * Probe functions of one Region, and the alarms on their failures. Those alarms act on a topic in this Region
 * (an alarm's SNS action publishes to a topic of its own Region), subscribed by the channels that receive
 * monitor-blind pages: the people who own the monitor hear when their probes fail.
 */
export class ProbeStack extends Stack {
  readonly probeRegion: string;
  readonly functions: readonly ProbeFunction[];
  /** Failed invocations (Lambda on-failure destination) and undeliverable schedules (Scheduler DLQ). */
  readonly failureQueue: Queue;
  readonly failureQueueAlarm: Alarm;
  /** Every operational alarm of this stack: the failure queue's depth and each function's Errors. */
  readonly alarms: readonly Alarm[];
  /** Where those alarms go: `<name>-probe-alerts` in this Region, subscribed by the monitor-blind route's channels. */
  readonly alertTopic: Topic;

  constructor(scope: Construct, id: string, props: ProbeStackProps) {
    super(scope, id, props);
    const { config, probeRegion } = props;
    this.probeRegion = probeRegion;
    this.failureQueue = failureQueue(this);
    this.failureQueueAlarm = new Alarm(this, 'FailureQueueAlarm', {
      alarmDescription: `depmon ${config.name}: probe invocations in ${probeRegion} failed or could not be delivered`,
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.functions = this.probeFunctions(props);
    this.alarms = [this.failureQueueAlarm, ...this.functions.map((f) => f.errorsAlarm)];
    this.alertTopic = alertTopic(this, config, probeRegion);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(new SnsAction(this.alertTopic));
      alarm.addOkAction(new SnsAction(this.alertTopic));
    }
  }

  /** One function per shard, each on its own schedule; one schedule role for the Region. */
  private probeFunctions(props: ProbeStackProps): ProbeFunction[] {
    const { config, probeRegion } = props;
    // One role for every schedule of this Region: it may invoke the probe functions and feed the failure queue.
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: `depmon ${config.name}: EventBridge Scheduler invoking the probe functions in ${probeRegion}`,
    });
    const vpc = vpcPlacement(config, props.configFile, probeRegion);
    return planShards(config, props.targetsPerFunction ?? config.targetsPerFunction).map((shard) => {
      const name = `${shard.tier === 'first-party' ? 'FirstParty' : 'ThirdParty'}${shard.shard}`;
      const fn = this.probeFunction(name, shard, props, shard.tier === 'first-party' ? vpc : undefined);
      return {
        tier: shard.tier,
        shard: shard.shard,
        dependencies: shard.dependencies.map((d) => d.id),
        fn,
        schedule: this.schedule(name, shard, config, fn, scheduleRole),
        errorsAlarm: new Alarm(this, `${name}ErrorsAlarm`, {
          alarmDescription: `depmon ${config.name}: ${shard.tier} probe shard ${shard.shard} in ${probeRegion} is failing`,
          metric: fn.metricErrors({ period: Duration.minutes(1) }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: config.policy.evaluationPeriods,
          datapointsToAlarm: config.policy.datapointsToAlarm,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      };
    });
  }

  /** A shard's function: its own role, its embedded dependencies and settings, failures to the queue. */
  private probeFunction(name: string, shard: ProbeShard, props: ProbeStackProps, vpc?: VpcPlacement) {
    const { config, probeRegion } = props;
    const role = new Role(this, `${name}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `depmon ${config.name} probe ${shard.tier} shard ${shard.shard} in ${probeRegion}`,
    });
    const fn = new DepmonFunction(this, name, {
      entry: PROBE_ENTRY,
      description: `depmon ${config.name}: probes ${shard.dependencies.length} ${shard.tier} dependencies (shard ${shard.shard})`,
      embed: probeEmbed(config, shard),
      logGroupName: probeLogGroupName(config, shard.tier, shard.shard),
      role,
      timeout: Duration.seconds(probeTimeoutSeconds(config)),
      memorySize: props.memorySize ?? PROBE_MEMORY_MB,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: probeEnvironment(config, shard),
      // A failed minute is not worth replaying a minute later: the next scheduled run probes afresh.
      retryAttempts: 0,
      maxEventAge: Duration.seconds(60),
      onFailure: new SqsDestination(this.failureQueue),
    });
    grantProbePermissions(this, role, fn, config.namespace, shard.dependencies, Boolean(vpc));
    role.addToPolicy(readDrillsStatement(this, config));
    if (vpc) {
      // Subnet and security-group ids straight from the config: no VPC look-up, so synth needs no credentials.
      (fn.node.defaultChild as CfnFunction).vpcConfig = vpc;
    }
    warnEnvRefs(fn, shard.dependencies);
    warnSlowChecks(fn, config, shard.dependencies);
    return fn;
  }

  /** The shard's schedule: every PROBE_SCHEDULE_MINUTES, no flexible window, undeliverable runs to the queue. */
  private schedule(name: string, shard: ProbeShard, config: MonitorConfig, fn: DepmonFunction, role: Role) {
    Validations.of(role).acknowledge(invokeVersionsFinding(fn));
    return new Schedule(this, `${name}Schedule`, {
      description: `depmon ${config.name}: ${shard.tier} probes, shard ${shard.shard}, every minute`,
      schedule: ScheduleExpression.rate(Duration.minutes(PROBE_SCHEDULE_MINUTES)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(fn, {
        role,
        deadLetterQueue: this.failureQueue,
        retryAttempts: 0,
        maxEventAge: Duration.seconds(60),
      }),
    });
  }
}

/** Failed invocations (Lambda on-failure destination) and undeliverable schedules (Scheduler DLQ). */
function failureQueue(stack: Stack): Queue {
  return deadLetterQueue(stack, 'FailureQueue', 'the probe functions and their schedules');
}

/**
 * The Region's alert topic, encrypted with a key CloudWatch may use (alarm actions fail against the
 * AWS-managed SNS key), SSL-only, subscribed by every channel of a route that takes monitor-blind pages.
 */
function alertTopic(stack: Stack, config: MonitorConfig, region: string): Topic {
  const key = alarmTopicKey(
    stack,
    'AlertKey',
    `depmon ${config.name}: encrypts the probe alert topic in ${region}`,
  );
  const topic = encryptedTopic(stack, 'AlertTopic', {
    topicName: `${config.name}-probe-alerts`,
    displayName: `depmon ${config.name} probe alerts ${region}`,
    key,
    fromAlarms: true,
  });
  const channelIds = new Set(
    config.routes.filter((r) => r.kinds.includes('monitor-blind')).flatMap((r) => r.channels),
  );
  // CloudWatch publishes these alarms to SNS itself: only SNS channels (email, SMS, HTTPS) can receive them.
  const channels = config.channels.filter((c) => channelIds.has(c.id) && isSnsChannelType(c.type));
  let dlq: Queue | undefined;
  subscribeChannels(topic, channels, () => {
    dlq ??= deadLetterQueue(stack, 'AlertDeliveryDlq', 'the HTTPS alert subscriptions');
    return dlq;
  });
  if (channels.length === 0) {
    Annotations.of(topic).addWarningV2(
      'depmon:no-probe-alert-channel',
      `probe failures in ${region} alarm into ${config.name}-probe-alerts, which no channel receives: ` +
        'add an email, SMS or HTTPS channel to a route with kind "monitor-blind" so someone hears when the probes themselves fail.',
    );
  }
  return topic;
}

/** Where a Region's first-party function runs, if the config places it in a VPC. */
interface VpcPlacement {
  subnetIds: string[];
  securityGroupIds: string[];
}

function vpcPlacement(config: MonitorConfig, configFile: string, region: string): VpcPlacement | undefined {
  const subnetIds = config.vpc?.subnetIds[region];
  const securityGroupIds = config.vpc?.securityGroupIds[region];
  if (!subnetIds && !securityGroupIds) return undefined;
  if (!subnetIds || !securityGroupIds) {
    const missing = subnetIds ? 'securityGroupIds' : 'subnetIds';
    throw new ConfigError(configFile, [
      {
        path: `vpc.${missing}["${region}"]`,
        message: `expected ${missing === 'subnetIds' ? 'subnet ids' : 'security group ids'} for ${region}, which has ${
          missing === 'subnetIds' ? 'security groups' : 'subnets'
        }`,
        hint: 'a Lambda function in a VPC needs both its subnets and its security groups',
      },
    ]);
  }
  return { subnetIds: [...subnetIds], securityGroupIds: [...securityGroupIds] };
}

/**
 * Exactly what one probe function needs. Its default policy holds only grants on named resources; the two that
 * AWS allows only on "*" sit in policies of their own, each acknowledging that one finding.
 */
function grantProbePermissions(
  stack: Stack,
  role: Role,
  fn: DepmonFunction,
  namespace: string,
  deps: readonly Dependency[],
  inVpc: boolean,
): void {
  for (const statement of secretStatements(stack, deps)) role.addToPolicy(statement);
  acknowledgedPolicy(role, 'PutMetrics', [putDepmonMetrics(namespace)], [PUT_METRICS_ON_STAR], [fn]);
  if (inVpc)
    acknowledgedPolicy(role, 'VpcNetworkInterfaces', [vpcNetworkInterfaces()], [VPC_ENI_ON_STAR], [fn]);
}

/** The probe's one write to CloudWatch: its results, into the config's namespace only. */
function putDepmonMetrics(namespace: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'PutDepmonMetrics',
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
  });
}

const PUT_METRICS_ON_STAR: Finding = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'The probe publishes its results with cloudwatch:PutMetricData, which has no resource type (Service ' +
    `Authorization Reference, ${AWS_DOCS.cloudwatchActions}), so its Resource must be "*"; the ` +
    `cloudwatch:namespace condition limits it to the config's namespace (${AWS_DOCS.cloudwatchConditionKeys}).`,
};

const VPC_ENI_ON_STAR: Finding = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'A probe in a VPC reaches internal APIs through network interfaces Lambda creates with the function role; ' +
    `the Lambda guide lists these actions and says ec2:DescribeNetworkInterfaces works only on "*" (${AWS_DOCS.lambdaVpc}); ` +
    'they are the actions of AWSLambdaVPCAccessExecutionRole.',
};

/** Read access to exactly the secrets and parameters the dependencies reference (never `${env:…}` ones). */
function secretStatements(stack: Stack, deps: readonly Dependency[]): PolicyStatement[] {
  const refs = allSecretRefs(deps).filter((r) => r.source !== 'env');
  const arns = (source: SecretRef['source']) => [
    ...new Set(refs.filter((r) => r.source === source).map((r) => secretResourceArn(stack, r))),
  ];
  const sm = arns('secretsmanager');
  const ssm = arns('ssm');
  return [
    ...(sm.length > 0
      ? [
          new PolicyStatement({
            sid: 'ReadReferencedSecrets',
            actions: ['secretsmanager:GetSecretValue'],
            resources: sm,
          }),
        ]
      : []),
    ...(ssm.length > 0
      ? [
          new PolicyStatement({
            sid: 'ReadReferencedParameters',
            actions: ['ssm:GetParameter'],
            resources: ssm,
          }),
        ]
      : []),
  ];
}

/** The actions of AWSLambdaVPCAccessExecutionRole; Lambda needs them on "*" (Lambda developer guide). */
function vpcNetworkInterfaces(): PolicyStatement {
  return new PolicyStatement({
    sid: 'ManageVpcNetworkInterfaces',
    effect: Effect.ALLOW,
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}

/** A check whose timeout is longer than a round can never finish in time: it would read as CYCLE_DEADLINE. */
function warnSlowChecks(fn: DepmonFunction, config: MonitorConfig, deps: readonly Dependency[]): void {
  const budgetMs = roundBudgetMs(config);
  const slow = deps
    .filter((d) => checkTimeoutMs(d) > budgetMs)
    .map((d) => `${d.id} (${checkTimeoutMs(d)} ms)`);
  if (slow.length === 0) return;
  Annotations.of(fn).addWarningV2(
    'depmon:timeout-exceeds-round',
    `timeouts longer than a round's probing time (${budgetMs} ms at a ${config.intervalSeconds} s interval, after the egress check): ` +
      `${slow.join(', ')}. Such probes end at the round's deadline as down (CYCLE_DEADLINE).`,
  );
}

/** `${env:…}` references resolve from the function's own environment, which depmon does not fill: say so at synth. */
function warnEnvRefs(fn: DepmonFunction, deps: readonly Dependency[]): void {
  const envRefs = allSecretRefs(deps).filter((r) => r.source === 'env');
  if (envRefs.length === 0) return;
  Annotations.of(fn).addWarningV2(
    'depmon:env-secret-ref',
    `${envRefs.map((r) => r.raw).join(', ')} resolve from the probe function's environment, which depmon does not set: ` +
      'use ${secretsmanager:NAME} or ${ssm:/NAME} for deployed probes (the probe reports SECRET_UNAVAILABLE otherwise).',
  );
}
