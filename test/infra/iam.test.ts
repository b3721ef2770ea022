// Least privilege, read from the synthesized app: every role's actions exactly, "*" only where AWS allows nothing
// narrower, and every cdk-nag acknowledgement narrowed to one finding on the one policy that holds it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { DependencyMonitor } from '#infra/monitor';
import { unbundledApp } from '../helpers/cdk.ts';
import { config } from '../helpers/configs.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
interface Resource {
  Type: string;
  Properties: {
    Roles?: { Ref: string }[];
    PolicyDocument?: { Statement: Statement[] };
    ManagedPolicyArns?: unknown;
    Policies?: unknown;
  };
}

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** The acme test config: a VPC for the first-party probes in ap-northeast-2, Secrets Manager and SSM references. */
function monitorApp(): App {
  const app = unbundledApp({ builtinCloudFormationValidation: false });
  new DependencyMonitor(app, 'Depmon', { config: config(), configFile: 'test' });
  return app;
}

/** Per stack and role (its logical id without the hash): the actions granted, and those granted on "*". */
function rolesOf(app: App) {
  const roles: Record<
    string,
    { actions: string[]; onStar: string[]; denied: string[]; managed: unknown; inline: unknown }
  > = {};
  for (const stack of app.synth().stacks) {
    const resources = Object.entries(stack.template.Resources as Record<string, Resource>);
    for (const [roleId, role] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const statements = resources
        .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles?.some((x) => x.Ref === roleId))
        .flatMap(([, r]) => r.Properties.PolicyDocument?.Statement ?? []);
      expect(statements.every((s) => s.Effect === 'Allow' || s.Effect === 'Deny')).toBe(true);
      const allowed = statements.filter((s) => s.Effect === 'Allow');
      const actions = allowed.flatMap((s) => list(s.Action));
      const onStar = allowed.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action));
      const denied = statements.filter((s) => s.Effect === 'Deny').flatMap((s) => list(s.Action));
      roles[`${stack.stackName} ${roleId.replace(/[0-9A-F]{8}$/, '')}`] = {
        actions: [...new Set(actions)].sort(),
        onStar: [...new Set(onStar)].sort(),
        denied: [...new Set(denied)].sort(),
        managed: role.Properties.ManagedPolicyArns,
        inline: role.Properties.Policies,
      };
    }
  }
  return roles;
}

const FAILURE_QUEUE = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const VPC_ENI = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
];
const SCHEDULE = { actions: ['lambda:InvokeFunction', 'sqs:SendMessage'], onStar: [] };
const sorted = (...xs: string[][]) => xs.flat().sort();

describe('IAM: least privilege in the synthesized app', () => {
  it('grants each role exactly the actions it uses, "*" only for PutMetricData, alarm reads and VPC interfaces', () => {
    // Act
    const roles = rolesOf(monitorApp());
    // Assess
    const probe = (extra: string[], vpc: string[] = []) => ({
      actions: sorted(FAILURE_QUEUE, LOGS, ['cloudwatch:PutMetricData'], extra, vpc),
      onStar: sorted(['cloudwatch:PutMetricData'], vpc),
    });
    const expected: Record<string, { actions: string[]; onStar: string[] }> = {
      'depmon-acme-home NotifyRole': {
        actions: sorted(FAILURE_QUEUE, LOGS, [
          'sns:Publish',
          'kms:Decrypt',
          'kms:GenerateDataKey*',
          'dynamodb:PutItem',
          'dynamodb:GetItem',
          'dynamodb:DeleteItem',
          'dynamodb:Scan',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:GetMetricData',
          // The ack link's signing key, and the drill store (issue 15).
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'ssm:GetParameter',
        ]),
        onStar: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
      },
      'depmon-acme-home AckRole': {
        actions: sorted(LOGS, [
          'dynamodb:PutItem',
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]),
        onStar: [],
      },
      'depmon-acme-home TickScheduleRole': SCHEDULE,
    };
    for (const region of ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3']) {
      const stack = `depmon-acme-probe-${region}`;
      expected[`${stack} ScheduleRole`] = SCHEDULE;
      // The test config places ap-northeast-2's first-party probes in a VPC.
      // ssm:GetParameter: the drill store (issue 15) beside the config's references.
      expected[`${stack} FirstParty0Role`] = probe(
        ['secretsmanager:GetSecretValue', 'ssm:GetParameter'],
        region === 'ap-northeast-2' ? VPC_ENI : [],
      );
      expected[`${stack} ThirdParty0Role`] = probe(['secretsmanager:GetSecretValue', 'ssm:GetParameter']);
    }
    expect(
      Object.fromEntries(
        Object.entries(roles).map(([k, v]) => [k, { actions: v.actions, onStar: v.onStar }]),
      ),
    ).toEqual(expected);
    expect(Object.values(roles).every((r) => r.managed === undefined && r.inline === undefined)).toBe(true);
    // The page log is append only: the roles that write it are denied every way to change or remove an item.
    const noRewrite = [
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:PartiQLDelete',
      'dynamodb:PartiQLUpdate',
      'dynamodb:TransactWriteItems',
      'dynamodb:UpdateItem',
    ];
    expect(roles['depmon-acme-home NotifyRole']?.denied).toEqual(noRewrite);
    expect(roles['depmon-acme-home AckRole']?.denied).toEqual(noRewrite);
  });

  it('lets the ack function read the vendor webhook secrets and query the page log only when a channel has one', () => {
    // Prepare: the acme config with a PagerDuty channel whose webhook reports acks back.
    const app = unbundledApp({ builtinCloudFormationValidation: false });
    const withWebhook = config({
      channels: [
        { id: 'oncall', type: 'email', address: 'oncall@acme.example' },
        {
          id: 'pd',
          type: 'pagerduty',
          routingKey: '${secretsmanager:acme/pagerduty#routingKey}',
          webhookSecret: '${ssm:/acme/pagerduty-webhook}',
        },
      ],
    });
    new DependencyMonitor(app, 'Depmon', { config: withWebhook, configFile: 'test' });
    // Act
    const ack = rolesOf(app)['depmon-acme-home AckRole'];
    // Assess: the one query and the one parameter more; nothing on "*", still no rewrite.
    expect(ack?.actions).toEqual(
      sorted(LOGS, [
        'dynamodb:PutItem',
        'dynamodb:Query',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'ssm:GetParameter',
      ]),
    );
    expect(ack?.onStar).toEqual([]);
  });

  it('lets notify use the topic key only to publish: no kms:Encrypt, no kms:ReEncrypt*', () => {
    // Act
    const notify = rolesOf(monitorApp())['depmon-acme-home NotifyRole'];
    // Assess
    expect(notify?.actions.filter((a) => a.startsWith('kms:'))).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    ]);
  });
});

