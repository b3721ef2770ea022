// Vendor channels end to end: the real notify function (paging core, outbox, delivery) sends real HTTP to
// loopback stand-ins of PagerDuty, Opsgenie, Slack and Incident Manager, which refuse what their documentation
// does not allow and keep the vendor's incidents. AWS calls go to aws-sdk-client-mock as in notify.test.ts.
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentManagerClient, incidentRecordStore } from '#aws/incident-manager';
import { type NotifyDeps, notify, parseRetryAfter, type VendorDeps } from '#functions/notify';
import { buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfigInput, parseConfig, type SecretResolver } from '#shared/config';
import type { AlarmStateChangeMessage } from '#shared/pages';
import bankInput from '../../../examples/bank/monitor.config.ts';
import { inMemoryDynamo } from '../../helpers/aws.ts';
import { OPSGENIE_KEY, PD_ROUTING_KEY, SLACK_PATH, VendorStandIns } from '../../helpers/vendor-standins.ts';
import { compositeAlarmMessage } from '../../shared/pages/alarm-messages.ts';
import { answerMetricData } from './metric-data.ts';

const snsMock = mockClient(SNSClient);
const ddbMock = mockClient(DynamoDBClient);
const cwMock = mockClient(CloudWatchClient);

const TOPICS = {
  'core-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-core-oncall',
  'integrations-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-integrations-oncall',
  'monitor-owners': 'arn:aws:sns:ap-northeast-2:123456789012:bank-monitor-owners',
};

const REFS = {
  pagerduty: '${secretsmanager:depmon/pagerduty#routingKey}',
  opsgenie: '${ssm:/depmon/opsgenie-api-key}',
  slack: '${secretsmanager:depmon/slack-webhook}',
};

/** The bank example with every vendor channel on the integrations route (external outages). */
function vendorConfig() {
  const input = bankInput as MonitorConfigInput;
  return parseConfig(
    {
      ...input,
      channels: [
        ...(input.channels ?? []),
        { id: 'pd', type: 'pagerduty', routingKey: REFS.pagerduty },
        { id: 'og', type: 'opsgenie', apiKey: REFS.opsgenie, region: 'eu' },
        { id: 'slack', type: 'slack', webhookUrl: REFS.slack },
        {
          id: 'im',
          type: 'incident-manager',
          responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/integrations',
        },
      ],
      routes: (input.routes ?? []).map((r) =>
        r.id === 'integrations-oncall' ? { ...r, channels: [...r.channels, 'pd', 'og', 'slack', 'im'] } : r,
      ),
    },
    'vendors.config.json',
  );
}

/** A resolver over fixed values (the stand-ins' keys); a reference it does not know fails, naming it. */
function secrets(slackUrl: string): SecretResolver {
  const values: Record<string, string> = {
    [REFS.pagerduty]: PD_ROUTING_KEY,
    [REFS.opsgenie]: OPSGENIE_KEY,
    [REFS.slack]: slackUrl,
  };
  return {
    async resolve(ref) {
      const v = values[ref.raw];
      if (v === undefined) throw new Error(`secret ${ref.raw}: not found`);
      return v;
    },
  };
}

const config = vendorConfig();
const plan = buildAlarmPlan(config, { configFile: 'vendors.config.json' });
const rule = (n: string) => {
  const a = plan.alarms.find((x) => x.name === n);
  return a?.type === 'composite' ? a.rule : '';
};
const kakao = (state: 'ALARM' | 'OK', time: string) =>
  compositeAlarmMessage(
    'bank-external-outage-kakao',
    rule('bank-external-outage-kakao'),
    'bank-down-kakao-login',
    state,
    time,
  );
const snsEvent = (m: AlarmStateChangeMessage): SNSEvent =>
  ({ Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(m) } }] }) as unknown as SNSEvent;

function cloudwatch(states: Record<string, string>) {
  cwMock.on(DescribeAlarmsCommand).callsFake(() => ({
    MetricAlarms: Object.entries(states)
      .filter(([n]) => n.includes('-down-'))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
    CompositeAlarms: Object.entries(states)
      .filter(([n]) => !n.includes('-down-'))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
  }));
  answerMetricData(cwMock, states);
}

let standIns: VendorStandIns;
let waits: number[];
let logs: Record<string, unknown>[];

beforeEach(async () => {
  snsMock.reset();
  ddbMock.reset();
  cwMock.reset();
  standIns = await new VendorStandIns().start();
  waits = [];
  logs = [];
});
afterEach(async () => {
  await standIns.stop();
});

