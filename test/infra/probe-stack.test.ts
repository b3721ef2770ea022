import { Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { probeLogGroupName } from '#infra/dashboard';
import { DependencyMonitor } from '#infra/monitor';
import { ProbeStack } from '#infra/probe-stack';
import { ConfigError } from '#shared/config';
import { planShards, probeTimeoutSeconds } from '#shared/runtime';
import { unbundledApp } from '../helpers/cdk.ts';
import { config, configInput, manyDependencies, SG, SUBNET_A, SUBNET_B } from '../helpers/configs.ts';

// Unit tests skip asset bundling (the real NodejsFunction, without esbuild runs; bundle.test.ts builds them)
// and CDK's built-in template linting (seconds per synth; nag.test.ts runs the whole app with it on).
const app = () => unbundledApp({ builtinCloudFormationValidation: false });

function synth(overrides = {}, props = {}) {
  const monitor = new DependencyMonitor(app(), 'Depmon', {
    config: config(overrides),
    configFile: 'test.config.json',
    ...props,
  });
  return { monitor };
}

/** Probe stacks on their own (the home stack has its own tests): templates of one region at a time. */
function probeStacks(overrides = {}) {
  const c = config(overrides);
  const a = app();
  const stacks = new Map(
    c.probeRegions.map((region) => [
      region,
      new ProbeStack(a, `Probe-${region}`, {
        config: c,
        configFile: 'test.config.json',
        probeRegion: region,
        env: { region },
      }),
    ]),
  );
  return { stacks, probe: (region: string) => Template.fromStack(stacks.get(region)!) };
}

describe('DependencyMonitor', () => {
  it('puts one home stack in the home region and one probe stack in each probe region', () => {
    // Act
    const { monitor } = synth({}, { account: '111122223333' });
    // Assess
    expect(monitor.homeStack.region).toBe('ap-northeast-2');
    expect(monitor.homeStack.stackName).toBe('depmon-acme-home');
    expect([...monitor.probeStacks.keys()]).toEqual(['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3']);
    for (const [region, stack] of monitor.probeStacks) {
      expect(stack.region).toBe(region);
      expect(stack.account).toBe('111122223333');
      expect(stack.stackName).toBe(`depmon-acme-probe-${region}`);
    }
  });

  it("fits inside a user's own Stage, with their stack name prefix", () => {
    // Prepare
    const stage = new Stage(app(), 'Prod', { env: { account: '111122223333' } });
    // Act
    const monitor = new DependencyMonitor(stage, 'Monitor', {
      config: configInput(),
      stackNamePrefix: 'bank-deps',
    });
    // Assess
    expect(monitor.homeStack.stackName).toBe('bank-deps-home');
    expect(monitor.probeStacks.get('ap-northeast-3')!.stackName).toBe('bank-deps-probe-ap-northeast-3');
    expect(
      stage
        .synth()
        .stacks.map((s) => s.stackName)
        .sort(),
    ).toEqual(
      [
        'bank-deps-home',
        'bank-deps-core',
        ...Array.from({ length: 16 }, (_, i) => `bank-deps-alarms-${i}`),
        'bank-deps-dashboards',
        'bank-deps-probe-ap-northeast-1',
        'bank-deps-probe-ap-northeast-2',
        'bank-deps-probe-ap-northeast-3',
      ].sort(),
    );
  });

  it('runs separate first- and third-party functions on Node 22, arm64, with their settings in the environment', () => {
    // Act
    const { probe } = probeStacks();
    const t = probe('ap-northeast-1');
    // Assess
    t.resourceCountIs('AWS::Lambda::Function', 2);
    for (const tier of ['first-party', 'third-party']) {
      t.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: probeTimeoutSeconds(config()),
        Environment: {
          Variables: {
            DEPMON_TIER: tier,
            DEPMON_SHARD: '0',
            DEPMON_HOME_REGION: 'ap-northeast-2',
            DEPMON_NAMESPACE: 'Depmon/Acme',
            DEPMON_INTERVAL_SECONDS: '60',
          },
        },
      });
    }
  });

  it('schedules each function every minute with EventBridge Scheduler, no flexible window, failures to the queue', () => {
    // Act
    const t = probeStacks().probe('ap-northeast-3');
    // Assess
    t.resourceCountIs('AWS::Scheduler::Schedule', 2);
    t.allResourcesProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^(First|Third)Party0'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailureQueue'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    });
  });

  it('sends failed invocations to an encrypted, SSL-only queue, alarmed on its depth, and alarms on function errors', () => {
    // Act
    const t = probeStacks().probe('ap-northeast-2');
    // Assess
    t.allResourcesProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailureQueue'), 'Arn'] } },
      },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
    });
    t.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'Errors', Namespace: 'AWS/Lambda' },
      2,
    );
  });

  it('tells the monitor owners when probes fail: every alarm acts on an encrypted alert topic in its own region', () => {
    // Act
    const t = probeStacks().probe('ap-northeast-1');
    // Assess
    const topics = t.findResources('AWS::SNS::Topic');
    expect(Object.values(topics).map((r) => r.Properties.TopicName)).toEqual(['acme-probe-alerts']);
    const [topicId] = Object.keys(topics);
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@acme.example' });
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('warns at synth when no route takes monitor-blind pages, so probe alerts would reach nobody', () => {
    // Prepare
    const { stacks } = probeStacks({
      routes: [{ id: 'core', kinds: ['core-outage'], channels: ['oncall'] }],
    });
    // Act
    const warnings = Annotations.fromStack(stacks.get('ap-northeast-1')!).findWarning(
      '*',
      Match.stringLikeRegexp('no channel receives'),
    );
    // Assess
    expect(warnings).toHaveLength(1);
  });

  it('places only the first-party function in the configured VPC, and only in its region', () => {
    // Act
    const { probe } = probeStacks();
    // Assess
    const seoul = probe('ap-northeast-2');
    seoul.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DEPMON_TIER: 'first-party' } },
      VpcConfig: { SubnetIds: [SUBNET_A, SUBNET_B], SecurityGroupIds: [SG] },
    });
    seoul.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DEPMON_TIER: 'third-party' } },
      VpcConfig: Match.absent(),
    });
    probe('ap-northeast-1').allResourcesProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
  });

  it('keeps log groups for three months', () => {
    const t = probeStacks().probe('ap-northeast-1');
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it("names each shard's log group the way the dashboard's per-region Logs Insights widgets read it", () => {
    // Act
    const t = probeStacks().probe('ap-northeast-1');
    // Assess
    const names = Object.values(t.findResources('AWS::Logs::LogGroup')).map((r) => r.Properties.LogGroupName);
    const c = config();
    const expected = planShards(c, c.targetsPerFunction).map((s) => probeLogGroupName(c, s.tier, s.shard));
    expect(names.sort()).toEqual(expected.sort());
  });

  it('lets the functions put metrics only into the configured namespace, and read exactly their secrets', () => {
    // Act
    const t = probeStacks().probe('ap-northeast-1');
    // Assess
    const policies = t.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
          .PolicyDocument.Statement,
    );
    for (const s of statements) {
      for (const a of [s.Action].flat()) expect(String(a)).not.toContain('*');
    }
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PutDepmonMetrics',
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'Depmon/Acme' } },
          },
        ]),
      },
    });
    // First party: the one Secrets Manager name, with the six-character suffix pattern, in this region.
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FirstParty0Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ReadReferencedSecrets',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':secretsmanager:ap-northeast-1:',
                  { Ref: 'AWS::AccountId' },
                  ':secret:depmon/ledger-token-??????',
                ],
              ],
            },
          },
        ]),
      },
    });
    // Third party: the SSM parameter by name and the secret by its full ARN; nothing of the first party's.
    const thirdParty = Object.values(policies).find((p) => JSON.stringify(p).includes('ThirdParty0Role')) as {
      Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
    };
    const byId = Object.fromEntries(thirdParty.Properties.PolicyDocument.Statement.map((s) => [s.Sid, s]));
    expect(byId.ReadReferencedSecrets).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: 'arn:aws:secretsmanager:ap-northeast-2:111122223333:secret:shared/client-AbCdEf',
    });
    expect(byId.ReadReferencedParameters).toMatchObject({
      Action: 'ssm:GetParameter',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':ssm:ap-northeast-1:',
            { Ref: 'AWS::AccountId' },
            ':parameter/depmon/partner-key',
          ],
        ],
      },
    });
    expect(JSON.stringify(thirdParty)).not.toContain('ledger-token');
    expect(byId.ManageVpcNetworkInterfaces).toBeUndefined();
  });

  it('splits a large config across functions per tier, each with its own schedule', () => {
    // Act
    const { stacks, probe } = probeStacks({ dependencies: manyDependencies(120), vpc: undefined });
    // Assess: 1 first-party + ceil(120 / 50) = 3 third-party shards of 40
    const t = probe('ap-northeast-2');
    t.resourceCountIs('AWS::Lambda::Function', 4);
    t.resourceCountIs('AWS::Scheduler::Schedule', 4);
    for (const shard of ['0', '1', '2'])
      t.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: { DEPMON_TIER: 'third-party', DEPMON_SHARD: shard } },
      });
    const fns = stacks.get('ap-northeast-2')!.functions;
    expect(fns.map((f) => `${f.tier}/${f.shard}:${f.dependencies.length}`)).toEqual([
      'first-party/0:1',
      'third-party/0:40',
      'third-party/1:40',
      'third-party/2:40',
    ]);
  });

  it('refuses a region with subnets but no security groups, naming the config field', () => {
    // Prepare
    const bad = configInput({ vpc: { subnetIds: { 'ap-northeast-1': [SUBNET_A] }, securityGroupIds: {} } });
    // Act
    const act = () => new DependencyMonitor(app(), 'Depmon', { config: bad, configFile: 'test.config.json' });
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'test.config.json: vpc.securityGroupIds["ap-northeast-1"]: expected security group ids',
    );
  });

  it('validates a raw config handed to the construct like the CLI does', () => {
    const act = () =>
      new DependencyMonitor(app(), 'Depmon', {
        config: configInput({ probeRegions: ['mars-1'] }),
        configFile: 'my.ts',
      });
    expect(act).toThrow('my.ts: probeRegions[0]: expected an AWS region name');
  });
});

describe('synth warnings', () => {
  it('warns about a check whose timeout cannot fit in a round', () => {
    // Prepare: 10 s rounds leave 6.5 s; a 9 s timeout cannot finish
    const { stacks } = probeStacks({
      intervalSeconds: 10,
      vpc: undefined,
      dependencies: [
        {
          id: 'core',
          name: 'Core',
          tier: 'first-party',
          critical: true,
          http: { url: 'https://c.acme.example/', timeoutMs: 9000 },
        },
      ],
    });
    // Act
    const warnings = Annotations.fromStack(stacks.get('ap-northeast-1')!).findWarning(
      '*',
      Match.stringLikeRegexp('core \\(9000 ms\\)'),
    );
    // Assess
    expect(warnings).toHaveLength(1);
  });
});
