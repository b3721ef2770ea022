import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LEASE_MS, LEASE_NAME, type NotifyDeps, notify } from '#functions/notify';
import type { AlarmState } from '#shared/alarms';
import { parseConfig } from '#shared/config';
import type { AlarmStateChangeMessage } from '#shared/pages';
import bankInput from '../../../examples/bank/monitor.config.ts';
import { awsError, inMemoryDynamo } from '../../helpers/aws.ts';
import { compositeAlarmMessage } from '../../shared/pages/alarm-messages.ts';
import { BANK_FILE, bank, bankPlan } from '../../shared/pages/bank.ts';
import { answerMetricData } from './metric-data.ts';

const snsMock = mockClient(SNSClient);
const ddbMock = mockClient(DynamoDBClient);
const cwMock = mockClient(CloudWatchClient);

const TOPICS = {
  'core-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-core-oncall',
  'integrations-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-integrations-oncall',
  'monitor-owners': 'arn:aws:sns:ap-northeast-2:123456789012:bank-monitor-owners',
};

/** Both tables in memory; the page log's items in the order they were written. */
function fakeDynamo() {
  const db = inMemoryDynamo(ddbMock);
  return { pageLog: () => db.items('bank-page-log'), put: db.put };
}

/** The lease poll's wait: a real turn of the event loop, so the other invocation runs meanwhile. */
const tick = () => new Promise<void>((r) => setTimeout(r, 1));

function cloudwatch(states: Record<string, AlarmState>) {
  cwMock.on(DescribeAlarmsCommand).callsFake(() => ({
    MetricAlarms: Object.entries(states)
      .filter(([n]) => n.includes('-down-'))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
    CompositeAlarms: Object.entries(states)
      .filter(([n]) => !n.includes('-down-'))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
  }));
  // Status Sums: 1000 per down vote, 1 per degraded vote (d2: two down, one degraded).
  answerMetricData(cwMock, states, [
    { Id: 'd0', Values: [3000, 2000] },
    { Id: 'd1', Values: [] },
    { Id: 'd2', Values: [2001] },
  ]);
}

const snsEvent = (m: AlarmStateChangeMessage): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:ap-northeast-2:123456789012:bank-alarms:1f0d',
      Sns: {
        Type: 'Notification',
        MessageId: '7c1f-…',
        TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:bank-alarms',
        Subject: `ALARM: "${m.AlarmName}" in Asia Pacific (Seoul)`,
        Message: JSON.stringify(m),
        Timestamp: '2026-11-26T05:05:14.000Z',
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertUrl: 'https://sns.ap-northeast-2.amazonaws.com/cert.pem',
        UnsubscribeUrl: 'https://sns.ap-northeast-2.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    },
  ],
});

function deps(now: string): NotifyDeps {
  const config = bank();
  return {
    config,
    plan: bankPlan(config),
    sns: new SNSClient({ region: 'ap-northeast-2' }),
    ddb: new DynamoDBClient({ region: 'ap-northeast-2' }),
    cloudwatch: new CloudWatchClient({ region: 'ap-northeast-2' }),
    stateTable: 'bank-page-state',
    pageLogTable: 'bank-page-log',
    topics: TOPICS,
    now: () => new Date(now),
  };
}

const plan = bankPlan();
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

beforeEach(() => {
  snsMock.reset();
  ddbMock.reset();
  cwMock.reset();
});