function deps(now: string): NotifyDeps {
  const ddb = new DynamoDBClient({ region: 'ap-northeast-2' });
  const vendors: VendorDeps = {
    config,
    secrets: secrets(`${standIns.url}${SLACK_PATH}`),
    endpoints: { pagerduty: standIns.url, opsgenie: standIns.url },
    incidentManager: incidentManagerClient({
      region: 'ap-northeast-2',
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' }),
      env: { AWS_ENDPOINT_URL_SSM_INCIDENTS: standIns.url },
    }),
    incidentRecords: incidentRecordStore(ddb, 'bank-page-state'),
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    log: (r) => logs.push(r),
  };
  return {
    config,
    plan,
    sns: new SNSClient({ region: 'ap-northeast-2' }),
    ddb,
    cloudwatch: new CloudWatchClient({ region: 'ap-northeast-2' }),
    stateTable: 'bank-page-state',
    pageLogTable: 'bank-page-log',
    topics: TOPICS,
    now: () => new Date(now),
    log: (r) => logs.push(r),
    vendors,
  };
}

/** The Kakao outage opens at 05:05, recovers at 05:30, and its resolved goes out on the 05:34 tick. */
async function outageAndRecovery(): Promise<void> {
  cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
  await notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), deps('2026-11-26T05:05:20Z'));
  cloudwatch({ 'bank-core-outage': 'OK' });
  await notify(snsEvent(kakao('OK', '2026-11-26T05:30:13.000+0000')), deps('2026-11-26T05:30:20Z'));
  await notify({ source: 'depmon.tick' }, deps('2026-11-26T05:34:00Z'));
}

