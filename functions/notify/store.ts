// DynamoDB for the notify function: the paging state (one item per paging alarm, versioned), the
// per-record markers that make a retried delivery publish once, and the page log table.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { PageLogRecord, PageStateStore, SubjectState } from '#shared/pages';

/** How long a record marker is kept (days): far longer than Lambda's six-hour async retry window. */
export const MARKER_TTL_DAYS = 30;

const SUBJECT = 'subject#';
const MARKER = 'record#';

/**
 * PageStateStore over the state table (partition key `key`). Reads go to DynamoDB; writes are buffered
 * until `flush()`, which the handler calls only after every page is published, so a failed publish
 * leaves the state as it was and the retried delivery decides the same way. Each subject carries a
 * version; a concurrent writer makes `flush()` throw and the delivery is retried.
 */
export class DynamoPageStateStore implements PageStateStore {
  private readonly versions = new Map<string, number>();
  private readonly pending = new Map<string, SubjectState>();
  /** Subjects read by the first `list()` of this invocation (one store per invocation); later lists reuse them. */
  private scanned?: Map<string, SubjectState>;

  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
  ) {}

  async get(alarmName: string): Promise<SubjectState | undefined> {
    const buffered = this.pending.get(alarmName);
    if (buffered) return buffered;
    const out = await this.ddb.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { key: { S: SUBJECT + alarmName } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.remember(out.Item) : undefined;
  }

  async put(state: SubjectState): Promise<void> {
    this.pending.set(state.alarmName, state);
  }

  async list(): Promise<SubjectState[]> {
    this.scanned ??= await this.scanSubjects();
    const found = new Map(this.scanned);
    for (const [name, s] of this.pending) found.set(name, s);
    return [...found.values()];
  }

  /** Every subject item: a strongly consistent Scan, paginated (the filter applies after the read). */
  private async scanSubjects(): Promise<Map<string, SubjectState>> {
    const found = new Map<string, SubjectState>();
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.ddb.send(
        new ScanCommand({
          TableName: this.table,
          ConsistentRead: true,
          FilterExpression: 'begins_with(#k, :p)',
          ExpressionAttributeNames: { '#k': 'key' },
          ExpressionAttributeValues: { ':p': { S: SUBJECT } },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const s = this.remember(item);
        if (s) found.set(s.alarmName, s);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found;
  }

  /** Writes every buffered state, each conditional on the version it was read at. */
  async flush(): Promise<void> {
    for (const [name, state] of this.pending) {
      const version = this.versions.get(name);
      await this.ddb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            key: { S: SUBJECT + name },
            state: { S: JSON.stringify(state) },
            version: { N: String((version ?? 0) + 1) },
          },
          ...(version === undefined
            ? { ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'key' } }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':v': { N: String(version) } },
              }),
        }),
      );
      this.versions.set(name, (version ?? 0) + 1);
    }
    this.pending.clear();
  }

  private remember(item: Record<string, AttributeValue>): SubjectState | undefined {
    const raw = item.state?.S;
    if (!raw) return undefined;
    const s = JSON.parse(raw) as SubjectState;
    this.versions.set(s.alarmName, Number(item.version?.N ?? '0'));
    return s;
  }

  /** The marker of a record already handled (published and logged), if any. */
  async marker(recordId: string): Promise<{ messageId?: string } | undefined> {
    const out = await this.ddb.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { key: { S: MARKER + recordId } },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return out.Item.messageId?.S ? { messageId: out.Item.messageId.S } : {};
  }

  async putMarker(recordId: string, now: Date, messageId?: string): Promise<void> {
    await this.ddb.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          key: { S: MARKER + recordId },
          expiresAt: { N: String(Math.floor(now.getTime() / 1000) + MARKER_TTL_DAYS * 86_400) },
          ...(messageId ? { messageId: { S: messageId } } : {}),
        },
      }),
    );
  }
}

/**
 * Writes a page log record: partition `day` (UTC date of `at`), sort key `sk` = `<at>#<id>`, so
 * `depmon timeline` reads a time range with one Query per day. Conditional, so a record is written once.
 */
export async function writePageLog(ddb: DynamoDBClient, table: string, record: PageLogRecord): Promise<void> {
  const item = marshallRecord(record);
  try {
    await ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: { day: { S: record.at.slice(0, 10) }, sk: { S: `${record.at}#${record.id}` }, ...item },
        ConditionExpression: 'attribute_not_exists(sk)',
      }),
    );
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return;
    throw e;
  }
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
