// One signed AWS JSON 1.1 call (SigV4 over node:crypto, sent with Node's fetch), for the two reads the probe
// makes beside PutMetricData: SSM GetParameter and Secrets Manager GetSecretValue. Their full SDK clients
// weigh ~90 KB of bundle each for one operation; this is the same request on the wire (test/aws/aws-json.test.ts
// compares it with the SDK's and checks the signature with the SDK's own signer).
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentials, CredentialsProvider } from './credentials.ts';

/** The services read this way: endpoint prefix, SigV4 signing name and the SDK's endpoint variable. */
export const JSON_SERVICES = {
  ssm: { prefix: 'ssm', signingName: 'ssm', endpointEnv: 'AWS_ENDPOINT_URL_SSM', targetPrefix: 'AmazonSSM' },
  secretsmanager: {
    prefix: 'secretsmanager',
    signingName: 'secretsmanager',
    endpointEnv: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    targetPrefix: 'secretsmanager',
  },
} as const;

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

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 (AWS "Create a signed AWS API request"): the headers to send, `authorization` included. */
export function signRequest(request: {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
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

/** Sends one operation; resolves with the parsed answer, rejects with AwsServiceError or a network error. */
export async function awsJsonCall(options: AwsJsonCallOptions): Promise<Record<string, unknown>> {
  const s = JSON_SERVICES[options.service];
  const url = endpointFor(options.service, options.region, options.env);
  const body = JSON.stringify(options.input);
  const headers = signRequest({
    url,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${s.targetPrefix}.${options.operation}`,
    },
    body,
    region: options.region,
    signingName: s.signingName,
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
    // fetch wraps socket errors ("fetch failed"); the system code, as the SDK reports it, is in the cause.
    const cause = (err as { cause?: { code?: string } }).cause;
    const name =
      err instanceof Error && err.name === 'TimeoutError' ? 'TimeoutError' : (cause?.code ?? 'NetworkError');
    throw Object.assign(new Error(`${s.prefix} ${options.operation}: ${name}`), {
      name,
      ...(cause?.code ? { code: cause.code } : {}),
    });
  }
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (res.ok) throw new AwsServiceError('SerializationError', 'the answer is not JSON', res.status);
  }
  if (!res.ok) {
    const message = String(parsed.message ?? parsed.Message ?? '');
    throw new AwsServiceError(errorName(res.headers.get('x-amzn-errortype'), parsed), message, res.status);
  }
  return parsed;
}
