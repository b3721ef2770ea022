// The page log in DynamoDB: its key schema (the home stack's table takes its key names from here), the
// mapping of a PageLogRecord to an item and back, the notify function's write and `depmon timeline`'s read.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { PageLogRecord } from '#shared/pages';
import type { Retrier } from './retry.ts';

/**
 * Partition `day` (UTC date of `at`), sort key `sk` = `<at>#<id>`: a time range is one Query per day, and
 * the sort key is unique per record.
 */
export const PAGE_LOG_KEY = { partition: 'day', sort: 'sk' } as const;

/** The page log table when nothing says otherwise: `<config.name>-page-log`, as the home stack names it. */
export const defaultPageLogTable = (config: { readonly name: string }) => `${config.name}-page-log`;

const once: Retrier = (_action, fn) => fn();

/** The key attributes of a record's item. */
export function pageLogKey(record: Pick<PageLogRecord, 'at' | 'id'>): Record<string, AttributeValue> {
  return {
    [PAGE_LOG_KEY.partition]: { S: record.at.slice(0, 10) },
    [PAGE_LOG_KEY.sort]: { S: `${record.at}#${record.id}` },
  };
}

/** Writes a record once: conditional on its key, so a retried delivery does not write it twice. */
export async function writePageLog(
  ddb: DynamoDBClient,
  table: string,
  record: PageLogRecord,
  retry: Retrier = once,
): Promise<void> {
  await retry('dynamodb:PutItem', async () => {
    try {
      await ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: { ...pageLogKey(record), ...marshallRecord(record) },
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': PAGE_LOG_KEY.sort },
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return;
      throw e;
    }
  });
}

/** Every record whose `at` is in [from, to]: one Query per UTC day partition, paginated. */
export async function queryPageLog(
  ddb: DynamoDBClient,
  table: string,
  window: { readonly from: Date; readonly to: Date },
  retry: Retrier = once,
): Promise<PageLogRecord[]> {
  const out: PageLogRecord[] = [];
  for (const day of utcDays(window.from, window.to)) {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page: QueryCommandOutput = await retry('dynamodb:Query', () =>
        ddb.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#day = :day AND #sk BETWEEN :lo AND :hi',
            ExpressionAttributeNames: { '#day': PAGE_LOG_KEY.partition, '#sk': PAGE_LOG_KEY.sort },
            ExpressionAttributeValues: {
              ':day': { S: day },
              ':lo': { S: window.from.toISOString() },
              ':hi': { S: `${window.to.toISOString()}#\uffff` },
            },
            ExclusiveStartKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const record = recordFromItem(item);
        if (record) out.push(record);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return out;
}

/** An item back to its record; undefined for an item that is not one (no `at` or `subject`). */
export function recordFromItem(item: Record<string, AttributeValue>): PageLogRecord | undefined {
  const record = unmarshall(item) as unknown as PageLogRecord;
  if (typeof record.at !== 'string' || typeof record.subject !== 'string') return undefined;
  // Records written before the texts were logged have none.
  return { ...record, messages: record.messages ?? { default: '', email: '', sms: '', https: '' } };
}

const DAY_MS = 86_400_000;

/** Every UTC day partition (YYYY-MM-DD) a window touches. */
export function utcDays(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t <= to.getTime();
    t += DAY_MS
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Plain values to DynamoDB attribute values (strings, numbers, booleans, lists, maps; undefined dropped). */
export function marshallRecord(value: object): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value)) {
    const a = toAttr(v);
    if (a) out[k] = a;
  }
  return out;
}

function toAttr(v: unknown): AttributeValue | undefined {
  if (v === undefined) return undefined;
  if (v === null) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(toAttr).filter((x): x is AttributeValue => x !== undefined) };
  if (typeof v === 'object') return { M: marshallRecord(v) };
  return undefined;
}

/** DynamoDB's attribute values to plain values (the small part of util-dynamodb the page log needs). */
export function unmarshall(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromAttr(v);
  return out;
}

function fromAttr(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.L !== undefined) return v.L.map(fromAttr);
  if (v.M !== undefined) return unmarshall(v.M);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  return undefined;
}
