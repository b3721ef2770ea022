// Delivery to the vendor channels (PagerDuty, Opsgenie, Slack, Incident Manager): the request shared/pages
// builds, with the credential resolved from its secret reference just before sending and never logged. Each
// request has a timeout; 429 and 5xx answers and network failures are retried with backoff (a Retry-After the
// vendor sends is waited out when it fits), and a final failure names the channel and the status, never the
// request. Every retry is safe: a trigger carries the incident's dedup key, alias or client token.

import { backoffMs, type RetryPolicy, realSleep } from '#aws/retry';
import { redact, type SecretResolver, secretRefs } from '#shared/config';
import {
  type ChannelConfig,
  type ChannelPage,
  credentialRef,
  incidentClientToken,
  incidentManagerCall,
  type VendorChannel,
  type VendorRequest,
  vendorRequest,
} from '#shared/pages';

/** A vendor request that has not answered within this is abandoned (and retried). */
export const VENDOR_TIMEOUT_MS = 4_000;
/**
 * Three attempts at most 4 s each plus backoff: about 14 s at worst, so a route's vendor and a fallback route
 * still fit in notify's delivery budget and its 60 s timeout.
 */
export const VENDOR_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 4_000 };
/** A Retry-After longer than this is not waited out: the page goes through another route instead. */
export const MAX_RETRY_AFTER_MS = 10_000;

/** Incident Manager's two calls, signed by the function's role (aws/incident-manager.ts). */
export interface IncidentManagerClient {
  startIncident(input: Record<string, unknown>): Promise<{ incidentRecordArn: string }>;
  updateIncidentRecord(input: Record<string, unknown>): Promise<void>;
}

/** Where the incident record StartIncident returned is kept until the resolve (the paging-state table). */
export interface IncidentRecordStore {
  put(clientToken: string, arn: string): Promise<void>;
  get(clientToken: string): Promise<string | undefined>;
}

export interface VendorDeps {
  readonly config: ChannelConfig;
  readonly secrets: SecretResolver;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Tests: base URLs in place of the vendors' (PagerDuty, Opsgenie). */
  readonly endpoints?: Partial<Record<'pagerduty' | 'opsgenie', string>>;
  readonly incidentManager?: IncidentManagerClient;
  readonly incidentRecords?: IncidentRecordStore;
  /** @default VENDOR_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default VENDOR_RETRY */
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (record: Record<string, unknown>) => void;
}

/** A vendor delivery that failed after its attempts; the message names the channel and status only. */
export class VendorDeliveryError extends Error {
  constructor(
    readonly channel: string,
    readonly reason: string,
  ) {
    super(`channel "${channel}": ${reason}`);
    this.name = 'VendorDeliveryError';
  }
}

/** Sends one page to one vendor channel, or throws VendorDeliveryError. */
export async function deliverToVendor(d: VendorDeps, ch: VendorChannel, page: ChannelPage): Promise<void> {
  if (ch.type === 'incident-manager') return deliverIncident(d, ch, page);
  const ref = credentialRef(ch) ?? '';
  let secret: string;
  try {
    secret = await resolveWhole(d.secrets, ref);
  } catch (e) {
    // The resolver's messages name the reference, never a value.
    throw new VendorDeliveryError(ch.id, e instanceof Error ? e.message : String(e));
  }
  const req = withEndpoint(d, ch, vendorRequest(d.config, ch, page, secret));
  await sendWithRetry(d, ch.id, req, [secret]);
}

async function resolveWhole(secrets: SecretResolver, ref: string): Promise<string> {
  const [parsed] = secretRefs(ref);
  if (!parsed) throw new Error(`expected a secret reference, got none`);
  return secrets.resolve(parsed);
}

/** The request sent to a test's stand-in in place of the vendor's own host (same path and query). */
function withEndpoint(d: VendorDeps, ch: VendorChannel, req: VendorRequest): VendorRequest {
  const base = ch.type === 'pagerduty' || ch.type === 'opsgenie' ? d.endpoints?.[ch.type] : undefined;
  if (!base) return req;
  const u = new URL(req.url);
  return { ...req, url: new URL(`${u.pathname}${u.search}`, base).toString() };
}

type Attempt = { ok: true } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

/** POSTs the request until it is accepted, refused for good, or the attempts run out. */
async function sendWithRetry(
  d: VendorDeps,
  channel: string,
  req: VendorRequest,
  secrets: readonly string[],
): Promise<void> {
  const policy = d.retry ?? VENDOR_RETRY;
  const sleep = d.sleep ?? realSleep;
  const random = d.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    const out = await sendOnce(d, req, secrets);
    if (out.ok) return;
    const backoff = backoffMs(attempt, policy, random);
    const wait = Math.max(backoff, out.retryAfterMs ?? 0);
    const tooLong = (out.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS;
    if (!out.retryable || attempt >= policy.maxAttempts || tooLong) {
      const why = tooLong
        ? `${out.reason}; Retry-After ${Math.round(wait / 1000)} s is too long to wait`
        : out.reason;
      throw new VendorDeliveryError(channel, `${why} (after ${attempt} attempt${attempt > 1 ? 's' : ''})`);
    }
    d.log?.({
      level: 'warn',
      msg: 'vendor delivery retried',
      channel,
      attempt,
      reason: out.reason,
      waitMs: wait,
    });
    await sleep(wait);
  }
}

async function sendOnce(d: VendorDeps, req: VendorRequest, secrets: readonly string[]): Promise<Attempt> {
  const f = d.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(req.url, {
      method: req.method,
      headers: req.headers,
      body: JSON.stringify(req.body),
      signal: AbortSignal.timeout(d.timeoutMs ?? VENDOR_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    const name =
      e instanceof Error && e.name === 'TimeoutError' ? 'TimeoutError' : (cause?.code ?? 'NetworkError');
    return { ok: false, retryable: true, reason: name };
  }
  // The body may echo the request (Slack: "invalid_token"); only its first words go into the reason, redacted.
  const text = redact((await res.text().catch(() => '')).slice(0, 120), secrets);
  if (res.ok) return { ok: true };
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return {
    ok: false,
    retryable: res.status === 429 || res.status >= 500,
    reason: `HTTP ${res.status}${text ? ` ${JSON.stringify(text)}` : ''}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** Retry-After: delay-seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Incident Manager: StartIncident (its clientToken makes a retry return the same incident) and keep the record's
 * ARN; the resolve sets that record RESOLVED. A resolve with no record kept (its trigger went out before this
 * version, or never) has nothing to close and is logged.
 */
async function deliverIncident(
  d: VendorDeps,
  ch: Extract<VendorChannel, { type: 'incident-manager' }>,
  page: ChannelPage,
): Promise<void> {
  const im = d.incidentManager;
  const store = d.incidentRecords;
  if (!im || !store) throw new VendorDeliveryError(ch.id, 'no Incident Manager client in this function');
  const token = incidentClientToken(page);
  try {
    if (!page.resolved) {
      const { incidentRecordArn } = await im.startIncident(incidentManagerCall(d.config, ch, page).input);
      await store.put(token, incidentRecordArn);
      return;
    }
    const arn = await store.get(token);
    if (!arn) {
      d.log?.({ level: 'warn', msg: 'no incident record to resolve', channel: ch.id, id: page.id });
      return;
    }
    await im.updateIncidentRecord(incidentManagerCall(d.config, ch, page, arn).input);
  } catch (e) {
    if (e instanceof VendorDeliveryError) throw e;
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = e instanceof Error ? e.name : 'Error';
    throw new VendorDeliveryError(ch.id, `${name}${status ? ` (HTTP ${status})` : ''}`);
  }
}