/** Every acknowledgement recorded in the construct tree: where, which rule (and finding), why. */
function acknowledgements(app: App): { construct: IConstruct; id: string; reason: string }[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ construct, id, reason })),
  );
}

/** cdk-nag's AwsSolutions findings of a synth, as `rule construct-path`. */
function nagFindings(app: App): string[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch {
    // Findings make synth throw; the report names them.
  }
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`)),
  );
}

describe('cdk-nag acknowledgements', () => {
  it('names the exact finding of every IAM rule, on the policy holding it (never a whole role), with a reason', () => {
    // Act
    const acks = acknowledgements(monitorApp());
    const iam = acks.filter((a) => /AwsSolutions-IAM\d/.test(a.id));
    // Assess: the IAM rules report findings; each acknowledgement names one.
    expect(iam.length).toBeGreaterThan(0);
    expect(iam.filter((a) => !/AwsSolutions-IAM\d+\[[^\]]+\]$/.test(a.id))).toEqual([]);
    // A "*" resource is acknowledged only on a policy of its own, never on a role (whose default policy it
    // would cover) nor on a stack.
    const star = iam.filter((a) => a.id.endsWith('[Resource::*]'));
    expect(star.every((a) => a.construct instanceof Policy)).toBe(true);
    // Each such policy holds exactly the statements its reason speaks for.
    const sids = star.map((a) =>
      (a.construct as Policy).document.toJSON().Statement.map((s: { Sid: string }) => s.Sid),
    );
    expect(new Set(sids.map((s) => s.join()))).toEqual(
      new Set(['PutDepmonMetrics', 'ManageVpcNetworkInterfaces', 'ReadAlarmStatesAndDownMetric']),
    );
    // The only acknowledgements on a role are the scheduler's `ARN:*` (versions of the one function it invokes).
    expect(
      iam.filter((a) => a.construct instanceof Role).every((a) => /\[Resource::<\w+\.Arn>:\*\]$/.test(a.id)),
    ).toBe(true);
    expect(acks.filter((a) => a.reason.length < 60)).toEqual([]);
  });

  it('reports a "*" grant added to a probe role later: no acknowledgement covers it', () => {
    // Prepare
    const app = monitorApp();
    const role = app.node
      .findAll()
      .find((c): c is Role => c instanceof Role && c.node.id === 'ThirdParty0Role');
    role?.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // Act
    const findings = nagFindings(app);
    // Assess
    expect(role).toBeDefined();
    expect(findings).toEqual([
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::\*\] .*\/ThirdParty0Role\/DefaultPolicy\/Resource$/,
      ),
    ]);
  });
});
