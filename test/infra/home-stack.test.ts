import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveryAlarmNames } from '#infra/delivery-alarms';
import { HomeStack } from '#infra/home-stack';
import { type AlarmSpec, buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import bankInput from '../../examples/bank/monitor.config.ts';
import { unbundledApp } from '../helpers/cdk.ts';

const BANK = 'examples/bank/monitor.config.ts';

function synth(config: MonitorConfig, configFile = BANK): { template: Template; stack: HomeStack } {
  const app = unbundledApp();
  const stack = new HomeStack(app, 'Home', {
    config,
    configFile,
    env: { account: '123456789012', region: 'ap-northeast-2' },
  });
  return { template: Template.fromStack(stack), stack };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;

let config: MonitorConfig;
let template: Template;
let stack: HomeStack;
let resources: Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (name: string) =>
  Object.entries(resources).find(([, r]) => r.Properties?.AlarmName === name)?.[0];

beforeAll(() => {
  config = parseConfig(bankInput, BANK);
  ({ template, stack } = synth(config));
  resources = template.toJSON().Resources as Resources;
});

describe('HomeStack alarms', () => {
  it('renders exactly the alarms of the plan: 26 metric alarms and 9 composites, beside the 3 delivery alarms', () => {
    const plan = buildAlarmPlan(config, { configFile: BANK });
    const names = (type: AlarmSpec['type']) => plan.alarms.filter((a) => a.type === type).map((a) => a.name);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 26 + 3);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 9);
    const delivery = Object.values(deliveryAlarmNames(config));
    expect(
      ofType('AWS::CloudWatch::Alarm')
        .map(([, r]) => r.Properties.AlarmName)
        .filter((n) => !delivery.includes(n as string)),
    ).toEqual(names('metric'));
    expect(ofType('AWS::CloudWatch::CompositeAlarm').map(([, r]) => r.Properties.AlarmName)).toEqual(
      names('composite'),
    );
    expect(stack.plan.alarms.map((a) => a.name)).toEqual(plan.alarms.map((a) => a.name));
    // Every composite's rule text, exactly as planned.
    for (const a of plan.alarms) {
      if (a.type !== 'composite') continue;
      expect(resources[logicalIdOf(a.name)!]!.Properties.AlarmRule).toBe(a.rule);
    }
  });

  it('renders the down alarm with its quorum threshold and M of N, without actions', () => {
    // A math alarm on the one Status metric: down votes are the thousands of its Sum.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'bank-down-kakaotalk-message-api',
      Metrics: [
        {
          Id: 'status',
          MetricStat: {
            Metric: {
              Namespace: 'Depmon',
              MetricName: 'Status',
              Dimensions: [{ Name: 'Dependency', Value: 'kakaotalk-message-api' }],
            },
            Stat: 'Sum',
            Period: 60,
          },
          ReturnData: false,
        },
        { Id: 'votes', Expression: 'FLOOR(status / 1000)', ReturnData: true },
      ],
      MetricName: Match.absent(),
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: false,
      AlarmActions: Match.absent(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'bank-heartbeat-ap-northeast-1-third-party-0',
      MetricName: 'Heartbeat',
      TreatMissingData: 'breaching',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
    });
  });

  it('writes each composite rule as plain text with alarm names, and the suppressor on every external-outage', () => {
    const rule = (name: string) => resources[logicalIdOf(name)!]!.Properties.AlarmRule;
    expect(rule('bank-core-outage')).toBe(
      '(ALARM("bank-down-core-ledger") OR ALARM("bank-down-core-transfers") OR ALARM("bank-down-core-auth"))',
    );
    expect(rule('bank-external-outage-kakao')).toBe(
      '((ALARM("bank-down-kakaotalk-message-api") OR ALARM("bank-down-kakaotalk-alimtalk-api") OR ALARM("bank-down-kakao-login")) AND NOT ALARM("bank-core-outage") AND NOT ALARM("bank-blind-third-party"))',
    );
    expect(rule('bank-blind-third-party')).toBe(
      'AT_LEAST(2, ALARM, ("bank-heartbeat-ap-northeast-2-third-party-0", "bank-heartbeat-ap-northeast-1-third-party-0", "bank-heartbeat-ap-northeast-3-third-party-0"))',
    );
    for (const group of ['kakao', 'sms-vendor', 'identity-verification', 'card-network']) {
      template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
        AlarmName: `bank-external-outage-${group}`,
        ActionsSuppressor: 'bank-core-outage',
        ActionsSuppressorWaitPeriod: 59,
        ActionsSuppressorExtensionPeriod: 120,
      });
    }
    // CloudFormation creates children before the composites that name them.
    expect(resources[logicalIdOf('bank-external-outage-kakao')!]!.DependsOn).toEqual(
      expect.arrayContaining([logicalIdOf('bank-core-outage'), logicalIdOf('bank-down-kakao-login')]),
    );
  });

  it('sends ALARM and OK of every paging alarm, and only those, to the alarm topic', () => {
    const topicRef = {
      Ref: Object.entries(resources).find(([, r]) => r.Properties?.TopicName === 'bank-alarms')![0],
    };
    const paging = [
      'bank-core-outage',
      'bank-external-outage-kakao',
      'bank-blind-ap-northeast-2',
      'bank-degraded-card-network',
      'bank-down-core-db-proxy',
    ];
    for (const name of paging) {
      const p = resources[logicalIdOf(name)!]!.Properties;
      expect([p.ActionsEnabled, p.AlarmActions, p.OKActions]).toEqual([true, [topicRef], [topicRef]]);
    }
    const silent = resources[logicalIdOf('bank-blind-third-party')!]!.Properties;
    expect([silent.ActionsEnabled, silent.AlarmActions]).toEqual([false, undefined]);
  });
});

