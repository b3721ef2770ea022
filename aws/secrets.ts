// Secret references resolved at run time: `${secretsmanager:…}` and `${ssm:…}` read from AWS with a TTL
// cache and the one backoff, `${env:…}` from the environment. Error messages name the reference, never a value.
// The reads are single signed requests (aws-json.ts), not the SSM and Secrets Manager SDK clients: the same
// two operations for ~170 KB less in the probe bundle.
import type { SecretRef, SecretResolver } from '#shared/config';
import { awsJsonCall, type JsonService } from './aws-json.ts';
import { type CredentialsProvider, envCredentials } from './credentials.ts';
import { describeError, isRetryable } from './errors.ts';
import { type RetryPolicy, retry } from './retry.ts';

/** Five minutes: a rotated secret is picked up within one alarm evaluation window, at ~1 read per 5 rounds. */
export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

export interface AwsSecretResolverOptions {
  /** The probe Region: names (not ARNs) resolve here. */
  readonly region: string;
  /** @default DEFAULT_SECRET_TTL_MS */
  readonly ttlMs?: number;
  /** For `${env:…}`, and the AWS_ENDPOINT_URL_* variables the SDK would honour. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default envCredentials(env): in Lambda, the function role's credentials */
  readonly credentials?: CredentialsProvider;
  /** Milliseconds per request. @default AWS_JSON_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  /** @default SECRET_READ_RETRY */
  readonly retry?: RetryPolicy;
  /** Backoff wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Three attempts, as the SDK's standard mode makes. */
export const SECRET_READ_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

/** The Region inside an ARN (`arn:aws:secretsmanager:REGION:…`), if the name is one. */
export function arnRegion(nameOrArn: string): string | undefined {
  if (!nameOrArn.startsWith('arn:')) return undefined;
  return nameOrArn.split(':')[3] || undefined;
}

/** A SecretResolver over Secrets Manager and SSM Parameter Store, values cached. */
export function createAwsSecretResolver(options: AwsSecretResolverOptions): SecretResolver {
  const env = options.env ?? {};
  const readCached = cachedReader(options, awsReader(options));
  return {
    async resolve(ref) {
      if (ref.source === 'env') {
        const v = env[ref.name];
        if (v === undefined || v === '')
          throw new Error(
            `secret ${ref.raw}: environment variable ${ref.name} is not set in the probe function`,
          );
        return v;
      }
      let raw: string;
      try {
        raw = await readCached(ref);
      } catch (err) {
        // SDK messages may quote request details; the error's name and status are enough to act on.
        const what =
          err instanceof Error && !('$metadata' in err)
            ? err.message
            : typeof err === 'object'
              ? describeError(err)
              : 'Error';
        throw new Error(`secret ${ref.raw}: could not read it: ${what}`);
      }
      return ref.key === undefined ? raw : keyOf(ref, raw);
    },
  };
}

/** Reads are idempotent: a request that timed out may be sent again (isRetryable refuses that for writes). */
const readRetryable = (err: unknown) =>
  isRetryable(err) || (err instanceof Error && err.name === 'TimeoutError');

/** Reads a whole secret or parameter from AWS, retried by the one backoff. */
function awsReader(options: AwsSecretResolverOptions): (ref: SecretRef) => Promise<string> {
  const env = options.env ?? {};
  const credentials = options.credentials ?? envCredentials(env);
  const retryOptions = {
    policy: options.retry ?? SECRET_READ_RETRY,
    retryable: readRetryable,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  const call = (service: JsonService, region: string, operation: string, input: Record<string, unknown>) =>
    awsJsonCall({
      service,
      region,
      operation,
      input,
      credentials,
      env,
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
    });
  const readOnce = async (ref: SecretRef): Promise<string> => {
    const region = arnRegion(ref.name) ?? options.region;
    if (ref.source === 'secretsmanager') {
      const out = await call('secretsmanager', region, 'GetSecretValue', { SecretId: ref.name });
      if (typeof out.SecretString !== 'string') throw new Error('the secret has no string value');
      return out.SecretString;
    }
    const out = await call('ssm', region, 'GetParameter', { Name: ref.name, WithDecryption: true });
    const v = (out.Parameter as { Value?: unknown } | undefined)?.Value;
    if (typeof v !== 'string') throw new Error('the parameter has no value');
    return v;
  };
  return async (ref) => {
    const out = await retry(() => readOnce(ref), retryOptions);
    if (out.ok) return out.value;
    throw out.error;
  };
}

/**
 * Whole-secret reads cached for the TTL (a JSON secret read once serves all its keys); concurrent probes
 * share one in-flight read. Failures are not cached: the next round tries again.
 */
function cachedReader(
  options: AwsSecretResolverOptions,
  read: (ref: SecretRef) => Promise<string>,
): (ref: SecretRef) => Promise<string> {
  const ttl = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expires: number; value: Promise<string> }>();
  return (ref) => {
    const key = `${ref.source}:${ref.name}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = read(ref);
    cache.set(key, { expires: now() + ttl, value });
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  };
}

/** One key of a JSON secret. */
function keyOf(ref: SecretRef, raw: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`secret ${ref.raw}: expected a JSON secret to take key "${ref.key}" from`);
  }
  const v =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[ref.key!] : undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new Error(`secret ${ref.raw}: expected key "${ref.key}" with a string value in the JSON secret`);
  return String(v);
}
