import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type NotifyDeps, notify } from '#functions/notify';
import type { AlarmState } from '#shared/alarms';
import type { AlarmStateChangeMessage } from '#shared/pages';
import { awsError, inMemoryDynamo } from '../../helpers/aws.ts';
import { compositeAlarmMessage } from '../../shared/pages/alarm-messages.ts';
import { bank, bankPlan } from '../../shared/pages/bank.ts';

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
  return { pageLog: () => db.items('bank-page-log') };
}

function cloudwatch(states: Record<string, AlarmState>) {
  cwMock.on(DescribeAlarmsCommand).callsFake(() => ({
    MetricAlarms: Object.entries(states)
      .filter(([n]) => n.includes('-down-'))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
    CompositeAlarms: Object.entries(states)
      .filter(([n]) => !n.includes('-down-'))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
  }));
  cwMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'd0', Values: [3, 2] },
      { Id: 'd1', Values: [] },
      { Id: 'd2', Values: [2] },
    ],
  });
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

  it('throws when publishing fails, writing nothing, and a retry then pages', async () => {
    // Prepare
    const db = fakeDynamo();
    cloudwatch({ 'bank-down-kakao-login': 'ALARM' });
    snsMock.on(PublishCommand).rejectsOnce(new Error('KMSAccessDenied')).resolves({ MessageId: 'msg-2' });
    const event = snsEvent(kakao('ALARM', '2026-11-26T05:05:13.145+0000'));
    // Act
    const failed = notify(event, deps('2026-11-26T05:05:20Z'));
    // Assess
    await expect(failed).rejects.toThrow('KMSAccessDenied');
    expect(db.pageLog()).toEqual([]);
    // Lambda retries the asynchronous invocation: the state was not advanced, so it pages now.
    const retried = await notify(event, deps('2026-11-26T05:06:20Z'));
    expect(retried.records.map((r) => [r.outcome, r.messageId])).toEqual([['sent', 'msg-2']]);
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
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    const periods = {
      Timestamps: [new Date('2026-11-26T05:05:00Z'), new Date('2026-11-26T05:04:00Z')],
      Values: [0, 3],
    };
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [0, 1, 2].map((i) => ({ Id: `d${i}`, ...periods })),
    });
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

  it('still pages, without region counts, when GetMetricData fails', async () => {
    fakeDynamo();
    cloudwatch({ 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' });
    cwMock.on(GetMetricDataCommand).rejects(new Error('Throttling: Rate exceeded'));
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
