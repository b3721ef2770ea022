// A stand-in for the three AWS services the notify (and ack) function calls, on 127.0.0.1, speaking each one's
// wire protocol as the real SDK v3 clients do: CloudWatch and DynamoDB (AWS JSON 1.0), SNS (AWS Query).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { downByAlarm, type StatusQuery, statusVotes } from '../../../bench/lib/fake-cloudwatch.ts';

export interface FakeAws {
  readonly endpoint: string;
  /** Every call as "<service>.<operation>". */
  readonly calls: string[];
  /** SNS Publish requests, form fields decoded. */
  readonly published: Record<string, string>[];
  /** DynamoDB items by table, then key. */
  readonly tables: Map<string, Map<string, Record<string, unknown>>>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

type Item = Record<string, { S?: string }>;
const keyOf = (item: Item) => item.key?.S ?? `${item.day?.S}|${item.sk?.S}`;

/** `hangSns`: SNS accepts every connection and never answers (a hung endpoint). */
export async function startFakeAws(
  alarmStates: Record<string, string>,
  options: { readonly hangSns?: boolean } = {},
): Promise<FakeAws> {
  const calls: string[] = [];
  const published: Record<string, string>[] = [];
  const tables = new Map<string, Map<string, Record<string, unknown>>>();
  const table = (n: string) => {
    if (!tables.has(n)) tables.set(n, new Map());
    return tables.get(n)!;
  };
  const server = createServer(async (req, res) => {
    const text = await body(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(value));
    };
    if (target.startsWith('GraniteServiceVersion20100801.')) {
      const op = target.split('.')[1]!;
      calls.push(`cloudwatch.${op}`);
      if (op === 'DescribeAlarms') {
        const all = Object.entries(alarmStates).map(([AlarmName, StateValue]) => ({ AlarmName, StateValue }));
        return json(200, {
          MetricAlarms: all.filter((a) => a.AlarmName.includes('-down-')),
          CompositeAlarms: all.filter((a) => !a.AlarmName.includes('-down-')),
        });
      }
      if (op === 'GetMetricData') {
        const input = JSON.parse(text) as { MetricDataQueries: StatusQuery[]; EndTime: number };
        const isDown = downByAlarm(new Map(Object.entries(alarmStates)));
        return json(200, {
          MetricDataResults: input.MetricDataQueries.map((q) => {
            // The votes for core's evidence: every region sees a dependency down exactly when its alarm is.
            const votes = statusVotes(q, input.EndTime * 1000, isDown);
            if (votes)
              return { ...votes, StatusCode: 'Complete', Timestamps: votes.Timestamps.map((t) => t / 1000) };
            return {
              Id: q.Id,
              Label: q.Id,
              StatusCode: 'Complete',
              // CloudWatch stamps each period with its start: the last minute that ended by the query's end
              // (the caller's clock, not this server's: a minute may turn between the two).
              Timestamps: [Math.floor(input.EndTime / 60) * 60 - 60],
              // The Status Sum of two down votes.
              Values: [2000],
            };
          }),
        });
      }
      return json(400, { __type: 'InvalidAction', message: op });
    }
    if (target.startsWith('DynamoDB_20120810.')) {
      const op = target.split('.')[1]!;
      calls.push(`dynamodb.${op}`);
      const input = JSON.parse(text) as {
        TableName: string;
        Key?: Item;
        Item?: Item;
        ConditionExpression?: string;
      };
      const t = table(input.TableName);
      if (op === 'GetItem') {
        const item = t.get(keyOf(input.Key!));
        return json(200, item ? { Item: item } : {});
      }
      if (op === 'PutItem') {
        const k = keyOf(input.Item!);
        if (input.ConditionExpression?.startsWith('attribute_not_exists') && t.has(k)) {
          return json(400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
            message: 'The conditional request failed',
          });
        }
        t.set(k, input.Item!);
        return json(200, {});
      }
      if (op === 'DeleteItem') {
        t.delete(keyOf(input.Key!));
        return json(200, {});
      }
      if (op === 'Query') {
        // The page log's one query shape (aws/page-log.ts): a day partition, a sort key range.
        const v = (JSON.parse(text) as { ExpressionAttributeValues: Item }).ExpressionAttributeValues;
        const [day, lo, hi] = [v[':day']?.S, v[':lo']?.S ?? '', v[':hi']?.S ?? ''];
        const items = [...t.values()].filter((i) => {
          const { day: d, sk } = i as Item;
          return d?.S === day && (sk?.S ?? '') >= lo && (sk?.S ?? '') <= hi;
        });
        return json(200, { Items: items, Count: items.length, ScannedCount: items.length });
      }
      if (op === 'Scan') {
        const items = [...t.values()];
        return json(200, { Items: items, Count: items.length, ScannedCount: items.length });
      }
      return json(400, { __type: 'UnknownOperationException', message: op });
    }
    const form = Object.fromEntries(new URLSearchParams(text));
    calls.push(`sns.${form.Action}`);
    if (options.hangSns) return;
    if (form.Action === 'Publish') {
      published.push(form);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>fake-${published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    res.writeHead(400, { 'content-type': 'text/xml' });
    res.end(
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>unknown</Message></Error></ErrorResponse>',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    published,
    tables,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