describe('vendor channels through notify', () => {
  it('opens one vendor incident per depmon incident and closes it with the resolve (same key)', async () => {
    // Prepare
    const db = inMemoryDynamo(ddbMock);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    // Act
    await outageAndRecovery();
    // Assess: each vendor API took a trigger and a resolve, every one valid, none orphaned
    const byVendor = (v: string) => standIns.requests.filter((r) => r.vendor === v).length;
    expect(['pagerduty', 'opsgenie', 'slack', 'incident-manager'].map(byVendor)).toEqual([2, 2, 2, 2]);
    for (const vendor of ['pagerduty', 'opsgenie', 'incident-manager'] as const) {
      expect(standIns.incidentsOf(vendor).map((i) => [i.triggers, i.open])).toEqual([[1, false]]);
    }
    expect(standIns.orphans).toEqual([]);
    const pd = standIns.requests.filter((r) => r.vendor === 'pagerduty').map((r) => r.body);
    expect(pd.map((b) => [b.event_action, b.dedup_key])).toEqual([
      ['trigger', 'depmon/bank-external-outage-kakao/2026-11-26T05:05:13.145Z'],
      ['resolve', 'depmon/bank-external-outage-kakao/2026-11-26T05:05:13.145Z'],
    ]);
    expect(pd[0]!.payload).toMatchObject({ severity: 'error', class: 'external-outage', group: 'kakao' });
    expect((pd[0]!.payload as { custom_details: Record<string, string> }).custom_details).toMatchObject({
      core: 'core banking healthy',
      owner: expect.stringMatching(/\S/),
      dashboard:
        'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/depmon-bank',
    });
    const og = standIns.requests.filter((r) => r.vendor === 'opsgenie');
    expect(og.map((r) => r.path)).toEqual([
      '/v2/alerts',
      `/v2/alerts/${encodeURIComponent('depmon/bank-external-outage-kakao/2026-11-26T05:05:13.145Z')}/close?identifierType=alias`,
    ]);
    expect(og[0]!.body).toMatchObject({ priority: 'P2', alias: pd[0]!.dedup_key });
    expect(standIns.slackMessages.map((m) => String(m.text).slice(0, 10))).toEqual([
      '[SEV2] ban',
      '[RESOLVED]',
    ]);
    // The page log says where each page went; no credential reaches it or the function's log.
    const log = db.items('bank-page-log').filter((i) => i.route?.S === 'integrations-oncall');
    expect(log.map((i) => i.deliveredTo?.L?.map((x) => x.S))).toEqual([
      ['sns', 'pd', 'og', 'slack', 'im'],
      ['sns', 'pd', 'og', 'slack', 'im'],
    ]);
    const everything = JSON.stringify([db.items('bank-page-log'), db.items('bank-page-state'), logs]);
    for (const secret of [PD_ROUTING_KEY, OPSGENIE_KEY, SLACK_PATH]) expect(everything).not.toContain(secret);
  });

  it('waits out a 429 Retry-After and never opens a second incident when a retried trigger had been processed', async () => {
    // Prepare: PagerDuty throttles once (Retry-After 2 s); Opsgenie processes the create, then answers 502
    inMemoryDynamo(ddbMock);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    standIns.faults.push({ vendor: 'pagerduty', status: 429, retryAfter: '2', times: 1 });
    standIns.faults.push({ vendor: 'opsgenie', status: 502, processed: true, times: 1 });
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    // Act
    const summary = await notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    // Assess
    expect(summary.sent).toBe(1);
    expect(waits).toContain(2000);
    expect(standIns.requests.filter((r) => r.vendor === 'pagerduty')).toHaveLength(2);
    expect(standIns.incidentsOf('pagerduty').map((i) => i.triggers)).toEqual([1]);
    expect(standIns.incidentsOf('opsgenie').map((i) => [i.triggers, i.open])).toEqual([[2, true]]);
  });

  it('sends a page a vendor refuses through another route, records what went out, and alarms (the invocation fails)', async () => {
    // Prepare: Slack answers 500 to everything
    const db = inMemoryDynamo(ddbMock);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    standIns.faults.push({ vendor: 'slack', status: 500, times: 100 });
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    // Act
    const run = notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    // Assess
    await expect(run).rejects.toThrow(
      /route "integrations-oncall" failed, sent through route "monitor-owners"/,
    );
    expect(standIns.requests.filter((r) => r.vendor === 'slack')).toHaveLength(3);
    const topics = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(topics.map((t) => t.TopicArn)).toEqual([TOPICS['integrations-oncall'], TOPICS['monitor-owners']]);
    expect(JSON.parse(topics[1]!.Message!).email).toMatch(
      /could not deliver this page to route "integrations-oncall" \(channel "slack": HTTP 500 .*after 3 attempts\)/,
    );
    // Slack being down kept no other channel of the route from paging, before it or after it.
    expect(standIns.incidentsOf('pagerduty').map((i) => i.triggers)).toEqual([1]);
    expect(standIns.incidentsOf('incident-manager').map((i) => i.triggers)).toEqual([1]);
    expect(db.items('bank-page-log').map((i) => i.topicArn?.S)).toEqual([TOPICS['monitor-owners']]);
    expect(logs.some((l) => l.msg === 'page failed over')).toBe(true);
  });

  it('gives up on a vendor that never answers after its attempts, each bounded by the request timeout', async () => {
    // Prepare: Opsgenie accepts the connection and never answers; a 100 ms timeout keeps the test short
    inMemoryDynamo(ddbMock);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    standIns.faults.push({ vendor: 'opsgenie', status: 0, times: 100 });
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    const d = deps('2026-11-26T05:05:20Z');
    // Act
    const run = notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), {
      ...d,
      vendors: { ...d.vendors!, timeoutMs: 100 },
    });
    // Assess
    await expect(run).rejects.toThrow(/sent through route "monitor-owners"/);
    expect(standIns.requests.filter((r) => r.vendor === 'opsgenie')).toHaveLength(3);
    const copy = snsMock.commandCalls(PublishCommand).at(-1)!.args[0].input;
    expect(JSON.parse(copy.Message!).email).toMatch(/channel "og": TimeoutError \(after 3 attempts\)/);
  });

  it('refuses to wait out a Retry-After longer than 10 s: the route fails over at once', async () => {
    // Prepare
    inMemoryDynamo(ddbMock);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    standIns.faults.push({ vendor: 'pagerduty', status: 429, retryAfter: '120', times: 5 });
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    // Act
    const run = notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    // Assess
    await expect(run).rejects.toThrow(/sent through route "monitor-owners"/);
    expect(standIns.requests.filter((r) => r.vendor === 'pagerduty')).toHaveLength(1);
    const copy = snsMock.commandCalls(PublishCommand).at(-1)!.args[0].input;
    expect(JSON.parse(copy.Message!).email).toMatch(
      /channel "pd": HTTP 429 .*Retry-After 120 s is too long to wait \(after 1 attempt\)/,
    );
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    ['Wed, 02 Dec 2026 04:00:05 GMT', 5000],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-12-02T04:00:00Z'))).toBe(expected);
  });
});
