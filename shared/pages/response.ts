// The response in the page log: acknowledgements, notes of actions and drills, beside the page records; the
// incident id acks and notes name; and the ack link's token (HMAC-signed, expiring, one incident, used once).
// Plain data and node:crypto: the DynamoDB form is aws/page-log.ts, the key comes from Secrets Manager.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type ResponseKind = 'ack' | 'note' | 'drill-start' | 'drill-stop';

/** How a response arrived: an ack link, the CLI, or a vendor channel's webhook reporting its own ack. */
export type ResponseVia = 'link' | 'cli' | 'pagerduty' | 'opsgenie';

/** One acknowledgement, note or drill in the page log (`type: 'response'` tells it from a page record). */
export interface ResponseRecord {
  readonly type: 'response';
  /** Unique per record: the ack token's id (which makes a replay a conditional-write failure) or a random id. */
  readonly id: string;
  /** When it was recorded (ISO 8601, UTC). */
  readonly at: string;
  readonly kind: ResponseKind;
  /**
   * The caller's identity (STS GetCallerIdentity ARN), `--by`, `link:<route>` with the name given, or the
   * vendor's user (`pagerduty:<agent>`, `opsgenie:<username>`).
   */
  readonly by: string;
  readonly via: ResponseVia;
  /** The incident answered (acks and notes). */
  readonly incident?: string;
  /** A note's text. */
  readonly text?: string;
  /** A drill's dependency, regions, start and end (ISO 8601, UTC). */
  readonly dependency?: string;
  readonly regions?: readonly string[];
  readonly start?: string;
  readonly end?: string;
}

/** A note's longest text: a line of what was done, not a report. */
export const MAX_NOTE_CHARS = 1000;

/**
 * The incident id: the paging alarm and when its incident began (a page record's `since`), hashed to 12 hex
 * characters so a person at a terminal can type it (`depmon ack inc-3f2a9c1b7d04`). Every page of one
 * incident (the page, its repeats, its resolved) has the same id.
 */
export function incidentId(alarmName: string, since: string): string {
  const digest = createHash('sha256')
    .update(`${alarmName}\n${new Date(since).toISOString()}`)
    .digest('hex');
  return `inc-${digest.slice(0, 12)}`;
}

export const INCIDENT_ID_RE = /^inc-[0-9a-f]{12}$/;

// ── Ack tokens ──────────────────────────────────────────────────────────────────
/** How long an ack link works: a shift, so a page read the next morning is not an acknowledgement. */
export const ACK_TOKEN_TTL_SECONDS = 12 * 3600;
/** A signing key shorter than this is refused (HMAC-SHA256's block is 64 bytes; 32 is its output). */
export const MIN_ACK_KEY_BYTES = 32;
const TOKEN_VERSION = 'v1';

export interface AckTokenClaims {
  /** The one incident the token acknowledges. */
  readonly incident: string;
  /** The token's own id: recorded in the page log when used, so it works once. */
  readonly tokenId: string;
  /** Expiry, seconds since the epoch. */
  readonly expires: number;
  /** The route whose page carried it. */
  readonly route: string;
}

export type AckTokenProblem = 'malformed' | 'bad-signature' | 'expired';

const b64url = (b: Buffer) => b.toString('base64url');
const sign = (key: Buffer, body: string) => createHmac('sha256', key).update(body, 'utf8').digest();

/** `v1.<claims, base64url JSON>.<HMAC-SHA256 of "v1.<claims>", base64url>`. */
export function signAckToken(
  key: Buffer,
  claims: { readonly incident: string; readonly route: string },
  now: Date,
  opts: { readonly ttlSeconds?: number; readonly tokenId?: string } = {},
): string {
  const full: AckTokenClaims = {
    incident: claims.incident,
    route: claims.route,
    tokenId: opts.tokenId ?? randomBytes(12).toString('hex'),
    expires: Math.floor(now.getTime() / 1000) + (opts.ttlSeconds ?? ACK_TOKEN_TTL_SECONDS),
  };
  const body = `${TOKEN_VERSION}.${b64url(Buffer.from(JSON.stringify(full), 'utf8'))}`;
  return `${body}.${b64url(sign(key, body))}`;
}

/** The token's claims, or why it is refused (the signature is checked before anything in it is believed). */
export function verifyAckToken(
  key: Buffer,
  token: string,
  now: Date,
):
  | { readonly ok: true; readonly claims: AckTokenClaims }
  | { readonly ok: false; readonly problem: AckTokenProblem } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_VERSION || !/^[A-Za-z0-9_-]+$/.test(`${parts[1]}${parts[2]}`))
    return { ok: false, problem: 'malformed' };
  const given = Buffer.from(parts[2]!, 'base64url');
  const expected = sign(key, `${parts[0]}.${parts[1]}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, problem: 'bad-signature' };
  const claims = parseClaims(parts[1]!);
  if (!claims) return { ok: false, problem: 'malformed' };
  if (claims.expires * 1000 <= now.getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, claims };
}

function parseClaims(b64: string): AckTokenClaims | undefined {
  try {
    const c = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')) as Partial<AckTokenClaims>;
    const fits =
      typeof c.incident === 'string' &&
      INCIDENT_ID_RE.test(c.incident) &&
      typeof c.tokenId === 'string' &&
      /^[0-9a-f]{8,64}$/.test(c.tokenId) &&
      typeof c.route === 'string' &&
      typeof c.expires === 'number' &&
      Number.isInteger(c.expires);
    return fits ? (c as AckTokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** The line a page carries: the incident id and the signed link (`<ackUrl>?t=<token>`). */
export function ackLine(ackUrl: string, incident: string, token: string): string {
  const url = new URL(ackUrl);
  url.searchParams.set('t', token);
  return `Acknowledge ${incident}: ${url.toString()}`;
}
