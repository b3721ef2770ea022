// The page outbox in the paging-state table: every page record the paging core decides is written here
// (conditional on its id, the idempotency key of one incident transition per route) before anything is
// published, and the paging state is written right after it. Delivery then works through the pending items;
// a retried invocation finds a record already present and never adds or sends it again.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { PageLogRecord } from '#shared/pages';
import { PAGE_STATE_KEY, PAGE_STATE_TTL_ATTRIBUTE, scanByPrefix } from './paging-state.ts';
import type { Retrier } from './retry.ts';

const once: Retrier = (_action, fn) => fn();

const OUTBOX = 'outbox#';

/** How long an outbox item is kept (days): far longer than Lambda's six-hour async retry window. */
export const OUTBOX_TTL_DAYS = 30;

/**
 * - `pending`: decided, not yet published (sent records) or logged (held records);
 * - `published`: SNS accepted it (on its route or, failing that, another route's topic); its page-log
 *   record may still be due;
 * - `done`: published (or held) and in the page log.
 */
export type OutboxStatus = 'pending' | 'published' | 'done';

export interface OutboxItem {
  readonly record: PageLogRecord;
  readonly status: OutboxStatus;
  /** Order of decision: a route's pages go out in this order (a resolved never before its page). */
  readonly seq: number;
}

export class PageOutbox {
  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
    private readonly retry: Retrier = once,
  ) {}

  /**
   * Adds each record not already in the outbox, as pending; returns the ones added. A record already
   * present (a retried or repeated delivery decided it before) is left as it is.
   */
  async add(records: readonly PageLogRecord[], now: Date): Promise<PageLogRecord[]> {
    const added: PageLogRecord[] = [];
    for (const [i, record] of records.entries()) {
      const item: OutboxItem = { record, status: 'pending', seq: now.getTime() * 1000 + i };
      const fresh = await this.retry('dynamodb:PutItem', async () => {
        try {
          await this.ddb.send(
            new PutItemCommand({
              TableName: this.table,
              Item: this.toItem(item, now),
              ConditionExpression: 'attribute_not_exists(#k)',
              ExpressionAttributeNames: { '#k': PAGE_STATE_KEY },
            }),
          );
          return true;
        } catch (e) {
          if (e instanceof ConditionalCheckFailedException) return false;
          throw e;
        }
      });
      if (fresh) added.push(record);
    }
    return added;
  }

  /** Moves an item on (the record may carry what delivery added: topic ARN, MessageId). */
  async set(item: OutboxItem, now: Date): Promise<void> {
    await this.retry('dynamodb:PutItem', () =>
      this.ddb.send(new PutItemCommand({ TableName: this.table, Item: this.toItem(item, now) })),
    );
  }

  /** Every item not yet done, oldest decision first (a strongly consistent, paginated Scan). */
  async undone(): Promise<OutboxItem[]> {
    const out: OutboxItem[] = [];
    const notDone = {
      expression: '#s <> :done',
      names: { '#s': 'status' },
      values: { ':done': { S: 'done' } },
    };
    for (const item of await scanByPrefix(this.ddb, this.table, this.retry, OUTBOX, notDone)) {
      const parsed = fromItem(item);
      if (parsed && parsed.status !== 'done') out.push(parsed);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  private toItem(item: OutboxItem, now: Date): Record<string, AttributeValue> {
    return {
      [PAGE_STATE_KEY]: { S: OUTBOX + item.record.id },
      status: { S: item.status },
      seq: { N: String(item.seq) },
      // A done item only has to be found by id (deduplication); its record is in the page log.
      ...(item.status === 'done' ? {} : { record: { S: JSON.stringify(item.record) } }),
      [PAGE_STATE_TTL_ATTRIBUTE]: {
        N: String(Math.floor(now.getTime() / 1000) + OUTBOX_TTL_DAYS * 86_400),
      },
    };
  }
}

function fromItem(item: Record<string, AttributeValue>): OutboxItem | undefined {
  const raw = item.record?.S;
  const status = item.status?.S as OutboxStatus | undefined;
  if (!raw || !status) return undefined;
  return { record: JSON.parse(raw) as PageLogRecord, status, seq: Number(item.seq?.N ?? '0') };
}
