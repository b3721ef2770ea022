// Test set-up for code that calls AWS through the SDK's clients mocked by aws-sdk-client-mock: errors shaped
// as the SDK throws them, and DynamoDB's tables in memory with conditional puts honoured.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClientResolvedConfig,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

/** An error as an SDK client throws it: its name is the service's error code. */
export const awsError = (name: string, message: string, httpStatusCode?: number) =>
  Object.assign(new Error(message), {
    name,
    $fault: 'client',
    ...(httpStatusCode ? { $metadata: { httpStatusCode } } : {}),
  });

type Item = Record<string, AttributeValue>;

// biome-ignore lint/suspicious/noExplicitAny: the mock's input and output types are the client's unions.
type DynamoStub = AwsStub<any, any, DynamoDBClientResolvedConfig>;

/**
 * DynamoDB as the notify function uses it, in memory: the state table (key `key`) and the page log
 * (`day` + `sk`), GetItem, PutItem with `attribute_not_exists`, version and lease conditions, DeleteItem
 * conditional on the lease holder, prefix Scan (with the outbox's status filter).
 */
export function inMemoryDynamo(ddbMock: DynamoStub) {
  const tables = new Map<string, Map<string, Item>>();
  const table = (name: string) => {
    if (!tables.has(name)) tables.set(name, new Map());
    return tables.get(name)!;
  };
  const keyOf = (item: Item) => item.key?.S ?? `${item.day?.S}|${item.sk?.S}`;
  ddbMock.on(GetItemCommand).callsFake((input) => {
    const item = table(input.TableName).get(keyOf(input.Key));
    return item ? { Item: item } : {};
  });
  ddbMock.on(PutItemCommand).callsFake((input) => {
    const t = table(input.TableName);
    const key = keyOf(input.Item);
    const existing = t.get(key);
    const cond: string | undefined = input.ConditionExpression;
    const values = input.ExpressionAttributeValues ?? {};
    const leaseFree =
      existing !== undefined &&
      cond?.includes('#u < :now') &&
      (Number(existing.leaseUntil?.N) < Number(values[':now']?.N) || existing.holder?.S === values[':me']?.S);
    if (cond?.startsWith('attribute_not_exists') && existing && !leaseFree)
      throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
    if (cond?.startsWith('#v = :v') && existing?.version?.N !== input.ExpressionAttributeValues[':v'].N)
      throw new ConditionalCheckFailedException({ message: 'version', $metadata: {} });
    t.set(key, input.Item);
    return {};
  });
  ddbMock.on(DeleteItemCommand).callsFake((input) => {
    const t = table(input.TableName);
    const key = keyOf(input.Key);
    const holder = input.ExpressionAttributeValues?.[':me']?.S;
    if (holder !== undefined && t.get(key)?.holder?.S !== holder)
      throw new ConditionalCheckFailedException({ message: 'holder', $metadata: {} });
    t.delete(key);
    return {};
  });
  ddbMock.on(ScanCommand).callsFake((input) => ({
    Items: [...table(input.TableName).values()].filter(
      (i) =>
        i.key?.S?.startsWith(input.ExpressionAttributeValues[':p'].S) &&
        (input.ExpressionAttributeValues[':done'] === undefined || i.status?.S !== 'done'),
    ),
  }));
  return {
    items: (name: string) => [...table(name).values()],
    /** Stores an item as a successful PutItem would (for tests that script some puts themselves). */
    put: (name: string, item: Item) => table(name).set(keyOf(item), item),
  };
}
