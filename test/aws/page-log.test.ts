import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PAGE_LOG_KEY, recordFromItem, writePageLog } from '#aws/page-log';
import type { PageLogRecord } from '#shared/pages';
import { inMemoryDynamo } from '../helpers/aws.ts';

const ddbMock = mockClient(DynamoDBClient);
beforeEach(() => ddbMock.reset());

const RECORD: PageLogRecord = {
  id: 'bank-external-outage-kakao#2026-11-26T05:05:13.145Z#integrations-oncall',
  at: '2026-11-26T05:05:20.000Z',
  alarmTime: '2026-11-26T05:05:13.145Z',
  alarmName: 'bank-external-outage-kakao',
  alarmState: 'ALARM',
  kind: 'external-outage',
  resolved: false,
  severity: 'SEV2',
  tier: 'third-party',
  group: 'kakao',
  dependencies: ['kakao-login'],
  failingRegions: [],
  outcome: 'sent',
  route: 'integrations-oncall',
  messageId: 'msg-1',
  subject: '[SEV2] bank EXTERNAL OUTAGE: kakao down',
  messages: { default: 'd', email: 'e\nf', sms: 's', https: '{}' },
  attributes: { severity: 'SEV2', kind: 'external-outage' },
};

describe('the page log', () => {
  it('writes a record once under its day and time-ordered sort key, and reads it back as it was', async () => {
    // Prepare
    const db = inMemoryDynamo(ddbMock);
    const ddb = new DynamoDBClient({ region: 'ap-northeast-2' });
    // Act: a retried delivery writes the same record again
    await writePageLog(ddb, 'bank-page-log', RECORD);
    await writePageLog(ddb, 'bank-page-log', RECORD);
    // Assess
    const items = db.items('bank-page-log');
    expect(items).toHaveLength(1);
    expect(items[0]![PAGE_LOG_KEY.partition]).toEqual({ S: '2026-11-26' });
    expect(items[0]![PAGE_LOG_KEY.sort]).toEqual({ S: `${RECORD.at}#${RECORD.id}` });
    expect(recordFromItem(items[0]!)).toEqual({
      day: '2026-11-26',
      sk: `${RECORD.at}#${RECORD.id}`,
      ...RECORD,
    });
  });

  it('reads an item without texts with empty ones, and skips an item that is no record', () => {
    expect(recordFromItem({ at: { S: RECORD.at }, subject: { S: 's' } })?.messages).toEqual({
      default: '',
      email: '',
      sms: '',
      https: '',
    });
    expect(recordFromItem({ at: { S: RECORD.at } })).toBeUndefined();
  });
});
