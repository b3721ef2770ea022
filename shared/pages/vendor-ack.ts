// Acknowledgements reported by a vendor channel's own webhook: PagerDuty Webhooks V3 (`incident.acknowledged`,
// signed `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>`, possibly several comma-separated during
// a secret rotation) and Opsgenie's outgoing webhook integration (action `Acknowledge`; Opsgenie signs nothing,
// so the integration sends a secret token in a custom header). Pure: parsing, signature and token checks, and
// the depmon incident a vendor key names. The ack function does the I/O.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { incidentId } from './response.ts';

export type VendorAckVia = 'pagerduty' | 'opsgenie';

/** The header an Opsgenie webhook integration is configured to send, holding the channel's webhook secret. */
export const OPSGENIE_TOKEN_HEADER = 'x-depmon-webhook-token';
/** PagerDuty's signature header (Webhooks V3, "Verifying Signatures"). */
export const PAGERDUTY_SIGNATURE_HEADER = 'x-pagerduty-signature';

/** A vendor's report of an acknowledgement, read from its webhook body. */
export interface VendorAck {
  /** The vendor's id of this delivery's event: recorded once, so a resent event is a replay. */
  readonly eventId: string;
  /** The vendor incident key: PagerDuty's `incident_key` (our dedup_key), Opsgenie's alert `alias`. */
  readonly key: string;
  /** Who acknowledged, as the vendor names them. */
  readonly by: string;
}

export type VendorParse =
  | { readonly ok: true; readonly ack: VendorAck }
  | { readonly ok: false; readonly problem: 'malformed' | 'ignored' };

/** Event ids are recorded in a key: kept to a safe alphabet and length. */
const EVENT_ID_RE = /^[A-Za-z0-9_.:/-]{1,200}$/;
/** A vendor user's name as recorded: one line, bounded. */
const MAX_BY_CHARS = 120;

/** True when one of the header's `v1=` signatures is the HMAC-SHA256 of the raw body with the secret. */
export function verifyPagerDutySignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let match = false;
  for (const part of header.split(',')) {
    const sig = part.trim();
    if (!sig.startsWith('v1=') || !/^[0-9a-f]{64}$/i.test(sig.slice(3))) continue;
    // Every candidate is compared (no early exit), each in constant time.
    if (timingSafeEqual(Buffer.from(sig.slice(3), 'hex'), expected)) match = true;
  }
  return match;
}

/** A token compared in constant time whatever its length (both sides hashed to the same size first). */
export function tokenMatches(secret: string, given: string | undefined): boolean {
  if (given === undefined || given === '') return false;
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(secret), h(given));
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const oneLine = (s: string) =>
  s
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim()
    .slice(0, MAX_BY_CHARS);

function parseJson(raw: Buffer): Json | undefined {
  try {
    return obj(JSON.parse(raw.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** A V3 webhook body: `{ event: { id, event_type, agent: { summary }, data: { incident_key } } }`. */
export function parsePagerDutyAck(raw: Buffer): VendorParse {
  const event = obj(parseJson(raw)?.event);
  if (!event) return { ok: false, problem: 'malformed' };
  if (event.event_type !== 'incident.acknowledged') return { ok: false, problem: 'ignored' };
  const id = str(event.id);
  const key = str(obj(event.data)?.incident_key);
  if (!id || !EVENT_ID_RE.test(id) || !key) return { ok: false, problem: 'malformed' };
  const agent = obj(event.agent);
  const who = str(agent?.email) ?? str(agent?.summary) ?? str(agent?.id) ?? 'unknown user';
  return { ok: true, ack: { eventId: id, key, by: `pagerduty:${oneLine(who)}` } };
}

/**
 * An outgoing webhook body: `{ action, alert: { alertId, alias, username, updatedAt }, source: { name, type } }`.
 * Opsgenie sends no event id: the alert id with its `updatedAt` (which every action changes) stands for one.
 */
export function parseOpsgenieAck(raw: Buffer): VendorParse {
  const body = parseJson(raw);
  const alert = obj(body?.alert);
  if (!body || !alert) return { ok: false, problem: 'malformed' };
  if (body.action !== 'Acknowledge') return { ok: false, problem: 'ignored' };
  const alertId = str(alert.alertId);
  const updated = alert.updatedAt;
  const key = str(alert.alias);
  if (!alertId || !key || (typeof updated !== 'number' && typeof updated !== 'string'))
    return { ok: false, problem: 'malformed' };
  const eventId = `${alertId}/${String(updated)}`;
  if (!EVENT_ID_RE.test(eventId)) return { ok: false, problem: 'malformed' };
  const source = obj(body.source);
  const who = str(alert.username) ?? str(source?.name) ?? str(source?.type) ?? 'unknown user';
  return { ok: true, ack: { eventId, key, by: `opsgenie:${oneLine(who)}` } };
}

/** The depmon incident a vendor key names (`depmon/<alarm>/<since>`, functions/notify incidentKey), if any. */
export function incidentOfVendorKey(
  key: string,
): { readonly alarm: string; readonly since: string; readonly incident: string } | undefined {
  if (!key.startsWith('depmon/')) return undefined;
  const cut = key.lastIndexOf('/');
  const alarm = key.slice('depmon/'.length, cut);
  const since = key.slice(cut + 1);
  if (alarm === '' || Number.isNaN(Date.parse(since))) return undefined;
  return { alarm, since, incident: incidentId(alarm, since) };
}