describe('HomeStack topics and routes', () => {
  it('creates the alarm topic and one topic per route, all with the customer-managed key', () => {
    const keyId = ofType('AWS::KMS::Key')[0]![0];
    const topics = ofType('AWS::SNS::Topic').map(([, r]) => r.Properties);
    expect(topics.map((t) => t.TopicName)).toEqual([
      'bank-alarms',
      'bank-core-oncall',
      'bank-integrations-oncall',
      'bank-monitor-owners',
      'bank-delivery-alerts',
    ]);
    for (const t of topics) expect(t.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('lets CloudWatch use the key and publish to the alarm topic, and refuses non-SSL access to every topic', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    const policies = ofType('AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(5);
    for (const [, p] of policies) {
      expect(JSON.stringify(p.Properties)).toContain('"aws:SecureTransport":"false"');
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarms',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('subscribes the config channels to their routes, with a dead-letter queue on HTTPS', () => {
    const subs = ofType('AWS::SNS::Subscription').map(([, r]) => r.Properties);
    expect(subs.map((s) => [s.Protocol, s.Endpoint]).filter(([p]) => p !== 'lambda')).toEqual([
      ['email', 'core-oncall@bank.example'],
      ['sms', '+821000000000'],
      ['email', 'integrations-oncall@bank.example'],
      ['https', 'https://hooks.oncall.bank.example/depmon'],
      ['email', 'sre-depmon@bank.example'],
      // The delivery alerts reach the monitor owners without passing through notify or a route topic.
      ['email', 'sre-depmon@bank.example'],
    ]);
    const https = subs.find((s) => s.Protocol === 'https')!;
    expect(https.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^SubscriptionDlq/), 'Arn'] },
    });
  });

  it('subscribes the notify function to the alarm topic, gives it the route topics, and sends its failures to a queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifyDlq'), 'Arn'] } },
      },
    });
    const fn = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('Notify'))![1].Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(Object.keys(fn.Environment.Variables).sort()).toEqual([
      'DEPMON_ACK_KEY_SECRET',
      'DEPMON_ACK_URL',
      'DEPMON_PAGE_LOG_TABLE',
      'DEPMON_ROUTE_TOPICS',
      'DEPMON_STATE_TABLE',
    ]);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({ Input: '{"source":"depmon.tick"}' }),
    });
  });

  it('alarms in the home Region on notify errors, its failure queue and the HTTPS delivery DLQ, into their own topic', () => {
    const topic = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties.TopicName === 'bank-delivery-alerts',
    )![0];
    const onTopic = { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] };
    const atLeastOne = {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      Period: 60,
      TreatMissingData: 'notBreaching',
    };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'bank-notify-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Notify') } }],
      ...atLeastOne,
      ...onTopic,
    });
    for (const [name, queue] of [
      ['bank-notify-failures', '^NotifyDlq'],
      ['bank-page-delivery-dlq', '^SubscriptionDlq'],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(queue), 'QueueName'] } },
        ],
        ...atLeastOne,
        ...onTopic,
      });
    }
  });

  it('makes the page log append only: its resource policy and every writer role deny updates and deletes', () => {
    const mutations = [
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:TransactWriteItems',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
    ];
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: Match.stringLikeRegexp('-page-log$'),
      ResourcePolicy: {
        PolicyDocument: {
          Statement: [Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Action: mutations })],
        },
      },
    });
    // Each role that writes the page log: PutItem on it, and the same explicit Deny.
    for (const role of ['NotifyRole', 'AckRole']) {
      const policy = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(`${role}DefaultPolicy`))![1];
      const statements = (policy.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } })
        .PolicyDocument.Statement;
      const onLog = statements.filter((st) => JSON.stringify(st.Resource).includes('PageLog'));
      expect(onLog.map((st) => [st.Effect, st.Action])).toEqual([
        ['Allow', 'dynamodb:PutItem'],
        ['Deny', mutations],
      ]);
    }
  });

  it('serves the ack function at a function URL with auth NONE (the signed token is the way in)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
    const ack = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('Ack'))![1].Properties as {
      Environment: { Variables: Record<string, unknown> };
      ReservedConcurrentExecutions: number;
    };
    expect(Object.keys(ack.Environment.Variables).sort()).toEqual([
      'DEPMON_ACK_KEY_SECRET',
      'DEPMON_PAGE_LOG_TABLE',
    ]);
    expect(ack.ReservedConcurrentExecutions).toBe(5);
  });

  it('keeps the page log: PAY_PER_REQUEST, point-in-time recovery, retained, keyed by day and time', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'bank-page-log',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'day', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });
});

