// Acks, notes and drills in the page log: written with the same conditional put as pages, read back apart from
// them, and in the account of a real incident beside the page of the incident they answer.
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { marshallRecord, pageLogKey, queryPageLogEntries, writeResponse } from '#aws/page-log';
import { incidentId, type PageLogRecord, type ResponseRecord } from '#shared/pages';
import { buildAccount, pageFromLogRecord, responseFromLogRecord } from '#shared/timeline';

const ddbMock = mockClient(DynamoDBClient);
beforeEach(() => ddbMock.reset());

const PAGE: PageLogRecord = {
  id: 'bank-external-outage-kakao#2026-11-26T05:05:13.145Z#integrations-oncall',
  at: '2026-11-26T05:05:20.000Z',
  alarmTime: '2026-11-26T05:05:13.145Z',
  since: '2026-11-26T05:03:00.000Z',
  alarmName: 'bank-external-outage-kakao',
  alarmState: 'ALARM',
  kind: 'external-outage',
  resolved: false,
  severity: 'SEV2',
  dependencies: ['kakao-login'],
  failingRegions: [],
  outcome: 'sent',
  route: 'integrations-oncall',
  subject: '[SEV2] bank EXTERNAL OUTAGE: kakao down',
  messages: { default: 'd', email: 'e', sms: 's', https: '{}' },
};
const INC = incidentId(PAGE.alarmName, PAGE.since!);
const ACK: ResponseRecord = {
  type: 'response',
  id: 'ack-0011',
  at: '2026-11-26T05:09:20.000Z',
  kind: 'ack',
  by: 'arn:aws:sts::1:assumed-role/oncall/kim',
  via: 'cli',
  incident: INC,
};
const NOTE: ResponseRecord = {
  ...ACK,
  id: 'note-0022',
  at: '2026-11-26T05:15:20.000Z',
  kind: 'note',
  text: 'switched notices to SMS',
};
const item = (r: PageLogRecord | ResponseRecord) => ({ ...pageLogKey(r), ...marshallRecord(r) });

describe('responses in the page log', () => {
  it('writes a response only if its key is free', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    expect(await writeResponse(new DynamoDBClient({ region: 'ap-northeast-2' }), 'bank-page-log', NOTE)).toBe(
      true,
    );
    const input = ddbMock.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_not_exists(#sk)');
    expect(input.Item).toMatchObject({
      type: { S: 'response' },
      kind: { S: 'note' },
      sk: { S: `${NOTE.at}#note-0022` },
    });
  });

  it('reads pages and responses apart, and the account shows the ack and note against the page they answer', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [item(PAGE), item(ACK), item(NOTE)] });
    const window = { from: new Date('2026-11-26T05:00:00Z'), to: new Date('2026-11-26T06:00:00Z') };
    const { pages, responses } = await queryPageLogEntries(
      new DynamoDBClient({ region: 'ap-northeast-2' }),
      't',
      window,
    );
    expect(pages.map((p) => p.id)).toEqual([PAGE.id]);
    expect(responses.map((r) => r.kind)).toEqual(['ack', 'note']);
    const account = buildAccount({
      config: { name: 'bank', timeZone: 'Asia/Seoul', probeRegions: ['ap-northeast-2'] },
      window,
      origin: 'aws',
      alarms: [],
      pages: pages.map(pageFromLogRecord),
      onsets: [],
      recoveries: [],
      responses: responses.map(responseFromLogRecord),
    });
    expect(account.incidents).toEqual([
      expect.objectContaining({
        id: INC,
        minutesToAcknowledge: 4,
        minutesToFirstAction: 10,
        acknowledged: expect.objectContaining({
          source: 'page-log',
          detail: 'by arn:aws:sts::1:assumed-role/oncall/kim via cli',
        }),
      }),
    ]);
    expect(account.events.map((e) => e.kind)).toEqual(['page-sent', 'ack', 'note']);
  });

  it('shows an ack a vendor reported (the ack function writes it so) as the incident acknowledgement, with its via', async () => {
    // Prepare: the record functions/ack/vendor.ts writes for a PagerDuty incident.acknowledged.
    const vendorAck: ResponseRecord = {
      type: 'response',
      id: 'ack-pagerduty-01DEN4HPBQAJJ8BSFS2UXJAJ1G',
      at: '2026-11-26T05:07:20.000Z',
      kind: 'ack',
      by: 'pagerduty:Kim Jiwoo',
      via: 'pagerduty',
      incident: INC,
    };
    ddbMock.on(QueryCommand).resolves({ Items: [item(PAGE), item(vendorAck)] });
    const window = { from: new Date('2026-11-26T05:00:00Z'), to: new Date('2026-11-26T06:00:00Z') };
    // Act
    const { pages, responses } = await queryPageLogEntries(
      new DynamoDBClient({ region: 'ap-northeast-2' }),
      't',
      window,
    );
    const account = buildAccount({
      config: { name: 'bank', timeZone: 'Asia/Seoul', probeRegions: ['ap-northeast-2'] },
      window,
      origin: 'aws',
      alarms: [],
      pages: pages.map(pageFromLogRecord),
      onsets: [],
      recoveries: [],
      responses: responses.map(responseFromLogRecord),
    });
    // Assess
    expect(account.incidents).toEqual([
      expect.objectContaining({
        id: INC,
        minutesToAcknowledge: 2,
        acknowledged: expect.objectContaining({ detail: 'by pagerduty:Kim Jiwoo via pagerduty' }),
      }),
    ]);
    expect(account.events.find((e) => e.kind === 'ack')).toMatchObject({ via: 'pagerduty' });
  });
});
