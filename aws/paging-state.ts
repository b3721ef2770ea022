// The paging state in DynamoDB (partition key `key`): one item per paging alarm, versioned. The same
// table holds the page outbox (aws/outbox.ts) and the notify lease (aws/lease.ts). The notify function's
// PageStateStore.
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

const SUBJECT = 'subject#';

/** A condition ANDed to the key-prefix filter of `scanByPrefix`, with the names and values it uses. */
export interface ScanFilter {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, AttributeValue>>;
}

/**
 * Every item of the state table whose key starts with `prefix` (and passes `and`): a strongly consistent Scan,
 * read to its last page (DynamoDB filters after the read, so a page may be empty with more to come).
 */
export async function scanByPrefix(
  ddb: DynamoDBClient,
  table: string,
  retry: Retrier,
  prefix: string,
  and?: ScanFilter,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await retry('dynamodb:Scan', () =>
      ddb.send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          FilterExpression: and ? `begins_with(#k, :p) AND ${and.expression}` : 'begins_with(#k, :p)',
          ExpressionAttributeNames: { '#k': PAGE_STATE_KEY, ...and?.names },
          ExpressionAttributeValues: { ':p': { S: prefix }, ...and?.values },
          ExclusiveStartKey,
        }),
      ),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * PageStateStore over the state table (partition key `key`). Reads go to DynamoDB; writes are buffered
 * until `flush()`, which the notify function calls right after the decided pages are in the outbox and
 * before any is published: the incident is recorded whatever delivery then does. Each subject carries a
 * version; a concurrent writer (which the notify lease rules out) makes `flush()` throw.
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
    for (const item of await scanByPrefix(this.ddb, this.table, this.retry, SUBJECT)) {
      const s = this.remember(item);
      if (s) found.set(s.alarmName, s);
    }
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
}
