// A stand-in for CloudWatch's PutMetricData on 127.0.0.1, speaking AWS JSON 1.0 as the real SDK does:
// it records every request (gunzipping compressed bodies) and answers each one as the test scripts it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface RecordedRequest {
  readonly target: string;
  readonly body: { Namespace?: string; MetricData?: Array<Record<string, unknown>> };
}

/**
 * `hang` accepts the request and never answers; `stored-server-error` stores the datums and then answers
 * 500, as CloudWatch may when it fails after the write.
 */
export type FakeAnswer = 'ok' | 'throttle' | 'server-error' | 'stored-server-error' | 'invalid' | 'hang';

export interface FakeCloudWatch {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** The requests CloudWatch kept (answered ok, or stored before a 500). */
  readonly stored: RecordedRequest[];
  /** What an alarm reads: the Sum of a metric's stored values for one Dependency. */
  sum(metricName: string, dependency: string): number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

const ERRORS = {
  throttle: {
    status: 400,
    code: 'Throttling',
    type: 'Throttling',
    fault: 'Sender',
    message: 'Rate exceeded',
  },
  'server-error': {
    status: 500,
    code: 'InternalServiceError',
    type: 'InternalServiceFault',
    fault: 'Receiver',
    message: 'Internal failure',
  },
  invalid: {
    status: 400,
    code: 'InvalidParameterValue',
    type: 'InvalidParameterValueException',
    fault: 'Sender',
    message: 'bad value',
  },
} as const;

/** `answer(n)` decides the n-th request's fate (0-based); default: always ok. */
export async function startFakeCloudWatch(
  answer: (n: number, req: RecordedRequest) => FakeAnswer = () => 'ok',
): Promise<FakeCloudWatch> {
  const requests: RecordedRequest[] = [];
  const stored: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const text = (await readBody(req)).toString('utf8');
    const rec: RecordedRequest = {
      target: String(req.headers['x-amz-target'] ?? ''),
      body: text ? JSON.parse(text) : {},
    };
    const n = requests.length;
    requests.push(rec);
    const a = answer(n, rec);
    if (a === 'hang') return;
    if (a === 'ok' || a === 'stored-server-error') stored.push(rec);
    if (a === 'ok') {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
      return;
    }
    const e = ERRORS[a === 'stored-server-error' ? 'server-error' : a];
    res.writeHead(e.status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${e.code};${e.fault}`,
    });
    res.end(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${e.type}`, message: e.message }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stored,
    sum: (metricName, dependency) =>
      stored
        .flatMap((r) => r.body.MetricData ?? [])
        .filter(
          (d) =>
            d.MetricName === metricName &&
            JSON.stringify(d.Dimensions) === JSON.stringify([{ Name: 'Dependency', Value: dependency }]),
        )
        .reduce((n, d) => n + Number(d.Value), 0),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
