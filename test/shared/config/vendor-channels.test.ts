// Vendor channels in the config: credentials only as secret references; independence per route (a route that
// reaches on-call only through a vendor depmon monitors is refused); a SEV1 route needs a channel that rests on
// no single vendor, or says it accepts the risk.
import { describe, expect, it } from 'vitest';
import { ConfigError, channelSecretRefs, parseConfig } from '#shared/config';

const PD = { id: 'pd', type: 'pagerduty', routingKey: '${secretsmanager:depmon/pagerduty#routingKey}' };
const SLACK = { id: 'slack', type: 'slack', webhookUrl: '${ssm:/depmon/slack-webhook}' };
const EMAIL = { id: 'ops', type: 'email', address: 'ops@bank.example' };

const config = (over: Record<string, unknown>) => ({
  name: 'mini',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      tcp: { host: '127.0.0.1', port: 1 },
    },
    { id: 'kakao', name: 'Kakao', tier: 'third-party', http: { url: 'https://api.kakao.example/health' } },
  ],
  ...over,
});

const parse = (over: Record<string, unknown>) => () => parseConfig(config(over), 'm.json');

describe('vendor channels', () => {
  it('accepts every vendor type with secret references, and defaults the region to "us"', () => {
    // Act
    const c = parseConfig(
      config({
        channels: [
          PD,
          { id: 'og', type: 'opsgenie', apiKey: '${ssm:/depmon/opsgenie}', region: 'eu' },
          SLACK,
          {
            id: 'im',
            type: 'incident-manager',
            responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/core',
          },
          EMAIL,
        ],
      }),
      'm.json',
    );
    // Assess
    expect(c.channels[0]).toMatchObject({ type: 'pagerduty', region: 'us' });
    expect(channelSecretRefs(c.channels).map((r) => [r.source, r.name, r.key])).toEqual([
      ['secretsmanager', 'depmon/pagerduty', 'routingKey'],
      ['ssm', '/depmon/opsgenie', undefined],
      ['ssm', '/depmon/slack-webhook', undefined],
    ]);
  });

  it.each([
    [
      'a literal routing key',
      { ...PD, routingKey: 'R0UTINGKEY0123456789abcdefABCDEF' },
      'channels[0].routingKey',
    ],
    [
      'a literal webhook URL',
      { ...SLACK, webhookUrl: 'https://hooks.slack.com/services/T/B/x' },
      'channels[0].webhookUrl',
    ],
    [
      'an env reference (a function variable, in the template)',
      { ...PD, routingKey: '${env:PD_KEY}' },
      'channels[0].routingKey',
    ],
    ['a reference with text around it', { ...PD, routingKey: 'key-${ssm:/pd}' }, 'channels[0].routingKey'],
    [
      'a literal webhook signing secret',
      { ...PD, webhookSecret: 'whsec_0123456789abcdef' },
      'channels[0].webhookSecret',
    ],
    [
      "an env reference as Opsgenie's webhook token",
      { id: 'og', type: 'opsgenie', apiKey: '${ssm:/og}', webhookSecret: '${env:OG_TOKEN}' },
      'channels[0].webhookSecret',
    ],
  ])('refuses %s', (_what, channel, path) => {
    const act = parse({ channels: [channel, EMAIL] });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      new RegExp(`^m\\.json: ${path.replace(/[[\].]/g, '\\$&')}: expected .* as a secret reference such as`),
    );
  });

  it('refuses a response plan that is not an Incident Manager ARN', () => {
    expect(
      parse({ channels: [{ id: 'im', type: 'incident-manager', responsePlanArn: 'core-plan' }, EMAIL] }),
    ).toThrow(/channels\[0\]\.responsePlanArn: expected a response plan ARN/);
  });
});

describe('channel independence per route', () => {
  it('refuses a route whose only channel is a vendor depmon itself monitors', () => {
    // Prepare: PagerDuty's events API is one of the monitored third parties
    const deps = [
      ...config({}).dependencies,
      {
        id: 'pagerduty',
        name: 'PagerDuty',
        tier: 'third-party',
        http: { url: 'https://status.pagerduty.com/' },
      },
    ];
    const routes = [{ id: 'partners', kinds: ['external-outage'], channels: ['pd'] }];
    // Act
    const act = parse({ dependencies: deps, channels: [PD, EMAIL], routes });
    // Assess
    expect(act).toThrow(
      /routes\[0\]\.channels: expected a channel that does not travel through a monitored third party: every channel of route "partners" goes through dependency "pagerduty"/,
    );
  });

  it('accepts that vendor beside a channel that does not go through it', () => {
    const deps = [
      ...config({}).dependencies,
      {
        id: 'pagerduty',
        name: 'PagerDuty',
        tier: 'third-party',
        http: { url: 'https://status.pagerduty.com/' },
      },
    ];
    const routes = [{ id: 'partners', kinds: ['external-outage'], channels: ['pd', 'ops'] }];
    expect(parse({ dependencies: deps, channels: [PD, EMAIL], routes })).not.toThrow();
  });

  it('refuses a core-outage route with only single-vendor channels, naming them', () => {
    const routes = [{ id: 'core', kinds: ['core-outage'], channels: ['pd', 'slack'] }];
    expect(parse({ channels: [PD, SLACK], routes })).toThrow(
      /routes\[0\]\.channels: expected a channel beside pagerduty and slack that rests on no single vendor \(email, sms, https or incident-manager\) on route "core", which pages core-outage \(SEV1\); or set acceptSingleVendorRisk: true/,
    );
  });

  it('applies the SEV1 rule to the implicit route of a config without routes', () => {
    expect(parse({ channels: [PD] })).toThrow(/^m\.json: channels: expected a channel beside pagerduty/);
  });

  it('accepts a core-outage route with SMS beside PagerDuty, or one that accepts the risk in the config', () => {
    const sms = { id: 'sms', type: 'sms', address: '+821000000000' };
    expect(
      parse({
        channels: [PD, sms],
        routes: [{ id: 'core', kinds: ['core-outage'], channels: ['pd', 'sms'] }],
      }),
    ).not.toThrow();
    expect(
      parse({
        channels: [PD],
        routes: [{ id: 'core', kinds: ['core-outage'], channels: ['pd'], acceptSingleVendorRisk: true }],
      }),
    ).not.toThrow();
  });

  it('lets a route that does not page SEV1 use one vendor alone', () => {
    const routes = [
      { id: 'core', kinds: ['core-outage'], channels: ['ops'] },
      { id: 'partners', kinds: ['external-outage', 'degraded'], channels: ['slack'] },
    ];
    expect(parse({ channels: [EMAIL, SLACK], routes })).not.toThrow();
  });
});
