// The page log in DynamoDB: its key schema (the home stack's table takes its key names from here), the
// mapping of a PageLogRecord (and a ResponseRecord: ack, note, drill) to an item and back, the writes and
// `depmon timeline`'s read. Append only: every write is a PutItem conditional on its key not existing (the
// writer roles may do nothing else, infra/home-stack.ts), so nothing written is ever changed or removed.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { PageLogRecord, ResponseRecord } from '#shared/pages';
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
  await putOnce(ddb, table, { ...pageLogKey(record), ...marshallRecord(record) }, retry);
}

/** The partition of used ack tokens: one item per token id, so a second use fails its conditional write. */
export const USED_TOKEN_PARTITION = 'ack-token';

/** Writes an item once; false when its key is taken (a replay, or a retried write that already landed). */
async function putOnce(
  ddb: DynamoDBClient,
  table: string,
  item: Record<string, AttributeValue>,
  retry: Retrier,
): Promise<boolean> {
  return retry('dynamodb:PutItem', async () => {
    try {
      await ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': PAGE_LOG_KEY.sort },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  });
}

/** Writes an ack, note or drill (conditional on its key, like every page log write). */
export async function writeResponse(
  ddb: DynamoDBClient,
  table: string,
  record: ResponseRecord,
  retry: Retrier = once,
): Promise<boolean> {
  return putOnce(ddb, table, { ...pageLogKey(record), ...marshallRecord(record) }, retry);
}

/**
 * Marks an ack token used: true the first time, false for a token already used (a replay). The record of
 * use stays in the page log: who used which token for which incident, and when.
 */
export async function useAckToken(
  ddb: DynamoDBClient,
  table: string,
  use: { readonly tokenId: string; readonly incident: string; readonly at: string },
  retry: Retrier = once,
): Promise<boolean> {
  const item = {
    [PAGE_LOG_KEY.partition]: { S: USED_TOKEN_PARTITION },
    [PAGE_LOG_KEY.sort]: { S: `token#${use.tokenId}` },
    incident: { S: use.incident },
    at: { S: use.at },
  };
  return putOnce(ddb, table, item, retry);
}

/** The partition of vendor webhook events already recorded: one item per vendor and event id. */
export const USED_VENDOR_EVENT_PARTITION = 'vendor-event';

/**
 * Marks a vendor webhook event recorded: true the first time, false for an event already seen (a vendor's
 * retry or a replayed request), the same conditional write as an ack token's.
 */
export async function useVendorEvent(
  ddb: DynamoDBClient,
  table: string,
  use: { readonly via: string; readonly eventId: string; readonly incident: string; readonly at: string },
  retry: Retrier = once,
): Promise<boolean> {
  const item = {
    [PAGE_LOG_KEY.partition]: { S: USED_VENDOR_EVENT_PARTITION },
    [PAGE_LOG_KEY.sort]: { S: `${use.via}#${use.eventId}` },
    incident: { S: use.incident },
    at: { S: use.at },
  };
  return putOnce(ddb, table, item, retry);
}

/** Every page record whose `at` is in [from, to]: one Query per UTC day partition, paginated. */
export async function queryPageLog(
  ddb: DynamoDBClient,
  table: string,
  window: { readonly from: Date; readonly to: Date },
  retry: Retrier = once,
): Promise<PageLogRecord[]> {
  return (await queryPageLogEntries(ddb, table, window, retry)).pages;
}

/** Every page and response record whose `at` is in [from, to]. */
export async function queryPageLogEntries(
  ddb: DynamoDBClient,
  table: string,
  window: { readonly from: Date; readonly to: Date },
  retry: Retrier = once,
): Promise<{ pages: PageLogRecord[]; responses: ResponseRecord[] }> {
  const pages: PageLogRecord[] = [];
  const responses: ResponseRecord[] = [];
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
        const response = responseFromItem(item);
        const record = response ? undefined : recordFromItem(item);
        if (response) responses.push(response);
        else if (record) pages.push(record);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return { pages, responses };
}

/** An item back to its response record; undefined for any other item. */
export function responseFromItem(item: Record<string, AttributeValue>): ResponseRecord | undefined {
  if (item.type?.S !== 'response') return undefined;
  const r = unmarshall(item) as unknown as ResponseRecord;
  return typeof r.at === 'string' && typeof r.kind === 'string' && typeof r.by === 'string' ? r : undefined;
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