describe('notify', () => {
  it('publishes the page to its route topic with a message per protocol and attributes, and logs it', async () => {
    // Prepare
    const db = fakeDynamo();
    cloudwatch({
      'bank-core-outage': 'OK',
      'bank-down-kakaotalk-message-api': 'ALARM',
      'bank-down-kakao-login': 'ALARM',
    });
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    // Act
    const summary = await notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    // Assess
    expect([summary.sent, summary.held]).toEqual([1, 0]);
    const publish = snsMock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish).toMatchObject({
      TopicArn: TOPICS['integrations-oncall'],
      Subject: '[SEV2] bank EXTERNAL OUTAGE: kakao (2 of 3 APIs) down (3/3 regions) - core healthy',
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'SEV2' },
        kind: { DataType: 'String', StringValue: 'external-outage' },
        dependency: { DataType: 'String', StringValue: 'kakaotalk-message-api,kakao-login' },
        tier: { DataType: 'String', StringValue: 'third-party' },
      },
    });
    expect(Object.keys(JSON.parse(publish.Message!))).toEqual(['default', 'email', 'sms', 'https']);
    const [item] = db.pageLog();
    expect(item).toMatchObject({
      day: { S: '2026-11-26' },
      sk: {
        S: '2026-11-26T05:05:20.000Z#bank-external-outage-kakao#2026-11-26T05:05:13.145Z#integrations-oncall',
      },
      outcome: { S: 'sent' },
      messageId: { S: 'msg-1' },
      topicArn: { S: TOPICS['integrations-oncall'] },
    });
    // No secret reference or header of the config reaches the log.
    expect(JSON.stringify(db.pageLog())).not.toMatch(/DEPMON_|Authorization|X-Api-Key/);
  });

  it('publishes once for a repeated delivery and logs the duplicate', async () => {
    // Prepare
    const db = fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    const event = snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000'));
    // Act
    await notify(event, deps('2026-11-26T05:05:20Z'));
    const again = await notify(event, deps('2026-11-26T05:05:50Z'));
    const third = await notify(event, deps('2026-11-26T05:06:20Z'));
    // Assess
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(again.records.map((r) => [r.outcome, r.heldReason])).toEqual([['held', 'duplicate']]);
    expect(third.skipped).toBe(1);
    expect(db.pageLog().map((i) => i.outcome?.S)).toEqual(['sent', 'held']);
  });

  it('sends a page its route cannot take through another route, saying so, fails the invocation, and never sends it twice', async () => {
    // Prepare: the integrations topic refuses every publish (its key was revoked)
    const db = fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock
      .on(PublishCommand, { TopicArn: TOPICS['integrations-oncall'] })
      .rejects(awsError('KMSAccessDenied', 'key disabled', 400));
    snsMock.on(PublishCommand, { TopicArn: TOPICS['monitor-owners'] }).resolves({ MessageId: 'via-owners' });
    const event = snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000'));
    // Act
    const failed = notify(event, deps('2026-11-26T05:05:20Z'));
    // Assess: the monitor owners got the page, marked undelivered; the invocation fails (Errors alarm).
    await expect(failed).rejects.toThrow(
      /route "integrations-oncall" failed, sent through route "monitor-owners"/,
    );
    const published = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => p.TopicArn)).toEqual([
      TOPICS['integrations-oncall'],
      TOPICS['monitor-owners'],
    ]);
    expect(published[1]!.Subject).toMatch(
      /^\[UNDELIVERED to integrations-oncall\] \[SEV2\] bank EXTERNAL OUTAGE/,
    );
    expect(JSON.parse(published[1]!.Message!).email).toMatch(
      /could not deliver this page to route "integrations-oncall" \(KMSAccessDenied \(HTTP 400\)\)/,
    );
    expect(db.pageLog().map((i) => [i.outcome?.S, i.route?.S, i.topicArn?.S, i.messageId?.S])).toEqual([
      ['sent', 'integrations-oncall', TOPICS['monitor-owners'], 'via-owners'],
    ]);
    // Lambda retries the invocation: the page is not sent again; the retry is logged as a duplicate.
    const retried = await notify(event, deps('2026-11-26T05:06:20Z'));
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(retried.records.map((r) => [r.outcome, r.heldReason])).toEqual([['held', 'duplicate']]);
  });

  it('does not send a page again when the page-log write after its publish failed', async () => {
    // Prepare: the first page-log write fails for good (after notify's retries)
    const db = fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    ddbMock
      .on(PutItemCommand, { TableName: 'bank-page-log' })
      .rejectsOnce(awsError('AccessDeniedException', 'denied', 400))
      .callsFake((input) => {
        db.put(input.TableName, input.Item);
        return {};
      });
    const event = snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000'));
    // Act
    await expect(notify(event, deps('2026-11-26T05:05:20Z'))).rejects.toThrow('dynamodb:PutItem');
    const retried = await notify(event, deps('2026-11-26T05:06:20Z'));
    // Assess: one publish; the retry wrote the log record it owed, with the first publish's MessageId.
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(db.pageLog().map((i) => [i.outcome?.S, i.heldReason?.S, i.messageId?.S])).toEqual([
      ['sent', undefined, 'msg-1'],
      ['held', 'duplicate', undefined],
    ]);
    expect(retried.records.map((r) => r.outcome)).toEqual(['sent', 'held']);
  });

  it('publishes once when one alarm event is delivered twice at the same time', async () => {
    // Prepare
    fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    const event = snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000'));
    const logs: Record<string, unknown>[] = [];
    const d = {
      ...deps('2026-11-26T05:05:20Z'),
      sleep: tick,
      log: (r: Record<string, unknown>) => logs.push(r),
    };
    // Act
    const both = await Promise.all([notify(event, d), notify(event, d)]);
    // Assess: one invocation decided the message (one inbox item for both deliveries); the other found it
    // decided while it waited for the lease and returned without reading the alarm states again.
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(both.flatMap((b) => b.records.map((r) => r.heldReason ?? r.outcome))).toEqual(['sent']);
    expect(logs.filter((l) => String(l.msg).startsWith('covered by'))).toHaveLength(1);
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
  });

  it('sends a due resolved once when two ticks run at the same time', async () => {
    // Prepare
    fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    await notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), deps('2026-11-26T05:05:20Z'));
    cloudwatch({});
    await notify(snsEvent(kakao('OK', '2026-11-26T05:30:13.000+0000')), deps('2026-11-26T05:30:20Z'));
    const d = { ...deps('2026-11-26T05:34:00Z'), sleep: tick };
    // Act
    await Promise.all([notify({ source: 'depmon.tick' }, d), notify({ source: 'depmon.tick' }, d)]);
    // Assess: the page and one resolved
    const subjects = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(subjects.filter((x) => x?.startsWith('[RESOLVED]'))).toEqual([
      '[RESOLVED] bank EXTERNAL OUTAGE: kakao (1 of 3 APIs) recovered after 25 min',
    ]);
    expect(subjects).toHaveLength(2);
  });

  it('waits out a lease left by an invocation Lambda killed: a tick does nothing until it runs out', async () => {
    // Prepare: an open incident whose resolved is due, and a lease whose holder died at 05:33:30
    const db = fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    await notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), deps('2026-11-26T05:05:20Z'));
    cloudwatch({});
    await notify(snsEvent(kakao('OK', '2026-11-26T05:30:13.000+0000')), deps('2026-11-26T05:30:20Z'));
    const until = Date.parse('2026-11-26T05:33:30Z') + LEASE_MS;
    db.put('bank-page-state', {
      key: { S: LEASE_NAME },
      holder: { S: 'killed' },
      leaseUntil: { N: String(until) },
    });
    const at = (iso: string) => ({ ...deps(iso), clock: () => Date.parse(iso) });
    // Act
    const blocked = await notify({ source: 'depmon.tick' }, at('2026-11-26T05:34:00Z'));
    const after = await notify({ source: 'depmon.tick' }, at(new Date(until + 1000).toISOString()));
    // Assess
    expect(blocked.records).toEqual([]);
    expect(after.records.map((r) => r.resolved)).toEqual([true]);
  });

  it('records the incident before publishing: a route that fails loses nothing, and each route gets its resolved after its own page', async () => {
    // Prepare: external outages page two routes; integrations-oncall and the monitor owners are unreachable
    const config = parseConfig(
      {
        ...bankInput,
        routes: [
          ...bankInput.routes!,
          { id: 'incident-desk', kinds: ['external-outage'], channels: ['monitor-owners'] },
        ],
      },
      BANK_FILE,
    );
    const topics = {
      ...TOPICS,
      'incident-desk': 'arn:aws:sns:ap-northeast-2:123456789012:bank-incident-desk',
    };
    const at = (now: string): NotifyDeps => ({ ...deps(now), config, plan: bankPlan(config), topics });
    const db = fakeDynamo();
    const unreachable = awsError('NotFound', 'Topic does not exist', 404);
    snsMock.on(PublishCommand).resolves({ MessageId: 'ok' });
    snsMock.on(PublishCommand, { TopicArn: TOPICS['integrations-oncall'] }).rejects(unreachable);
    snsMock.on(PublishCommand, { TopicArn: TOPICS['monitor-owners'] }).rejects(unreachable);
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    // Act: the outage opens, recovers, and its resolved comes due
    await expect(
      notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), at('2026-11-26T05:05:20Z')),
    ).rejects.toThrow(/not delivered/);
    cloudwatch({});
    await expect(
      notify(snsEvent(kakao('OK', '2026-11-26T05:30:13.000+0000')), at('2026-11-26T05:30:20Z')),
    ).rejects.toThrow(/not delivered/);
    await expect(notify({ source: 'depmon.tick' }, at('2026-11-26T05:34:00Z'))).rejects.toThrow(
      /an earlier page of route "integrations-oncall" is pending/,
    );
    // Assess: the working route got its page and its resolved
    expect(db.pageLog().map((i) => [i.route?.S, i.resolved?.BOOL])).toEqual([
      ['incident-desk', false],
      ['incident-desk', true],
    ]);
    // Act: the integrations topic works again; the next tick sends its page, then its resolved
    snsMock.on(PublishCommand, { TopicArn: TOPICS['integrations-oncall'] }).resolves({ MessageId: 'late' });
    const tick = await notify({ source: 'depmon.tick' }, at('2026-11-26T05:35:00Z'));
    // Assess
    expect(tick.records.map((r) => [r.route, r.resolved])).toEqual([
      ['integrations-oncall', false],
      ['integrations-oncall', true],
    ]);
  });

  it('retries a throttled publish with the one backoff, then pages once', async () => {
    // Prepare
    const db = fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock
      .on(PublishCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded', 400))
      .resolves({ MessageId: 'msg-5' });
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };
    // Act
    const summary = await notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), {
      ...deps('2026-11-26T05:05:20Z'),
      sleep,
    });
    // Assess
    expect(summary.records.map((r) => [r.outcome, r.messageId])).toEqual([['sent', 'msg-5']]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(db.pageLog().map((i) => i.messageId?.S)).toEqual(['msg-5']);
  });

  it('holds an external page during a core outage and mutes a dependency in maintenance, logging both', async () => {
    // Prepare
    const db = fakeDynamo();
    cloudwatch({
      'bank-core-outage': 'ALARM',
      'bank-down-core-ledger': 'ALARM',
      'bank-down-kakao-login': 'ALARM',
      'bank-down-card-network': 'ALARM',
    });
    const card = compositeAlarmMessage(
      'bank-external-outage-card-network',
      rule('bank-external-outage-card-network'),
      'bank-down-card-network',
      'ALARM',
      '2026-11-28T18:10:00.000+0000',
    );
    // Act
    const held = await notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    const muted = await notify(snsEvent(card), deps('2026-11-28T18:10:05Z'));
    // Assess
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(held.records.map((r) => [r.outcome, r.heldReason])).toEqual([['held', 'core-outage']]);
    expect(muted.records.map((r) => [r.outcome, r.heldReason])).toEqual([['held', 'maintenance']]);
    expect(db.pageLog().map((i) => i.heldReason?.S)).toEqual(['core-outage', 'maintenance']);
  });

  it('sends a due resolved on the one-minute tick', async () => {
    // Prepare
    fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
    await notify(snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')), deps('2026-11-26T05:05:20Z'));
    cloudwatch({});
    await notify(snsEvent(kakao('OK', '2026-11-26T05:30:13.000+0000')), deps('2026-11-26T05:30:20Z'));
    // Act
    const tick = await notify({ source: 'depmon.tick' }, deps('2026-11-26T05:34:00Z'));
    // Assess
    expect(tick.records.map((r) => [r.outcome, r.resolved, r.subject])).toEqual([
      ['sent', true, '[RESOLVED] bank EXTERNAL OUTAGE: kakao (1 of 3 APIs) recovered after 25 min'],
    ]);
  });

  it('answers a tick with no open incident without calling CloudWatch', async () => {
    fakeDynamo();
    cloudwatch({});
    const tick = await notify({ source: 'depmon.tick' }, deps('2026-11-26T05:34:00Z'));
    expect(tick).toEqual({ sent: 0, held: 0, skipped: 0, records: [] });
    expect(cwMock.calls()).toHaveLength(0);
  });

  it('refuses a message that is not a CloudWatch alarm state change', async () => {
    fakeDynamo();
    cloudwatch({});
    const event = snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000'));
    event.Records[0]!.Sns.Message = 'hello';
    await expect(notify(event, deps('2026-11-26T05:05:20Z'))).rejects.toThrow(
      'notify: SNS message is not JSON: hello',
    );
  });
});

