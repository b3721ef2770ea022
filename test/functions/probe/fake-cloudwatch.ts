// A stand-in for CloudWatch's PutMetricData on 127.0.0.1, speaking AWS JSON 1.0 in query-compatible mode as the
// pinned SDK client does and as depmon's own signed request must: it checks each request's SigV4 signature over
// the bytes sent (helpers/sigv4.ts), gunzips a compressed body, parses it as CloudWatch would (protocol headers,
// PutMetricData's limits, the datum's fields), records it and answers as the test scripts it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { CloudWatchTarget } from '#aws/metrics';
import { checkSignature } from '../../helpers/sigv4.ts';

export interface RecordedRequest {
  readonly target: string;
  readonly body: { Namespace?: string; MetricData?: Array<Record<string, unknown>> };
  readonly contentType: string;
  /** `gzip` when the body came compressed. */
  readonly contentEncoding: string | undefined;
  readonly queryMode: string | undefined;
  /** Bytes on the wire, and after gunzip. */
  readonly wireBytes: number;
  readonly jsonBytes: number;
  readonly signatureValid: boolean;
  /** From the signature's credential scope. */
  readonly region: string;
  readonly service: string;
  readonly sessionToken: string | undefined;
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

/** The access keys every fake accepts unless told otherwise. */
export const LOCAL_KEYS: Readonly<Record<string, string>> = { AKIDLOCALTEST: 'local-test-secret' };

/** The home Region's CloudWatch at a fake's address, signed with the key the fakes accept. */
export function localCloudWatch(endpoint: string, timeoutMs?: number): CloudWatchTarget {
  return {
    region: 'ap-northeast-2',
    credentials: async () => ({ accessKeyId: 'AKIDLOCALTEST', secretAccessKey: LOCAL_KEYS.AKIDLOCALTEST! }),
    env: { AWS_ENDPOINT_URL_CLOUDWATCH: endpoint },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
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
  signature: {
    status: 403,
    code: 'SignatureDoesNotMatch',
    type: 'InvalidSignatureException',
    fault: 'Sender',
    message: 'The request signature we calculated does not match the signature you provided.',
  },
} as const;
type ErrorKind = keyof typeof ERRORS;

/** CloudWatch's units (the StandardUnit enum of its API reference). */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Percent',
  'Count',
  'None',
  'Count/Second',
  ...[
    'Bytes',
    'Kilobytes',
    'Megabytes',
    'Gigabytes',
    'Terabytes',
    'Bits',
    'Kilobits',
    'Megabits',
    'Gigabits',
    'Terabits',
  ].flatMap((u) => [u, `${u}/Second`]),
]);

/** What CloudWatch refuses in a PutMetricData body (API reference: limits and the MetricDatum fields); else null. */
export function invalidPutMetricData(body: RecordedRequest['body'], jsonBytes: number): string | null {
  if (jsonBytes > 1_000_000) return `payload of ${jsonBytes} bytes is over 1 MB`;
  if (typeof body.Namespace !== 'string' || body.Namespace === '') return 'Namespace missing';
  const data = body.MetricData;
  if (!Array.isArray(data) || data.length === 0) return 'MetricData missing';
  if (data.length > 1000) return `${data.length} datums, at most 1000`;
  for (const d of data) {
    if (typeof d.MetricName !== 'string' || d.MetricName === '') return 'MetricName missing';
    if (typeof d.Timestamp !== 'number' || !Number.isFinite(d.Timestamp))
      return 'Timestamp is not epoch seconds';
    if (typeof d.Value !== 'number' || !Number.isFinite(d.Value)) return 'Value is not a finite number';
    if (d.Unit !== undefined && !UNITS.has(String(d.Unit))) return `Unit ${String(d.Unit)} unknown`;
    if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60)
      return 'StorageResolution is neither 1 nor 60';
    const dims = d.Dimensions as Array<{ Name?: unknown; Value?: unknown }> | undefined;
    if (dims !== undefined && (!Array.isArray(dims) || dims.length > 30)) return 'Dimensions: at most 30';
    if (dims?.some((x) => typeof x.Name !== 'string' || typeof x.Value !== 'string'))
      return 'Dimension without Name or Value';
  }
  return null;
}

async function record(req: IncomingMessage, keys: Readonly<Record<string, string>>) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const sig = await checkSignature(req, raw, keys);
  const contentEncoding = req.headers['content-encoding'] as string | undefined;
  const json = contentEncoding === 'gzip' ? gunzipSync(raw) : raw;
  const text = json.toString('utf8');
  const rec: RecordedRequest = {
    target: String(req.headers['x-amz-target'] ?? ''),
    body: text ? JSON.parse(text) : {},
    contentType: String(req.headers['content-type'] ?? ''),
    contentEncoding,
    queryMode: req.headers['x-amzn-query-mode'] as string | undefined,
    wireBytes: raw.length,
    jsonBytes: json.length,
    signatureValid: sig.valid,
    region: sig.region,
    service: sig.service,
    sessionToken: req.headers['x-amz-security-token'] as string | undefined,
  };
  return rec;
}

/** The error a well-formed client never causes: a bad signature, a wrong protocol, a body CloudWatch refuses. */
function refusal(rec: RecordedRequest): ErrorKind | null {
  if (!rec.signatureValid || rec.service !== 'monitoring') return 'signature';
  if (rec.contentType !== 'application/x-amz-json-1.0') return 'invalid';
  if (rec.target !== 'GraniteServiceVersion20100801.PutMetricData') return 'invalid';
  return invalidPutMetricData(rec.body, rec.jsonBytes) === null ? null : 'invalid';
}

/** `answer(n)` decides the n-th request's fate (0-based); default: always ok. Ill-formed requests are refused first. */
export async function startFakeCloudWatch(
  answer: (n: number, req: RecordedRequest) => FakeAnswer = () => 'ok',
  keys: Readonly<Record<string, string>> = LOCAL_KEYS,
): Promise<FakeCloudWatch> {
  const requests: RecordedRequest[] = [];
  const stored: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const rec = await record(req, keys);
    const n = requests.length;
    requests.push(rec);
    const a = refusal(rec) ?? answer(n, rec);
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
