// One signed AWS JSON call (SigV4 over node:crypto, sent with Node's fetch), for the three operations the probe
// makes: SSM GetParameter and Secrets Manager GetSecretValue (AWS JSON 1.1), and CloudWatch PutMetricData (AWS
// JSON 1.0 in query-compatible mode, the protocol of the pinned @aws-sdk/client-cloudwatch). Their SDK clients
// weigh ~90 KB of bundle each, and the Smithy runtime under them ~130 KB more, for one operation each; this is
// the same request on the wire (test/aws/aws-json.test.ts and test/aws/metrics.test.ts compare it with the SDK's
// and check the signature with the SDK's own signer).
import { createHash, createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { AwsCredentials, CredentialsProvider } from './credentials.ts';

const gzipAsync = promisify(gzip);

/**
 * CloudWatch's modelled errors by their AWS Query code (the `awsQueryError` traits of its Smithy model, as in
 * the pinned client's schemas): in query-compatible mode the SDK names an error by this code, mapped to the
 * modelled error's name when there is one.
 */
const CLOUDWATCH_QUERY_ERRORS: Readonly<Record<string, string>> = {
  InternalServiceError: 'InternalServiceFault',
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidFormat: 'InvalidFormatFault',
  InvalidNextToken: 'InvalidNextToken',
  LimitExceeded: 'LimitExceededFault',
  ResourceNotFound: 'ResourceNotFound',
  ResourceConflict: 'ResourceConflict',
};

interface JsonServiceSpec {
  /** Endpoint host prefix (`ssm` in ssm.REGION.amazonaws.com). */
  readonly prefix: string;
  readonly signingName: string;
  /** AWS_ENDPOINT_URL_<SERVICE>, as the SDK reads it. */
  readonly endpointEnv: string;
  /** The x-amz-target's service part. */
  readonly targetPrefix: string;
  /** AWS JSON protocol version: the content type's suffix. */
  readonly jsonVersion: '1.0' | '1.1';
  /** AWS Query-compatible: send `x-amzn-query-mode`, name errors by `x-amzn-query-error` (codes → modelled names). */
  readonly queryErrors?: Readonly<Record<string, string>>;
}

/** The services called this way: endpoint prefix, SigV4 signing name, the SDK's endpoint variable, protocol. */
export const JSON_SERVICES = {
  ssm: {
    prefix: 'ssm',
    signingName: 'ssm',
    endpointEnv: 'AWS_ENDPOINT_URL_SSM',
    targetPrefix: 'AmazonSSM',
    jsonVersion: '1.1',
  },
  secretsmanager: {
    prefix: 'secretsmanager',
    signingName: 'secretsmanager',
    endpointEnv: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
  },
  cloudwatch: {
    prefix: 'monitoring',
    signingName: 'monitoring',
    endpointEnv: 'AWS_ENDPOINT_URL_CLOUDWATCH',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    queryErrors: CLOUDWATCH_QUERY_ERRORS,
  },
} as const satisfies Record<string, JsonServiceSpec>;

export type JsonService = keyof typeof JSON_SERVICES;

/** A request that has not answered within this fails (and may be retried: these reads are idempotent). */
export const AWS_JSON_TIMEOUT_MS = 5_000;

export interface AwsJsonCallOptions {
  readonly service: JsonService;
  readonly region: string;
  /** Operation name, e.g. `GetParameter`. */
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly credentials: CredentialsProvider;
  /** For AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL, as the SDK reads them. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default AWS_JSON_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default new Date() */
  readonly now?: () => Date;
  /** Gzip a body of at least this many bytes (operations AWS models with `requestCompression`). @default never */
  readonly gzipFromBytes?: number;
}

/** An AWS error answer, shaped like the SDK's (`name`, `$metadata.httpStatusCode`), so aws/errors.ts reads it alike. */
export class AwsServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  constructor(name: string, message: string, status: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** The endpoint the SDK would use: the service's variable, then AWS_ENDPOINT_URL, then the Region's public one. */
export function endpointFor(
  service: JsonService,
  region: string,
  env: Readonly<Record<string, string | undefined>> = {},
): URL {
  const s = JSON_SERVICES[service];
  const configured = env[s.endpointEnv] || env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${s.prefix}.${region}.${suffix}/`);
}

const sha256Hex = (data: string | Uint8Array) =>
  (typeof data === 'string'
    ? createHash('sha256').update(data, 'utf8')
    : createHash('sha256').update(data)
  ).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 (AWS "Create a signed AWS API request"): the headers to send, `authorization` included. */
export function signRequest(request: {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  readonly region: string;
  readonly signingName: string;
  readonly credentials: AwsCredentials;
  readonly date: Date;
}): Record<string, string> {
  const { url, body, region, signingName, credentials } = request;
  const amzDate = request.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    host: url.host,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    'POST',
    url.pathname || '/',
    '',
    ...names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders,
    sha256Hex(body),
  ].join('\n');
  const scope = `${day}/${region}/${signingName}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), signingName),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const { host: _host, ...send } = headers; // fetch sets Host itself, from the same URL
  return {
    ...send,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** The error's name from an AWS JSON error answer (`x-amzn-errortype` or `__type`, namespace and suffix dropped). */
export function errorName(header: string | null, body: Record<string, unknown>): string {
  const raw = header || String(body.__type ?? body.code ?? '') || 'UnknownError';
  return raw.split(':')[0]!.split('#').pop()!;
}

/**
 * The name the SDK gives an error of a query-compatible service: the code in `x-amzn-query-error` (`Code;Fault`)
 * first, as the modelled error it stands for; else as errorName reads it.
 */
export function queryCompatibleErrorName(
  queryError: string | null,
  header: string | null,
  body: Record<string, unknown>,
  codes: Readonly<Record<string, string>>,
): string {
  const code = queryError?.split(';')[0];
  if (!code) return errorName(header, body);
  return codes[code] ?? code;
}

/** The request's body and headers: JSON, gzipped when the operation allows it and the body is large enough. */
async function encode(
  spec: JsonServiceSpec,
  options: AwsJsonCallOptions,
): Promise<{ body: string | Uint8Array; headers: Record<string, string> }> {
  const json = JSON.stringify(options.input);
  const headers: Record<string, string> = {
    'content-type': `application/x-amz-json-${spec.jsonVersion}`,
    'x-amz-target': `${spec.targetPrefix}.${options.operation}`,
    ...(spec.queryErrors ? { 'x-amzn-query-mode': 'true' } : {}),
  };
  const bytes = Buffer.byteLength(json, 'utf8');
  if (options.gzipFromBytes === undefined || bytes < options.gzipFromBytes) return { body: json, headers };
  return { body: new Uint8Array(await gzipAsync(json)), headers: { ...headers, 'content-encoding': 'gzip' } };
}

/** A failure before any answer, named as the SDK names it: `TimeoutError`, or the socket's code (`ECONNREFUSED`). */
function networkError(spec: JsonServiceSpec, operation: string, err: unknown): Error {
  // fetch wraps socket errors ("fetch failed"); the system code, as the SDK reports it, is in the cause.
  const timedOut = err instanceof Error && err.name === 'TimeoutError';
  // The SDK's own timeout error carries ETIMEDOUT too.
  const code = timedOut ? 'ETIMEDOUT' : (err as { cause?: { code?: string } }).cause?.code;
  const name = timedOut ? 'TimeoutError' : (code ?? 'NetworkError');
  return Object.assign(new Error(`${spec.prefix} ${operation}: ${name}`), {
    name,
    ...(code ? { code } : {}),
  });
}

/**
 * An answer's JSON body (`{}` when empty). A successful answer that is not JSON is a SerializationError; an
 * error answer that is not JSON reads as `{}`, so its status and headers still name the error.
 */
export async function jsonBody(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (res.ok) throw new AwsServiceError('SerializationError', 'the answer is not JSON', res.status);
    return {};
  }
}

/** The parsed answer, or the AwsServiceError it carries. */
async function readAnswer(spec: JsonServiceSpec, res: Response): Promise<Record<string, unknown>> {
  const parsed = await jsonBody(res);
  if (res.ok) return parsed;
  const header = res.headers.get('x-amzn-errortype');
  const name = spec.queryErrors
    ? queryCompatibleErrorName(res.headers.get('x-amzn-query-error'), header, parsed, spec.queryErrors)
    : errorName(header, parsed);
  throw new AwsServiceError(name, String(parsed.message ?? parsed.Message ?? ''), res.status);
}

/** Sends one operation; resolves with the parsed answer, rejects with AwsServiceError or a network error. */
export async function awsJsonCall(options: AwsJsonCallOptions): Promise<Record<string, unknown>> {
  const spec: JsonServiceSpec = JSON_SERVICES[options.service];
  const url = endpointFor(options.service, options.region, options.env);
  const { body, headers: unsigned } = await encode(spec, options);
  const headers = signRequest({
    url,
    headers: unsigned,
    body,
    region: options.region,
    signingName: spec.signingName,
    credentials: await options.credentials(),
    date: options.now?.() ?? new Date(),
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? AWS_JSON_TIMEOUT_MS),
    });
  } catch (err) {
    throw networkError(spec, options.operation, err);
  }
  try {
    return await readAnswer(spec, res);
  } catch (err) {
    // The answer's body can time out or break too, after its status arrived.
    if (err instanceof AwsServiceError) throw err;
    throw networkError(spec, options.operation, err);
  }
}