describe('notify when CloudWatch metrics are unavailable', () => {
  it('counts failing regions from the latest period that has ended, not the one still filling', async () => {
    // Prepare: at 05:05:20 the 05:05 period holds one round in which the member was up; 05:04 saw it in 3 regions.
    fakeDynamo();
    const states = { 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' } as const;
    cloudwatch(states);
    const periods = {
      Timestamps: [new Date('2026-11-26T05:05:00Z'), new Date('2026-11-26T05:04:00Z')],
      Values: [0, 3000],
    };
    answerMetricData(
      cwMock,
      states,
      [0, 1, 2].map((i) => ({ Id: `d${i}`, ...periods })),
    );
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-4' });
    // Act
    const summary = await notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    // Assess
    expect(summary.records.map((r) => [r.outcome, r.subject])).toEqual([
      ['sent', '[SEV2] bank EXTERNAL OUTAGE: kakao (1 of 3 APIs) down (3/3 regions) - core healthy'],
    ]);
  });

  it('still pages, without region counts, when GetMetricData fails for the region counts', async () => {
    fakeDynamo();
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    cwMock
      .on(GetMetricDataCommand, { ScanBy: 'TimestampDescending' })
      .rejects(new Error('Throttling: Rate exceeded'));
    snsMock.on(PublishCommand).resolves({ MessageId: 'msg-3' });
    const summary = await notify(
      snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000')),
      deps('2026-11-26T05:05:20Z'),
    );
    expect(summary.records.map((r) => [r.outcome, r.subject])).toEqual([
      ['sent', '[SEV2] bank EXTERNAL OUTAGE: kakao (1 of 3 APIs) down - core healthy'],
    ]);
  });
});
