// The home-region stack: the alarm plan rendered 1:1 (metric and composite alarms), the SNS topics
// (alarm topic and one per route, KMS-encrypted, SSL-only), the notify function with its page log and
// state tables, and the dashboard. Nothing here decides anything the simulator cannot see.
import { Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import { CfnAlarm, CfnCompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV_PAGE_LOG_TABLE, ENV_ROUTE_TOPICS, ENV_STATE_TABLE, type NotifyEmbed } from '#functions/notify';
import {
  type AlarmPlan,
  buildAlarmPlan,
  type CompositeAlarmSpec,
  type MetricAlarmSpec,
  planShards,
} from '#shared/alarms';
import { ConfigError, configInput, type MonitorConfig, parseConfig } from '#shared/config';
import { DepmonDashboard } from './dashboard.ts';
import { DepmonFunction } from './lambda.ts';
import { alarmTopicKey, encryptedTopic, subscribeChannels } from './topics.ts';

/** Handler source of the notify function. */
export const NOTIFY_ENTRY = 'functions/notify/handler.ts';

export interface HomeStackProps extends StackProps {
  /** The validated monitor config. */
  readonly config: MonitorConfig;
  /** Where the config came from, for synth-time error messages. */
  readonly configFile: string;
  /**
   * Most dependencies per probe function: pass the value the probe stacks use, so there is exactly one
   * heartbeat alarm per deployed probe shard. @default config.targetsPerFunction
   */
  readonly targetsPerFunction?: number;
}

/** Alarms, composite alarms, topics, the notify function, the page log and the dashboard, in the home region. */
export class HomeStack extends Stack {
  readonly plan: AlarmPlan;
  readonly alarmTopic: Topic;
  /** Route id → topic. */
  readonly routeTopics: ReadonlyMap<string, Topic>;
  readonly pageLog: Table;
  readonly notifyFunction: DepmonFunction;

  constructor(scope: Construct, id: string, props: HomeStackProps) {
    super(scope, id, props);
    const { config, configFile } = props;
    // The same validation as `depmon` runs (channel independence included), again at synth: a config
    // object built in code reaches here without the loader.
    parseConfig(configInput(config), configFile);
    if (!Token.isUnresolved(this.region) && this.region !== config.homeRegion) {
      throw new ConfigError(configFile, [
        {
          path: 'homeRegion',
          message: `expected the home stack in ${config.homeRegion}, got ${this.region}`,
        },
      ]);
    }
    // The probe stacks' own shard split (it also caps shards by what fits in a round): one heartbeat per shard.
    const shards = planShards(config, props.targetsPerFunction ?? config.targetsPerFunction).map((s) => ({
      tier: s.tier,
      shard: s.shard,
      dependencies: s.dependencies.map((d) => d.id),
    }));
    const plan = buildAlarmPlan(config, { configFile, shards });
    this.plan = plan;

    // ── Encryption key for every topic: CloudWatch must be able to use it (alarm actions fail against
    //    the AWS-managed alias/aws/sns key). ────────────────────────────────────────────────────────
    const key = alarmTopicKey(this, 'TopicKey', `depmon ${config.name}: encrypts the alarm and page topics`);

    // ── Topics ────────────────────────────────────────────────────────────────────────────────────
    this.alarmTopic = encryptedTopic(this, 'AlarmTopic', {
      topicName: plan.alarmTopicName,
      displayName: `depmon ${config.name} alarms`,
      key,
      fromAlarms: true,
    });

    const subscriptionDlq = new Queue(this, 'SubscriptionDlq', {
      queueName: `${config.name}-page-delivery-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(subscriptionDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the HTTPS page subscriptions.',
    });

    const channels = new Map(config.channels.map((c) => [c.id, c]));
    const routeTopics = new Map<string, Topic>();
    for (const route of plan.routes) {
      const topic = encryptedTopic(this, `Route-${route.id}`, {
        topicName: route.topicName,
        displayName: `depmon ${config.name} ${route.id}`,
        key,
      });
      // parseConfig (above) has checked that every route's channel ids exist.
      subscribeChannels(
        topic,
        route.channels.map((id) => channels.get(id)!),
        () => subscriptionDlq,
      );
      routeTopics.set(route.id, topic);
    }
    this.routeTopics = routeTopics;

    // ── Page log and paging state ────────────────────────────────────────────────────────────────
    // Page log: kept as long as a regulator may ask (retained, point-in-time recovery); `day` + `sk`
    // (`<at>#<id>`) so `depmon timeline` reads a time range with one Query per day.
    this.pageLog = new Table(this, 'PageLog', {
      tableName: `${config.name}-page-log`,
      partitionKey: { name: 'day', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Paging state: open incidents, flap counters, and record markers (expire after MARKER_TTL_DAYS).
    const stateTable = new Table(this, 'PageState', {
      tableName: `${config.name}-page-state`,
      partitionKey: { name: 'key', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // ── Notify function ──────────────────────────────────────────────────────────────────────────
    const notifyDlq = new Queue(this, 'NotifyDlq', {
      queueName: `${config.name}-notify-failures`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(notifyDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the notify function and its schedule.',
    });
    const role = new Role(this, 'NotifyRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `depmon ${config.name}: notify function`,
    });
    const embed: NotifyEmbed = { config, configFile, plan };
    const fn = new DepmonFunction(this, 'Notify', {
      entry: NOTIFY_ENTRY,
      description: `depmon ${config.name}: turns alarm state changes into pages`,
      embed,
      role,
      timeout: Duration.seconds(60),
      environment: {
        [ENV_ROUTE_TOPICS]: Stack.of(this).toJsonString(
          Object.fromEntries([...routeTopics].map(([id, t]) => [id, t.topicArn])),
        ),
        [ENV_STATE_TABLE]: stateTable.tableName,
        [ENV_PAGE_LOG_TABLE]: this.pageLog.tableName,
      },
      // Asynchronous invocations (SNS, the schedule): retried twice by Lambda, then to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(notifyDlq),
    });
    this.notifyFunction = fn;
    this.alarmTopic.addSubscription(new LambdaSubscription(fn));

    role.addToPolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [fn.logGroup.logGroupArn],
      }),
    );
    if (routeTopics.size > 0) {
      role.addToPolicy(
        new PolicyStatement({
          sid: 'PublishPages',
          actions: ['sns:Publish'],
          resources: [...routeTopics.values()].map((t) => t.topicArn),
        }),
      );
    }
    key.grantEncryptDecrypt(role);
    this.pageLog.grant(role, 'dynamodb:PutItem');
    stateTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan');
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadAlarmStatesAndDownMetric',
        effect: Effect.ALLOW,
        // Read-only. GetMetricData has no resource type; DescribeAlarms is called with a name prefix,
        // which IAM authorises against the account's alarms, not one ARN (Service Authorization Reference).
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:GetMetricData has no resource type and DescribeAlarms by name prefix is not scoped to one ARN; both are read-only.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted topic needs GenerateDataKey*; the grant is on the topics key only.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason: 'Granted by grantEncryptDecrypt on the topics key only.',
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is deliberate: the bundles are tested on a real Node 22 binary before they ship (test/infra); ' +
        'a newer runtime is adopted by changing LAMBDA_RUNTIME together with that test.',
    });

    // One-minute tick: sends resolves that have come due (settle time, flapping's stable time).
    const tickRole = new Role(this, 'TickScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    });
    Validations.of(tickRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        'CDK\'s LambdaInvoke target grants lambda:InvokeFunction on the function and its versions/aliases ("ARN:*"), ' +
        'all of them the notify function.',
    });
    new Schedule(this, 'NotifyTick', {
      scheduleName: `${config.name}-notify-tick`,
      description: `depmon ${config.name}: sends resolved pages that have come due`,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(fn, {
        role: tickRole,
        input: ScheduleTargetInput.fromObject({ source: 'depmon.tick' }),
        deadLetterQueue: notifyDlq,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });

    // ── Alarms: the plan, 1:1 ────────────────────────────────────────────────────────────────────
    const alarmActions = [this.alarmTopic.topicArn];
    const rendered = new Map<string, CfnAlarm | CfnCompositeAlarm>();
    for (const a of plan.alarms) {
      const actions = a.pageKind ? { alarmActions, okActions: alarmActions } : {};
      if (a.type === 'metric') rendered.set(a.name, renderMetricAlarm(this, a, actions));
      else {
        const c = renderCompositeAlarm(this, a, actions);
        for (const child of [...a.children, ...(a.suppressor ? [a.suppressor.alarm] : [])]) {
          const dep = rendered.get(child);
          if (dep) c.addResourceDependency(dep);
        }
        rendered.set(a.name, c);
      }
    }

    new DepmonDashboard(this, 'Dashboard', { config, plan });
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
    namespace: a.namespace,
    metricName: a.metricName,
    dimensions: a.dimensions.map((d) => ({ name: d.Name, value: d.Value })),
    statistic: a.statistic,
    period: a.period,
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm,
    threshold: a.threshold,
    comparisonOperator: a.comparisonOperator,
    treatMissingData: a.treatMissingData,
    actionsEnabled: a.pageKind !== undefined,
    ...actions,
  });
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
