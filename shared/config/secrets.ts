// Secret references in header values: `${env:NAME}`, `${secretsmanager:NAME_OR_ARN#jsonKey}`, `${ssm:/NAME}`.
// The probe engine resolves them through a SecretResolver at probe time; values never reach results or logs.
import type { Check } from './schema.ts';

/**
 * A header value: a literal, or a reference resolved at probe time and never logged:
 * `${env:NAME}`, `${secretsmanager:NAME_OR_ARN}` (optionally `#jsonKey`), `${ssm:/parameter/name}`.
 */
export const SECRET_REF_RE = /\$\{(env|secretsmanager|ssm):([^}#]+)(?:#([^}]+))?\}/g;

export type SecretSource = 'env' | 'secretsmanager' | 'ssm';

export interface SecretRef {
  readonly source: SecretSource;
  /** Variable name, secret name/ARN, or parameter name. */
  readonly name: string;
  /** For Secrets Manager JSON secrets: the key inside the JSON. */
  readonly key?: string;
  /** The literal `${…}` text. */
  readonly raw: string;
}

/** Resolves one reference to its value; throws an Error whose message names the reference, never a value. */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}

export function secretRefs(value: string): SecretRef[] {
  const out: SecretRef[] = [];
  for (const m of value.matchAll(new RegExp(SECRET_REF_RE.source, 'g'))) {
    const [raw, source, name, key] = m;
    out.push({ source: source as SecretSource, name: name!.trim(), ...(key ? { key } : {}), raw });
  }
  return out;
}

/** Every secret reference in a config's dependencies, de-duplicated (for IAM grants). */
export function allSecretRefs(deps: readonly { readonly check: Check }[]): SecretRef[] {
  const seen = new Map<string, SecretRef>();
  for (const { check } of deps) {
    // Only HTTP checks send headers.
    if (check.kind !== 'http') continue;
    for (const v of Object.values(check.headers)) for (const r of secretRefs(v)) seen.set(r.raw, r);
  }
  return [...seen.values()];
}

/** Replaces every reference in `value` with its resolved value. */
export async function resolveSecretRefs(
  value: string,
  resolver: SecretResolver,
): Promise<{ value: string; secrets: string[] }> {
  const refs = secretRefs(value);
  let out = value;
  const secrets: string[] = [];
  for (const ref of refs) {
    const v = await resolver.resolve(ref);
    secrets.push(v);
    out = out.split(ref.raw).join(v);
  }
  return { value: out, secrets };
}

/** A resolver for `${env:NAME}` over an environment passed in (shared code reads no process.env itself). */
export function envSecretResolver(
  env: Readonly<Record<string, string | undefined>>,
  fallback?: SecretResolver,
): SecretResolver {
  return {
    async resolve(ref) {
      if (ref.source === 'env') {
        const v = env[ref.name];
        if (v === undefined || v === '')
          throw new Error(`secret ${ref.raw}: environment variable ${ref.name} is not set`);
        return v;
      }
      if (fallback) return fallback.resolve(ref);
      throw new Error(
        `secret ${ref.raw}: ${ref.source} references are resolved only in the deployed probe function`,
      );
    },
  };
}

/** Replaces any occurrence of the given secret values in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}
