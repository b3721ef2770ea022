// The home Region's base stack: the SNS topics (alarm topic and one per route, KMS-encrypted, SSL-only), the
// notify function with its page log and state tables, and the alarms that watch depmon itself (heartbeats and
// the monitor-blind composites). The dependencies' alarms are in the core and alarm stacks (infra/alarms.ts),
// deployed after this one; shared/runtime layout.ts says which alarm lives where. Nothing here decides
// anything the simulator cannot see.
import { Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { PAGE_LOG_KEY } from '#aws/page-log';
import { type AlarmPlan, type AlarmSpec, buildAlarmPlan } from '#shared/alarms';
import {
  ConfigError,
  channelSecretRefs,
  configInput,
  type MonitorConfig,
  parseConfig,
  type SecretRef,
} from '#shared/config';
import {
  NOTIFY_ENTRY,
  NOTIFY_MEMORY_MB,
  NOTIFY_TIMEOUT_SECONDS,
  type NotifyEmbed,
  notifyConfig,
  notifyEnvironment,
  planShards,
} from '#shared/runtime';
import { checkAlarmBudget, renderAlarms } from './alarms.ts';
import { DeliveryAlarms } from './delivery-alarms.ts';
import { AWS_DOCS, acknowledgedPolicy, type Finding, invokeVersionsFinding } from './iam.ts';
import { DepmonFunction } from './lambda.ts';
import { secretResourceArn } from './probe-stack.ts';
import { deadLetterQueue } from './queues.ts';
import { ackFunction, ackKey, appendOnlyPolicy, grantAppendOnly, readDrillsStatement } from './response.ts';
import { alarmTopicKey, encryptedTopic, subscribeChannels } from './topics.ts';

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
  /** The alarm plan, when the caller built it (DependencyMonitor builds it once for every home stack). @default built here */
  readonly plan?: AlarmPlan;
  /**
   * The plan's alarms this stack renders. @default every alarm of the plan (a single-stack home, for a small
   * config in a user's own app); DependencyMonitor passes the base stack's share (shared/runtime `homeLayout`).
   */
  readonly alarms?: readonly AlarmSpec[];
}

/** Topics, the notify function, the page log and the base stack's alarms, in the home region. */
export class HomeStack extends Stack {
  readonly plan: AlarmPlan;
  readonly alarmTopic: Topic;
  /** Route id → topic. */
  readonly routeTopics: ReadonlyMap<string, Topic>;
  readonly pageLog: Table;
  readonly notifyFunction: DepmonFunction;
  /** The ack function's URL (pages carry it with a signed token). */
  readonly ackUrl: string;

  constructor(scope: Construct, id: string, props: HomeStackProps) {
    super(scope, id, props);
    const { config, configFile } = props;
    this.checkConfig(config, configFile);
    const plan = props.plan ?? alarmPlanOf(config, configFile, props.targetsPerFunction);
    this.plan = plan;
    // Encryption key for every topic: CloudWatch must be able to use it (alarm actions fail against the
    // AWS-managed alias/aws/sns key).
    const key = alarmTopicKey(this, 'TopicKey', `depmon ${config.name}: encrypts the alarm and page topics`);
    this.alarmTopic = encryptedTopic(this, 'AlarmTopic', {
      topicName: plan.alarmTopicName,
      displayName: `depmon ${config.name} alarms`,
      key,
      fromAlarms: true,
    });
    const pageDeliveryDlq = pageDeliveryQueue(this, config);
    this.routeTopics = routeTopics(this, config, plan, key, pageDeliveryDlq);
    const { pageLog, stateTable } = pageTables(this, config);
    this.pageLog = pageLog;
    const ackSecret = ackKey(this, config);
    const ack = ackFunction(this, config, pageLog, ackSecret);
    this.ackUrl = ack.url.url;
    const notify = this.buildNotifyFunction(config, configFile, stateTable, {
      url: ack.url.url,
      key: ackSecret.secretArn,
    });
    this.notifyFunction = notify.fn;
    ackSecret.grantRead(notify.role);
    notify.role.addToPolicy(readDrillsStatement(this, config));
    grantNotify(notify.role, notify.fn, { key, routeTopics: this.routeTopics, pageLog, stateTable });
    grantVendorChannels(this, notify.role, notify.fn, config);
    notifyTick(this, config, notify.fn, notify.dlq);
    new DeliveryAlarms(this, 'DeliveryAlarms', {
      config,
      notifyFunction: notify.fn,
      notifyFailures: notify.dlq,
      pageDeliveryDlq,
      key,
    });
    const alarms = props.alarms ?? plan.alarms;
    checkAlarmBudget(
      configFile,
      this.stackName,
      alarms,
      BASE_RESOURCES,
      'the heartbeats grow with probe shards: raise targetsPerFunction (fewer, larger shards)',
    );
    renderAlarms(this, alarms, [this.alarmTopic.topicArn]);
  }

