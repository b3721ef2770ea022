// Every AWS endpoint the notify function calls, on 127.0.0.1, for its real bundle in a child process: CloudWatch
// as fake-cloudwatch.ts answers it (alarm states, DescribeAlarms paging and filters, the APIs' limits), DynamoDB
// in memory (the condition and filter expressions notify writes), SNS Publish. `POST /__bench/step` with a
// label starts a step: the parent's `onStep` sets the alarm states for it, and the calls that follow are counted
// under that label. Every call is stamped with wall time (ms), so the busiest second can be counted.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { AlarmState } from '#shared/alarms';
import { answerCloudWatch, type CwCall, type CwState } from './fake-cloudwatch.ts';

type Av = { S?: string; N?: string };
type Item = Record<string, Av>;

export interface StepCalls {
  readonly label: string;
  readonly cloudwatch: CwCall[];
  /** Every other call, as "<service>.<operation>". */
  readonly other: string[];
}

export interface FakeNotifyAws {
  readonly endpoint: string;
  readonly states: Map<string, AlarmState>;
  readonly steps: StepCalls[];
  readonly published: number;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

const keyOf = (item: Item) => item.key?.S ?? `${item.day?.S}|${item.sk?.S}`;
const scalar = (av: Av | undefined) => av?.S ?? av?.N;

interface Expr {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, Av>;
}

/** One term of the expressions notify writes: attribute_not_exists(#a), begins_with(#a, :v), #a = / <> / < :v. */
function term(t: string, item: Item | undefined, e: Expr): boolean {
  const name = (ref: string) => e.names?.[ref] ?? ref;
  let m = /^attribute_not_exists\((#?\w+)\)$/.exec(t);
  if (m) return item?.[name(m[1]!)] === undefined;
  m = /^begins_with\((#?\w+), (:\w+)\)$/.exec(t);
  if (m) return (scalar(item?.[name(m[1]!)]) ?? '').startsWith(scalar(e.values?.[m[2]!]) ?? '');
  m = /^(#?\w+) (=|<>|<) (:\w+)$/.exec(t);
  if (!m) throw new Error(`fake DynamoDB: expression term not understood: ${t}`);
  const a = item?.[name(m[1]!)];
  const b = e.values?.[m[3]!];
  if (m[2] === '<') return a?.N !== undefined && b?.N !== undefined && Number(a.N) < Number(b.N);
  const same = a !== undefined && scalar(a) === scalar(b);
  return m[2] === '=' ? same : !same;
}

/** `A OR B …` or `A AND B …` (notify never mixes the two). */
function holds(expr: string | undefined, item: Item | undefined, e: Expr): boolean {
  if (!expr) return true;
  if (expr.includes(' OR ')) return expr.split(' OR ').some((t) => term(t.trim(), item, e));
  return expr.split(' AND ').every((t) => term(t.trim(), item, e));
}

type DdbInput = {
  TableName: string;
  Key?: Item;
  Item?: Item;
  ConditionExpression?: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, Av>;
};

const CONDITION_FAILED = {
  __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
  message: 'The conditional request failed',
};

function answerDynamo(
  tables: Map<string, Map<string, Item>>,
  op: string,
  input: DdbInput,
): [number, unknown] {
  if (!tables.has(input.TableName)) tables.set(input.TableName, new Map());
  const t = tables.get(input.TableName)!;
  const e = { names: input.ExpressionAttributeNames, values: input.ExpressionAttributeValues } as Expr;
  if (op === 'GetItem') {
    const item = t.get(keyOf(input.Key!));
    return [200, item ? { Item: item } : {}];
  }
  if (op === 'PutItem' || op === 'DeleteItem') {
    const k = keyOf(input.Item ?? input.Key!);
    if (!holds(input.ConditionExpression, t.get(k), e)) return [400, CONDITION_FAILED];
    if (op === 'PutItem') t.set(k, input.Item!);
    else t.delete(k);
    return [200, {}];
  }
  if (op === 'Scan' || op === 'Query') {
    // Query is the page log's read by day: notify only writes it.
    const items = op === 'Scan' ? [...t.values()].filter((i) => holds(input.FilterExpression, i, e)) : [];
    return [200, { Items: items, Count: items.length, ScannedCount: items.length }];
  }
  return [400, { __type: 'UnknownOperationException', message: op }];
}

const PUBLISHED = (n: number) =>
  `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>bench-${n}</MessageId></PublishResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></PublishResponse>`;

export async function startFakeNotifyAws(
  isComposite: (name: string) => boolean,
  onStep: (label: string, states: Map<string, AlarmState>) => void,
): Promise<FakeNotifyAws> {
  const clock = {
    get now() {
      return performance.now();
    },
  };
  const cw: CwState = { states: new Map(), calls: [], clock, isComposite };
  const tables = new Map<string, Map<string, Item>>();
  const steps: StepCalls[] = [{ label: 'before the first step', cloudwatch: cw.calls, other: [] }];
  let published = 0;
  const server = createServer(async (req, res) => {
    const text = await bodyOf(req);
    const step = steps.at(-1)!;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.url?.startsWith('/__bench/step')) {
      onStep(text, cw.states);
      // CloudWatch calls land in `cw.calls`: each step gets its own array.
      const calls: CwCall[] = [];
      cw.calls = calls;
      steps.push({ label: text, cloudwatch: calls, other: [] });
      return send(200, 'text/plain', 'ok');
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const json = ([status, value]: [number, unknown]) =>
      send(status, 'application/x-amz-json-1.0', JSON.stringify(value));
    if (target.startsWith('GraniteServiceVersion20100801.'))
      return json(answerCloudWatch(cw, target.split('.')[1]!, JSON.parse(text || '{}')));
    if (target.startsWith('DynamoDB_20120810.')) {
      const op = target.split('.')[1]!;
      step.other.push(`dynamodb.${op}`);
      return json(answerDynamo(tables, op, JSON.parse(text || '{}') as DdbInput));
    }
    const action = new URLSearchParams(text).get('Action') ?? '?';
    step.other.push(`sns.${action}`);
    if (action !== 'Publish')
      return send(
        400,
        'text/xml',
        '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>',
      );
    published++;
    return send(200, 'text/xml', PUBLISHED(published));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    states: cw.states,
    steps,
    get published() {
      return published;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
