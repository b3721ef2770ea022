// Test set-up for code that calls AWS through the SDK's clients mocked by aws-sdk-client-mock: errors shaped
// as the SDK throws them, and DynamoDB's tables in memory with conditional puts honoured.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
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
 * (`day` + `sk`), GetItem, PutItem with `attribute_not_exists` and version conditions, prefix Scan.
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
    if (cond?.startsWith('attribute_not_exists') && existing)
      throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
    if (cond?.startsWith('#v = :v') && existing?.version?.N !== input.ExpressionAttributeValues[':v'].N)
      throw new ConditionalCheckFailedException({ message: 'version', $metadata: {} });
    t.set(key, input.Item);
    return {};
  });
  ddbMock.on(ScanCommand).callsFake((input) => ({
    Items: [...table(input.TableName).values()].filter((i) =>
      i.key?.S?.startsWith(input.ExpressionAttributeValues[':p'].S),
    ),
  }));
  return { items: (name: string) => [...table(name).values()] };
}
