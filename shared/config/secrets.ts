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

/** The secret references of a config's vendor channels (routing keys, API keys, webhook URLs), de-duplicated. */
export function channelSecretRefs(channels: readonly object[]): SecretRef[] {
  const seen = new Map<string, SecretRef>();
  for (const ch of channels) {
    const c = ch as Record<string, unknown>;
    for (const field of ['routingKey', 'apiKey', 'webhookUrl']) {
      const v = c[field];
      if (typeof v === 'string') for (const r of secretRefs(v)) seen.set(r.raw, r);
    }
  }
  return [...seen.values()];
}

/** A vendor channel whose webhook reports acknowledgements back to the ack function. */
export interface VendorWebhook {
  readonly channel: string;
  readonly type: 'pagerduty' | 'opsgenie';
  /** The `${secretsmanager:…}` / `${ssm:…}` reference of its webhook secret. */
  readonly secret: string;
}

/** The vendor channels with a `webhookSecret`: what the ack function accepts webhooks for. */
export function vendorWebhooks(channels: readonly object[]): VendorWebhook[] {
  const out: VendorWebhook[] = [];
  for (const ch of channels) {
    const c = ch as Record<string, unknown>;
    if ((c.type === 'pagerduty' || c.type === 'opsgenie') && typeof c.webhookSecret === 'string')
      out.push({ channel: String(c.id), type: c.type, secret: c.webhookSecret });
  }
  return out;
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

/** Secrets shorter than this are not redacted: "***" for every "ab" in a detail would hide more than it protects. */
const MIN_SECRET_CHARS = 3;
/** A cut-off secret at the very end of a text is redacted from this many characters on. */
const MIN_SECRET_TAIL_CHARS = 4;

/**
 * The forms a secret takes once something has escaped or encoded it: as sent, JSON-escaped (a JSON body or
 * `JSON.stringify` of a value), percent-encoded (a redirect's URL), and HTML-escaped.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  for (const encode of [encodeURIComponent, encodeURI, urlPathForm, htmlNamed, htmlNumeric]) {
    try {
      forms.add(encode(secret));
    } catch {
      // A lone surrogate cannot be percent-encoded; it cannot appear encoded either.
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
}

/** How the WHATWG URL parser writes a string into a path (it leaves `'`, `@`, `:` and others as they are). */
function urlPathForm(s: string): string {
  return new URL(`http://h/${s.replace(/[\\?#]/g, (c) => encodeURIComponent(c))}`).pathname.slice(1);
}

const HTML_NAMED: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const htmlNamed = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_NAMED[c] ?? c);
const htmlNumeric = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Replaces every occurrence of the given secret values in `text`, in any of their escaped or encoded forms, with
 * `***`; a text that ends in the first characters of a secret (cut off before it reached here, with or without
 * an ellipsis) loses that tail too. Run it before anything cuts, escapes or encodes the text.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = secrets.filter((s) => s.length >= MIN_SECRET_CHARS).flatMap(secretForms);
  for (const f of forms) if (out.includes(f)) out = out.split(f).join('***');
  for (const f of forms) {
    const end = out.endsWith('…') ? out.length - 1 : out.length;
    for (let n = Math.min(f.length - 1, end); n >= MIN_SECRET_TAIL_CHARS; n--) {
      if (out.startsWith(f.slice(0, n), end - n)) {
        out = `${out.slice(0, end - n)}***${out.slice(end)}`;
        break;
      }
    }
  }
  return out;
}