describe('HomeStack without channels', () => {
  it('synthesizes with only the alarm topic and the delivery alerts: pages are then logged as held (no-route)', () => {
    const bare = parseConfig({ ...bankInput, channels: [], routes: [], maintenance: [] }, 'bare.json');
    const { template: t } = synth(bare, 'bare.json');
    t.resourceCountIs('AWS::SNS::Topic', 2);
    t.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 9);
  });
});

describe('HomeStack refuses what would break', () => {
  it('fails at synth naming the config when core-outage would be referenced by more than 150 composites', () => {
    // Prepare: 151 ungrouped third parties page as 151 groups, each referring to core-outage.
    const many = parseConfig(
      {
        ...bankInput,
        channels: [],
        routes: [],
        maintenance: [],
        dependencies: [
          ...bankInput.dependencies.filter((d) => d.tier === 'first-party'),
          ...Array.from({ length: 151 }, (_, i) => ({
            id: `vendor-${i}`,
            name: `Vendor ${i}`,
            tier: 'third-party' as const,
            http: { url: `https://api.vendor${i}.example/health` },
          })),
        ],
      },
      'big.config.json',
    );
    // Act
    const act = () => synth(many, 'big.config.json');
    // Assess
    expect(act).toThrow(
      'big.config.json: dependencies: alarm "bank-core-outage" would be referenced by 151 composite alarms; CloudWatch allows 150',
    );
  });

  it('re-checks channel independence at synth, naming the config file', () => {
    // Prepare: a config object built in code, never through the loader.
    const bad = {
      ...config,
      channels: config.channels.map((c) =>
        c.id === 'integrations-webhook' ? { ...c, address: 'https://hooks.kakao.example/bank' } : c,
      ),
    };
    // Act
    const act = () => synth(bad, 'monitor.config.ts');
    // Assess
    expect(act).toThrow(
      'monitor.config.ts: channels[3].address: expected a channel that does not travel through a monitored third party: host "hooks.kakao.example" belongs to dependency',
    );
  });
});
