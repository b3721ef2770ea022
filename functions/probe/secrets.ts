// Secret references in the probe function: `${secretsmanager:…}` and `${ssm:…}` read at run time with a TTL
// cache, `${env:…}` from the function's environment. Error messages name the reference, never a value.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SecretRef, SecretResolver } from '#shared/config';

/** Five minutes: a rotated secret is picked up within one alarm evaluation window, at ~1 read per 5 rounds. */
export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

export interface AwsSecretResolverOptions {
  /** The probe Region: names (not ARNs) resolve here. */
  readonly region: string;
  /** @default DEFAULT_SECRET_TTL_MS */
  readonly ttlMs?: number;
  /** For `${env:…}`. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly secretsManager?: (region: string) => SecretsManagerClient;
  readonly ssm?: (region: string) => SSMClient;
  readonly now?: () => number;
}

/** The Region inside an ARN (`arn:aws:secretsmanager:REGION:…`), if the name is one. */
export function arnRegion(nameOrArn: string): string | undefined {
  if (!nameOrArn.startsWith('arn:')) return undefined;
  return nameOrArn.split(':')[3] || undefined;
}

function errorName(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    return `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}`;
  }
  return 'Error';
}

/** A SecretResolver over Secrets Manager and SSM Parameter Store, one client per Region, values cached. */
export function createAwsSecretResolver(options: AwsSecretResolverOptions): SecretResolver {
  const ttl = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  const now = options.now ?? Date.now;
  const env = options.env ?? {};
  const smClients = new Map<string, SecretsManagerClient>();
  const ssmClients = new Map<string, SSMClient>();
  const sm = (region: string) => {
    let c = smClients.get(region);
    if (!c) {
      c = options.secretsManager?.(region) ?? new SecretsManagerClient({ region });
      smClients.set(region, c);
    }
    return c;
  };
  const ssm = (region: string) => {
    let c = ssmClients.get(region);
    if (!c) {
      c = options.ssm?.(region) ?? new SSMClient({ region });
      ssmClients.set(region, c);
    }
    return c;
  };
  // Whole-secret reads are cached (a JSON secret read once serves all its keys); concurrent probes share
  // one in-flight read. Failures are not cached: the next round tries again.
  const cache = new Map<string, { expires: number; value: Promise<string> }>();

  const fetchRaw = async (ref: SecretRef): Promise<string> => {
    const region = arnRegion(ref.name) ?? options.region;
    if (ref.source === 'secretsmanager') {
      const out = await sm(region).send(new GetSecretValueCommand({ SecretId: ref.name }));
      if (out.SecretString === undefined) throw new Error('the secret has no string value');
      return out.SecretString;
    }
    const out = await ssm(region).send(new GetParameterCommand({ Name: ref.name, WithDecryption: true }));
    const v = out.Parameter?.Value;
    if (v === undefined) throw new Error('the parameter has no value');
    return v;
  };

  const readCached = (ref: SecretRef): Promise<string> => {
    const key = `${ref.source}:${ref.name}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = fetchRaw(ref);
    cache.set(key, { expires: now() + ttl, value });
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  };

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
        const what = err instanceof Error && !('$metadata' in err) ? err.message : errorName(err);
        throw new Error(`secret ${ref.raw}: could not read it: ${what}`);
      }
      if (ref.key === undefined) return raw;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new Error(`secret ${ref.raw}: expected a JSON secret to take key "${ref.key}" from`);
      }
      const v =
        typeof parsed === 'object' && parsed !== null
          ? (parsed as Record<string, unknown>)[ref.key]
          : undefined;
      if (typeof v !== 'string' && typeof v !== 'number')
        throw new Error(
          `secret ${ref.raw}: expected key "${ref.key}" with a string value in the JSON secret`,
        );
      return String(v);
    },
  };
}
