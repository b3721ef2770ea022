// The notify function's CloudWatch request times, kept in the state table (item `pace#notify`) from one lease
// holder to the next: each holder seeds its pacers with the times its predecessor left, so holders that follow
// each other within a second still stay under DescribeAlarms' and GetMetricData's request rates together.
// Only the lease holder reads or writes the item, so plain reads and writes suffice.
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PAGE_STATE_KEY, PAGE_STATE_TTL_ATTRIBUTE } from './paging-state.ts';
import type { Retrier } from './retry.ts';

export const PACE_ITEM = 'pace#notify';

/** API name → the epoch ms at which its most recent calls started (at most a rate's worth each). */
export type PaceStarts = Record<string, readonly number[]>;

export async function readPaceStarts(
  ddb: DynamoDBClient,
  table: string,
  retry: Retrier,
): Promise<PaceStarts> {
  const out = await retry('dynamodb:GetItem', () =>
    ddb.send(
      new GetItemCommand({
        TableName: table,
        Key: { [PAGE_STATE_KEY]: { S: PACE_ITEM } },
        ConsistentRead: true,
      }),
    ),
  );
  const raw = out.Item?.starts?.S;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as PaceStarts) : {};
  } catch {
    return {};
  }
}

export async function writePaceStarts(
  ddb: DynamoDBClient,
  table: string,
  starts: PaceStarts,
  now: number,
  retry: Retrier,
): Promise<void> {
  await retry('dynamodb:PutItem', () =>
    ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          [PAGE_STATE_KEY]: { S: PACE_ITEM },
          starts: { S: JSON.stringify(starts) },
          [PAGE_STATE_TTL_ATTRIBUTE]: { N: String(Math.floor(now / 1000) + 86_400) },
        },
      }),
    ),
  );
}
