// The notify function's inbox: alarm messages waiting for the paging lease, one item each in the state table
// (key `inbox#<hash of alarm, new state and change time>`). Every alarm invocation writes its message here
// first; the lease holder decides every message in the inbox with one read of the alarm states and deletes
// them only after the pages are in the outbox and the paging state is written. An invocation whose message
// is gone was decided by a holder's read that began after the message arrived: it returns without reading.
import { createHash } from 'node:crypto';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AlarmStateChangeMessage } from '#shared/pages';
import { PAGE_STATE_KEY, PAGE_STATE_TTL_ATTRIBUTE, scanByPrefix } from './paging-state.ts';
import type { Retrier } from './retry.ts';

const once: Retrier = (_action, fn) => fn();

export const INBOX_PREFIX = 'inbox#';
/** An inbox item is kept this long at most (days): far past every tick that would decide it. */
export const INBOX_TTL_DAYS = 7;

export interface InboxEntry {
  readonly key: string;
  readonly message: AlarmStateChangeMessage;
}

/** One key per alarm transition: two deliveries of one SNS message share it. */
export function inboxKey(m: AlarmStateChangeMessage): string {
  const id = `${m.AlarmName}|${m.NewStateValue}|${m.StateChangeTime}`;
  return INBOX_PREFIX + createHash('sha256').update(id).digest('hex').slice(0, 32);
}

export class AlarmInbox {
  constructor(
    private readonly ddb: DynamoDBClient,
    private readonly table: string,
    private readonly retry: Retrier = once,
  ) {}

  /** Stores the messages (writing one twice stores it once); their keys. */
  async put(messages: readonly AlarmStateChangeMessage[], now: Date): Promise<string[]> {
    const expires = Math.floor(now.getTime() / 1000) + INBOX_TTL_DAYS * 86_400;
    const keys: string[] = [];
    for (const message of messages) {
      const key = inboxKey(message);
      await this.retry('dynamodb:PutItem', () =>
        this.ddb.send(
          new PutItemCommand({
            TableName: this.table,
            Item: {
              [PAGE_STATE_KEY]: { S: key },
              message: { S: JSON.stringify(message) },
              [PAGE_STATE_TTL_ATTRIBUTE]: { N: String(expires) },
            },
          }),
        ),
      );
      keys.push(key);
    }
    return keys;
  }

  /** Every message waiting, oldest state change first. */
  async list(): Promise<InboxEntry[]> {
    const items = await scanByPrefix(this.ddb, this.table, this.retry, INBOX_PREFIX);
    const out: InboxEntry[] = [];
    for (const item of items) {
      const key = item[PAGE_STATE_KEY]?.S;
      const raw = item.message?.S;
      if (key && raw) out.push({ key, message: JSON.parse(raw) as AlarmStateChangeMessage });
    }
    const at = (e: InboxEntry) => Date.parse(e.message.StateChangeTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    return out.sort((a, b) => at(a) - at(b) || a.key.localeCompare(b.key));
  }

  /** Whether any of `keys` is still waiting (strongly consistent reads). */
  async holdsAny(keys: readonly string[]): Promise<boolean> {
    for (const key of keys) {
      const out = await this.retry('dynamodb:GetItem', () =>
        this.ddb.send(
          new GetItemCommand({
            TableName: this.table,
            Key: { [PAGE_STATE_KEY]: { S: key } },
            ConsistentRead: true,
          }),
        ),
      );
      if (out.Item) return true;
    }
    return false;
  }

  /** Deletes decided messages: call only once their pages are in the outbox and the paging state is written. */
  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys)
      await this.retry('dynamodb:DeleteItem', () =>
        this.ddb.send(
          new DeleteItemCommand({ TableName: this.table, Key: { [PAGE_STATE_KEY]: { S: key } } }),
        ),
      );
  }
}
