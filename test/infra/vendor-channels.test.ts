// Vendor channels in the home stack: no subscription for them (notify delivers), the notify role reads exactly
// the secrets their credentials reference and starts incidents only with the configured response plans, and
// the notify embed holds no channel address (email, phone number, webhook URL) at all.
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HomeStack } from '#infra/home-stack';
import { type MonitorConfigInput, parseConfig } from '#shared/config';
import { notifyConfig } from '#shared/runtime';
import bankInput from '../../examples/bank/monitor.config.ts';
import { unbundledApp } from '../helpers/cdk.ts';

const input = bankInput as MonitorConfigInput;
const config = parseConfig(
  {
    ...input,
    channels: [
      ...(input.channels ?? []),
      {
        id: 'pd',
        type: 'pagerduty',
        routingKey: '${secretsmanager:depmon/pagerduty#routingKey}',
        webhookSecret: '${secretsmanager:depmon/pagerduty-webhook}',
      },
      {
        id: 'og',
        type: 'opsgenie',
        apiKey: '${secretsmanager:depmon/opsgenie}',
        webhookSecret: '${ssm:/depmon/opsgenie-webhook-token}',
      },
      { id: 'slack', type: 'slack', webhookUrl: '${ssm:/depmon/slack-webhook}' },
      {
        id: 'im',
        type: 'incident-manager',
        responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/core',
      },
    ],
    routes: (input.routes ?? []).map((r) =>
      r.id === 'core-oncall'
        ? { ...r, channels: [...r.channels, 'pd', 'im'] }
        : r.id === 'integrations-oncall'
          ? { ...r, channels: [...r.channels, 'slack', 'og'] }
          : r,
    ),
  },
  'vendors.config.json',
);

function synth(): Template {
  const stack = new HomeStack(unbundledApp(), 'Home', {
    config,
    configFile: 'vendors.config.json',
    env: { account: '123456789012', region: 'ap-northeast-2' },
  });
  return Template.fromStack(stack);
}

describe('vendor channels in the home stack', () => {
  const template = synth();

  it('subscribes only the SNS channels (email, SMS and HTTPS, as before), none for the vendor channels', () => {
    const protocols = Object.values(template.findResources('AWS::SNS::Subscription')).map(
      (r) => (r as { Properties: { Protocol: string } }).Properties.Protocol,
    );
    expect(protocols.filter((p) => p !== 'lambda').sort()).toEqual(
      ['email', 'email', 'email', 'email', 'https', 'sms'].sort(),
    );
  });

  it('lets notify read exactly the referenced secret and parameter, and start incidents with the configured plan only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (r) =>
        (r as { Properties: { PolicyDocument: { Statement: { Sid?: string }[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const bySid = (sid: string) => JSON.stringify(statements.filter((s) => s.Sid === sid));
    expect(bySid('ReadChannelSecrets')).toMatch(
      /"Action":"secretsmanager:GetSecretValue".*:secretsmanager:ap-northeast-2:123456789012:secret:depmon\/pagerduty-\?{6}"\]\]\}/,
    );
    expect(bySid('ReadChannelParameters')).toMatch(
      /"Action":"ssm:GetParameter".*:parameter\/depmon\/slack-webhook"\]\]\}/,
    );
    expect(JSON.parse(bySid('StartIncidents'))).toEqual([
      {
        Sid: 'StartIncidents',
        Effect: 'Allow',
        Action: 'ssm-incidents:StartIncident',
        Resource: 'arn:aws:ssm-incidents::123456789012:response-plan/core',
      },
    ]);
    expect(bySid('ResolveIncidents')).toContain('ssm-incidents:UpdateIncidentRecord');
    // The webhook secrets are the ack function's, not notify's.
    expect(bySid('ReadChannelSecrets')).not.toContain('webhook');
  });

  it('lets the ack function read exactly the webhook secrets and query the page log, and tells it the channels', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (r) =>
        (r as { Properties: { PolicyDocument: { Statement: { Sid?: string }[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const bySid = (sid: string) => JSON.stringify(statements.filter((s) => s.Sid === sid));
    expect(bySid('ReadWebhookSecrets')).toMatch(
      /"Action":"secretsmanager:GetSecretValue".*:secret:depmon\/pagerduty-webhook-\?{6}"\]\]\}/,
    );
    // Not the channels' API credentials.
    expect(bySid('ReadWebhookSecrets')).not.toContain('depmon/pagerduty-??????');
    expect(bySid('ReadWebhookSecrets')).not.toContain('depmon/opsgenie-??????');
    expect(bySid('ReadWebhookParameters')).toMatch(
      /"Action":"ssm:GetParameter".*:parameter\/depmon\/opsgenie-webhook-token"\]\]\}/,
    );
    expect(bySid('FindPagedIncidents')).toContain('"Action":"dynamodb:Query"');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('acknowledges an incident'),
      Environment: {
        Variables: Match.objectLike({
          DEPMON_ACK_VENDOR_WEBHOOKS: JSON.stringify([
            { channel: 'pd', type: 'pagerduty', secret: '${secretsmanager:depmon/pagerduty-webhook}' },
            { channel: 'og', type: 'opsgenie', secret: '${ssm:/depmon/opsgenie-webhook-token}' },
          ]),
        }),
      },
    });
  });

  it('embeds SNS channels by id and type only: no address reaches the notify function', () => {
    const embedded = JSON.stringify(notifyConfig(config));
    for (const ch of config.channels) if ('address' in ch) expect(embedded).not.toContain(ch.address);
    expect(notifyConfig(config).channels.find((c) => c.id === 'core-oncall-sms')).toEqual({
      id: 'core-oncall-sms',
      type: 'sms',
    });
    expect(embedded).toContain('${secretsmanager:depmon/pagerduty#routingKey}');
  });

  it('warns when the delivery alarms reach no one: CloudWatch publishes them to SNS, which has no vendor channel', () => {
    // Prepare: the monitor owners are paged through PagerDuty only
    const ownersByVendor = parseConfig(
      {
        ...input,
        channels: [
          ...(input.channels ?? []),
          { id: 'pd', type: 'pagerduty', routingKey: '${ssm:/depmon/pd}' },
        ],
        routes: (input.routes ?? []).map((r) => (r.id === 'monitor-owners' ? { ...r, channels: ['pd'] } : r)),
      },
      'owners.config.json',
    );
    // Act
    const stack = new HomeStack(unbundledApp(), 'Home', {
      config: ownersByVendor,
      configFile: 'owners.config.json',
      env: { account: '123456789012', region: 'ap-northeast-2' },
    });
    // Assess
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp(
        'which no channel receives: add an email, SMS or HTTPS channel to a route with kind "monitor-blind"',
      ),
    );
  });
});