  /**
   * The same validation as `depmon` runs (channel independence included), again at synth: a config object
   * built in code reaches here without the loader. And the stack must sit in the config's home Region.
   */
  private checkConfig(config: MonitorConfig, configFile: string): void {
    parseConfig(configInput(config), configFile);
    if (!Token.isUnresolved(this.region) && this.region !== config.homeRegion) {
      throw new ConfigError(configFile, [
        {
          path: 'homeRegion',
          message: `expected the home stack in ${config.homeRegion}, got ${this.region}`,
        },
      ]);
    }
  }

  /** The notify function, subscribed to the alarm topic, with its failure queue and role. */
  private buildNotifyFunction(
    config: MonitorConfig,
    configFile: string,
    stateTable: Table,
    ack: { readonly url: string; readonly key: string },
  ) {
    const dlq = deadLetterQueue(
      this,
      'NotifyDlq',
      'the notify function and its schedule (their on-failure destination)',
      `${config.name}-notify-failures`,
    );
    const role = new Role(this, 'NotifyRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `depmon ${config.name}: notify function`,
    });
    // No channel address in the function: SNS channels are the route topics' subscriptions (routeTopics).
    const embed: NotifyEmbed = { config: notifyConfig(config), configFile, plan: this.plan };
    const fn = new DepmonFunction(this, 'Notify', {
      entry: NOTIFY_ENTRY,
      description: `depmon ${config.name}: turns alarm state changes into pages`,
      embed,
      role,
      timeout: Duration.seconds(NOTIFY_TIMEOUT_SECONDS),
      memorySize: NOTIFY_MEMORY_MB,
      environment: notifyEnvironment({
        routeTopicsJson: this.toJsonString(
          Object.fromEntries([...this.routeTopics].map(([id, t]) => [id, t.topicArn])),
        ),
        stateTable: stateTable.tableName,
        pageLogTable: this.pageLog.tableName,
        ackUrl: ack.url,
        ackKeySecret: ack.key,
      }),
      // Asynchronous invocations (SNS, the schedule): retried twice by Lambda, then to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(dlq),
    });
    this.alarmTopic.addSubscription(new LambdaSubscription(fn));
    return { fn, role, dlq };
  }
}

/** Resources of the base stack besides its alarms (topics, keys, tables, the notify function…), rounded up. */
const BASE_RESOURCES = 60;

/** The alarm plan, with the probe stacks' own shard split (it also caps shards by what fits in a round). */
export function alarmPlanOf(
  config: MonitorConfig,
  configFile: string,
  targetsPerFunction?: number,
): AlarmPlan {
  // One heartbeat alarm per deployed probe shard.
  const shards = planShards(config, targetsPerFunction ?? config.targetsPerFunction).map((s) => ({
    tier: s.tier,
    shard: s.shard,
    dependencies: s.dependencies.map((d) => d.id),
  }));
  return buildAlarmPlan(config, { configFile, shards });
}

