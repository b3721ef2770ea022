// The state table's prefix Scan, shared by the paging state and the page outbox: every page read, the filter
// applied by DynamoDB after the read (so an empty page with a LastEvaluatedKey still leads on).
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PageOutbox } from '#aws/outbox';
import { scanByPrefix } from '#aws/paging-state';

const ddbMock = mockClient(DynamoDBClient);
beforeEach(() => ddbMock.reset());

describe('scanByPrefix', () => {
  it('reads every page, an empty one included, with the prefix filter and the extra condition ANDed', async () => {
    // Prepare: three pages, the middle one empty after filtering.
    ddbMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ key: { S: 'outbox#a' } }], LastEvaluatedKey: { key: { S: 'outbox#a' } } })
      .resolvesOnce({ Items: [], LastEvaluatedKey: { key: { S: 'outbox#x' } } })
      .resolvesOnce({ Items: [{ key: { S: 'outbox#b' } }] });
    const actions: string[] = [];
    // Act
    const items = await scanByPrefix(
      new DynamoDBClient({ region: 'ap-northeast-2' }),
      'state',
      (action, fn) => {
        actions.push(action);
        return fn();
      },
      'outbox#',
      { expression: '#s <> :done', names: { '#s': 'status' }, values: { ':done': { S: 'done' } } },
    );
    // Assess
    expect(items.map((i) => i.key?.S)).toEqual(['outbox#a', 'outbox#b']);
    expect(actions).toEqual(['dynamodb:Scan', 'dynamodb:Scan', 'dynamodb:Scan']);
    const inputs = ddbMock.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      TableName: 'state',
      ConsistentRead: true,
      FilterExpression: 'begins_with(#k, :p) AND #s <> :done',
      ExpressionAttributeNames: { '#k': 'key', '#s': 'status' },
      ExpressionAttributeValues: { ':p': { S: 'outbox#' }, ':done': { S: 'done' } },
      ExclusiveStartKey: undefined,
    });
    expect(inputs.map((i) => i.ExclusiveStartKey?.key?.S)).toEqual([undefined, 'outbox#a', 'outbox#x']);
  });

  it('gives the outbox its undone items across pages, oldest decision first', async () => {
    // Prepare
    const item = (id: string, seq: number) => ({
      key: { S: `outbox#${id}` },
      status: { S: 'pending' },
      seq: { N: String(seq) },
      record: { S: JSON.stringify({ id }) },
    });
    ddbMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [item('late', 2)], LastEvaluatedKey: { key: { S: 'outbox#late' } } })
      .resolvesOnce({ Items: [item('early', 1)] });
    // Act
    const undone = await new PageOutbox(new DynamoDBClient({ region: 'ap-northeast-2' }), 'state').undone();
    // Assess
    expect(undone.map((u) => [u.record.id, u.seq])).toEqual([
      ['early', 1],
      ['late', 2],
    ]);
  });
});
