// A lease in DynamoDB: one conditional write decides which of several concurrent invocations acts. The
// notify function holds it while it decides and delivers pages, so two ticks (or two deliveries of one
// alarm event) can never both read the same paging state and both send the same page.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Retrier } from './retry.ts';

const once: Retrier = (_action, fn) => fn();

export interface Lease {
  /** The lease item's partition key value. */
  readonly name: string;
  /** Who holds it: unique per invocation. */
  readonly holder: string;
  /** Epoch ms after which another invocation may take it over (the holder is then surely gone). */
  readonly until: number;
}

/**
 * Takes the lease when nobody holds it or the last holder's lease has run out; false when someone else
 * holds it. `keyAttribute` is the table's partition key.
 */
export async function tryAcquireLease(
  ddb: DynamoDBClient,
  table: string,
  keyAttribute: string,
  lease: Lease,
  now: number,
  retry: Retrier = once,
): Promise<boolean> {
  return retry('dynamodb:PutItem', async () => {
    try {
      await ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            [keyAttribute]: { S: lease.name },
            holder: { S: lease.holder },
            leaseUntil: { N: String(lease.until) },
          },
          ConditionExpression: 'attribute_not_exists(#k) OR #u < :now OR #h = :me',
          ExpressionAttributeNames: { '#k': keyAttribute, '#u': 'leaseUntil', '#h': 'holder' },
          ExpressionAttributeValues: { ':now': { N: String(now) }, ':me': { S: lease.holder } },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  });
}

/** Gives the lease back, if this holder still has it (a holder that overran may have lost it). */
export async function releaseLease(
  ddb: DynamoDBClient,
  table: string,
  keyAttribute: string,
  lease: Lease,
  retry: Retrier = once,
): Promise<void> {
  await retry('dynamodb:DeleteItem', async () => {
    try {
      await ddb.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { [keyAttribute]: { S: lease.name } },
          ConditionExpression: '#h = :me',
          ExpressionAttributeNames: { '#h': 'holder' },
          ExpressionAttributeValues: { ':me': { S: lease.holder } },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  });
}