/** Where SNS puts HTTPS pages it could not deliver after its retries (it drops them otherwise). */
function pageDeliveryQueue(stack: Stack, config: MonitorConfig): Queue {
  return deadLetterQueue(
    stack,
    'SubscriptionDlq',
    'the HTTPS page subscriptions',
    `${config.name}-page-delivery-dlq`,
  );
}

/** One encrypted topic per route, subscribed by the route's channels; undeliverable HTTPS pages to a DLQ. */
function routeTopics(
  stack: Stack,
  config: MonitorConfig,
  plan: AlarmPlan,
  key: Key,
  subscriptionDlq: Queue,
): Map<string, Topic> {
  const channels = new Map(config.channels.map((c) => [c.id, c]));
  const topics = new Map<string, Topic>();
  for (const route of plan.routes) {
    const topic = encryptedTopic(stack, `Route-${route.id}`, {
      topicName: route.topicName,
      displayName: `depmon ${config.name} ${route.id}`,
      key,
    });
    // parseConfig (HomeStack.checkConfig) has checked that every route's channel ids exist.
    subscribeChannels(
      topic,
      route.channels.map((id) => channels.get(id)!),
      () => subscriptionDlq,
    );
    topics.set(route.id, topic);
  }
  return topics;
}

/** The page log and the paging state. */
function pageTables(stack: Stack, config: MonitorConfig): { pageLog: Table; stateTable: Table } {
  // Page log: kept as long as a regulator may ask (retained, point-in-time recovery); `day` + `sk`
  // (`<at>#<id>`) so `depmon timeline` reads a time range with one Query per day.
  const pageLog = new Table(stack, 'PageLog', {
    tableName: `${config.name}-page-log`,
    partitionKey: { name: PAGE_LOG_KEY.partition, type: AttributeType.STRING },
    sortKey: { name: PAGE_LOG_KEY.sort, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    // Append only, for everyone: acks, notes, drills and pages are evidence.
    resourcePolicy: appendOnlyPolicy(),
  });
  // Paging state: open incidents, flap counters, the page outbox (items expire after OUTBOX_TTL_DAYS) and
  // the notify lease.
  const stateTable = new Table(stack, 'PageState', {
    tableName: `${config.name}-page-state`,
    partitionKey: { name: 'key', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: 'expiresAt',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { pageLog, stateTable };
}

/**
 * What the notify function may do. Its default policy holds only grants on named resources (its log group, the
 * route topics, the two tables, its failure queue); the key and the alarm reads, which AWS documents with
 * wildcards, sit in policies of their own, each acknowledging exactly its findings.
 */
function grantNotify(
  role: Role,
  fn: DepmonFunction,
  to: { key: Key; routeTopics: ReadonlyMap<string, Topic>; pageLog: Table; stateTable: Table },
): void {
  if (to.routeTopics.size > 0) {
    role.addToPolicy(
      new PolicyStatement({
        sid: 'PublishPages',
        actions: ['sns:Publish'],
        resources: [...to.routeTopics.values()].map((t) => t.topicArn),
      }),
    );
    acknowledgedPolicy(role, 'PublishEncrypted', [publishEncrypted(to.key)], [GENERATE_DATA_KEY], [fn]);
  }
  grantAppendOnly(role, to.pageLog);
  // DeleteItem: giving back the lease (conditional on holding it).
  to.stateTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan');
  acknowledgedPolicy(role, 'ReadAlarms', [readAlarmStates()], [READ_ALARMS_ON_STAR], [fn]);
}

/** A publisher to a KMS-encrypted topic needs these two on the topic's key, and nothing else of KMS: no
 *  Encrypt or ReEncrypt (SNS encrypts with the data key it generates). */
function publishEncrypted(key: Key): PolicyStatement {
  return new PolicyStatement({
    sid: 'UseTopicKeyToPublish',
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: [key.keyArn],
  });
}

/**
 * Vendor channels: read exactly the secrets and parameters their credentials reference, and start incidents with
 * exactly the response plans the config names; resolving updates incident records, whose ARNs exist only once
 * started (a policy of its own acknowledging that one finding).
 */
function grantVendorChannels(stack: Stack, role: Role, fn: DepmonFunction, config: MonitorConfig): void {
  const refs = channelSecretRefs(config.channels).filter((r) => r.source !== 'env');
  const arns = (source: SecretRef['source']) => [
    ...new Set(refs.filter((r) => r.source === source).map((r) => secretResourceArn(stack, r))),
  ];
  const grants: [string, string, string[]][] = [
    ['ReadChannelSecrets', 'secretsmanager:GetSecretValue', arns('secretsmanager')],
    ['ReadChannelParameters', 'ssm:GetParameter', arns('ssm')],
  ];
  for (const [sid, action, resources] of grants)
    if (resources.length > 0) role.addToPolicy(new PolicyStatement({ sid, actions: [action], resources }));
  const plans = config.channels.flatMap((c) => (c.type === 'incident-manager' ? [c.responsePlanArn] : []));
  if (plans.length === 0) return;
  role.addToPolicy(
    new PolicyStatement({
      sid: 'StartIncidents',
      actions: ['ssm-incidents:StartIncident'],
      resources: [...new Set(plans)],
    }),
  );
  const records = stack.formatArn({
    service: 'ssm-incidents',
    region: '',
    resource: 'incident-record',
    resourceName: '*',
  });
  const statement = new PolicyStatement({
    sid: 'ResolveIncidents',
    actions: ['ssm-incidents:UpdateIncidentRecord'],
    resources: [records],
  });
  acknowledgedPolicy(role, 'ResolveIncidents', [statement], [RESOLVE_INCIDENT_RECORDS], [fn]);
}

const RESOLVE_INCIDENT_RECORDS: Finding = {
  id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm-incidents::<AWS::AccountId>:incident-record/*]',
  reason:
    'An incident record ARN exists only once StartIncident returns it (Incident Manager API Reference, ' +
    'StartIncident, UpdateIncidentRecord); notify only sets RESOLVED on the records it started for the configured response plans.',
};

const GENERATE_DATA_KEY: Finding = {
  id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
  reason:
    'Pages are published to topics encrypted with the topic key, and the SNS developer guide asks that a publisher ' +
    `to an encrypted topic hold kms:GenerateDataKey* and kms:Decrypt on its key (${AWS_DOCS.snsKeyManagement}); ` +
    'granted on that one key only.',
};

/** Read-only: alarm states (composites included) and the Down metric, to decide and word pages. */
function readAlarmStates(): PolicyStatement {
  return new PolicyStatement({
    sid: 'ReadAlarmStatesAndDownMetric',
    effect: Effect.ALLOW,
    actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
    resources: ['*'],
  });
}

const READ_ALARMS_ON_STAR: Finding = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'Notify reads the core and partner composite alarms before paging: CloudWatch returns composite alarms only ' +
    `when cloudwatch:DescribeAlarms is allowed on "*" (${AWS_DOCS.cloudwatchPermissions}); cloudwatch:GetMetricData, ` +
    `which reads the Down metric for the page text, has no resource type (${AWS_DOCS.cloudwatchActions}). Both read-only.`,
};

/** One-minute tick: sends resolves that have come due (settle time, flapping's stable time). */
function notifyTick(stack: Stack, config: MonitorConfig, fn: DepmonFunction, dlq: Queue): void {
  const tickRole = new Role(stack, 'TickScheduleRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
  });
  Validations.of(tickRole).acknowledge(invokeVersionsFinding(fn));
  new Schedule(stack, 'NotifyTick', {
    scheduleName: `${config.name}-notify-tick`,
    description: `depmon ${config.name}: sends resolved pages that have come due`,
    schedule: ScheduleExpression.rate(Duration.minutes(1)),
    timeWindow: TimeWindow.off(),
    target: new LambdaInvoke(fn, {
      role: tickRole,
      input: ScheduleTargetInput.fromObject({ source: 'depmon.tick' }),
      deadLetterQueue: dlq,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    }),
  });
}
