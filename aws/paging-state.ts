// The paging state in DynamoDB (partition key `key`): one item per paging alarm, versioned, and the
// per-record markers that make a retried delivery publish once. The notify function's PageStateStore.
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { PageStateStore, SubjectState } from '#shared/pages';
import type { Retrier } from './retry.ts';

/** The state table's partition key and its time-to-live attribute, as the home stack declares them. */
export const PAGE_STATE_KEY = 'key';
export const PAGE_STATE_TTL_ATTRIBUTE = 'expiresAt';

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
    private readonly retry: Retrier = (_action, fn) => fn(),
  ) {}

  async get(alarmName: string): Promise<SubjectState | undefined> {
    const buffered = this.pending.get(alarmName);
    if (buffered) return buffered;
    const out = await this.retry('dynamodb:GetItem', () =>
      this.ddb.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { [PAGE_STATE_KEY]: { S: SUBJECT + alarmName } },
          ConsistentRead: true,
        }),
      ),
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
      const page = await this.retry('dynamodb:Scan', () =>
        this.ddb.send(
          new ScanCommand({
            TableName: this.table,
            ConsistentRead: true,
            FilterExpression: 'begins_with(#k, :p)',
            ExpressionAttributeNames: { '#k': PAGE_STATE_KEY },
            ExpressionAttributeValues: { ':p': { S: SUBJECT } },
            ExclusiveStartKey,
          }),
        ),
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
      await this.retry('dynamodb:PutItem', () =>
        this.ddb.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              [PAGE_STATE_KEY]: { S: SUBJECT + name },
              state: { S: JSON.stringify(state) },
              version: { N: String((version ?? 0) + 1) },
            },
            ...(version === undefined
              ? {
                  ConditionExpression: 'attribute_not_exists(#k)',
                  ExpressionAttributeNames: { '#k': PAGE_STATE_KEY },
                }
              : {
                  ConditionExpression: '#v = :v',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':v': { N: String(version) } },
                }),
          }),
        ),
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
    const out = await this.retry('dynamodb:GetItem', () =>
      this.ddb.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { [PAGE_STATE_KEY]: { S: MARKER + recordId } },
          ConsistentRead: true,
        }),
      ),
    );
    if (!out.Item) return undefined;
    return out.Item.messageId?.S ? { messageId: out.Item.messageId.S } : {};
  }

  async putMarker(recordId: string, now: Date, messageId?: string): Promise<void> {
    await this.retry('dynamodb:PutItem', () =>
      this.ddb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            [PAGE_STATE_KEY]: { S: MARKER + recordId },
            [PAGE_STATE_TTL_ATTRIBUTE]: {
              N: String(Math.floor(now.getTime() / 1000) + MARKER_TTL_DAYS * 86_400),
            },
            ...(messageId ? { messageId: { S: messageId } } : {}),
          },
        }),
      ),
    );
  }
}
