// The ack function's core: a Lambda function URL request (auth NONE: the signed token is the only way in)
// → an acknowledgement in the page log, or a refusal that is logged. GET shows a confirmation form and
// changes nothing (mail scanners fetch links); POST acknowledges. A token is refused when malformed, not
// signed with the key, expired, or already used (its id is written to the page log conditionally: a second
// use fails that write).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { useAckToken, writeResponse } from '#aws/page-log';
import { type AckTokenClaims, type ResponseRecord, verifyAckToken } from '#shared/pages';
import { handleVendorWebhook, VENDOR_PATH_PREFIX, type VendorSecret } from './vendor.ts';

/** The part of a function URL event (payload format 2.0) the ack function reads. */
export interface FunctionUrlRequest {
  readonly requestContext: { readonly http: { readonly method: string; readonly sourceIp?: string } };
  /** The path (`/` for ack links, `/vendor/<type>/<channel>` for vendor webhooks). */
  readonly rawPath?: string;
  /** Header names in lower case, as function URLs deliver them. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

export interface FunctionUrlResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface AckDeps {
  readonly ddb: DynamoDBClient;
  readonly pageLogTable: string;
  /** The signing key (Secrets Manager, cached by the caller). */
  readonly key: () => Promise<Buffer>;
  readonly now: () => Date;
  /** One structured line per outcome (CloudWatch Logs). */
  readonly log: (entry: Record<string, unknown>) => void;
  /** A vendor channel's resolved webhook secret (functions/ack/vendor.ts). @default no vendor webhooks */
  readonly vendorSecret?: (channel: string) => Promise<VendorSecret | undefined>;
}

export type AckRefusal = 'malformed' | 'bad-signature' | 'expired' | 'replayed' | 'method';

/** A name typed into the form: short, one line. */
const MAX_NAME_CHARS = 80;

export async function handleAckRequest(req: FunctionUrlRequest, deps: AckDeps): Promise<FunctionUrlResponse> {
  const method = req.requestContext.http.method.toUpperCase();
  const ip = req.requestContext.http.sourceIp;
  if (req.rawPath?.startsWith(VENDOR_PATH_PREFIX)) return vendorWebhook(req, method, deps);
  if (method !== 'GET' && method !== 'POST') return refuse(deps, 'method', { ip, method });
  const form = method === 'POST' ? formOf(req) : new URLSearchParams();
  const token = (method === 'POST' ? form.get('t') : req.queryStringParameters?.t) ?? '';
  let key: Buffer;
  try {
    key = await deps.key();
  } catch (e) {
    deps.log({ level: 'error', event: 'ack-key-unavailable', error: String(e), ip });
    return page(
      503,
      '<h1>Not acknowledged</h1><p>The monitor cannot check links right now: use depmon ack.</p>',
    );
  }
  const verdict = verifyAckToken(key, token, deps.now());
  if (!verdict.ok) return refuse(deps, verdict.problem, { ip });
  if (method === 'GET') return page(200, confirmForm(verdict.claims, token));
  return acknowledge(verdict.claims, cleanName(form.get('by')), deps, ip);
}

function vendorWebhook(req: FunctionUrlRequest, method: string, deps: AckDeps) {
  const raw = req.body ?? '';
  return handleVendorWebhook(
    {
      method,
      path: req.rawPath ?? '',
      headers: req.headers ?? {},
      body: Buffer.from(raw, req.isBase64Encoded ? 'base64' : 'utf8'),
      ip: req.requestContext.http.sourceIp,
    },
    { ...deps, vendorSecret: deps.vendorSecret ?? (async () => undefined) },
  );
}

async function acknowledge(
  claims: AckTokenClaims,
  name: string,
  deps: AckDeps,
  ip: string | undefined,
): Promise<FunctionUrlResponse> {
  const at = deps.now().toISOString();
  const fresh = await useAckToken(deps.ddb, deps.pageLogTable, {
    tokenId: claims.tokenId,
    incident: claims.incident,
    at,
  });
  if (!fresh) return refuse(deps, 'replayed', { ip, incident: claims.incident, tokenId: claims.tokenId });
  const record: ResponseRecord = {
    type: 'response',
    id: `ack-${claims.tokenId}`,
    at,
    kind: 'ack',
    by: `link:${claims.route}${name ? ` (${name})` : ''}`,
    via: 'link',
    incident: claims.incident,
  };
  await writeResponse(deps.ddb, deps.pageLogTable, record);
  deps.log({
    level: 'info',
    event: 'ack',
    incident: claims.incident,
    tokenId: claims.tokenId,
    by: record.by,
    ip,
  });
  return page(
    200,
    `<h1>Acknowledged</h1><p>${esc(claims.incident)} acknowledged at ${esc(at)} by ${esc(record.by)}.</p>`,
  );
}

const REFUSAL_TEXT: Readonly<Record<AckRefusal, readonly [number, string]>> = {
  malformed: [400, 'This link is not a depmon acknowledgement link.'],
  'bad-signature': [403, 'This link was not issued by this monitor.'],
  expired: [410, 'This link has expired: acknowledge with depmon ack INCIDENT.'],
  replayed: [409, 'This link was already used: the incident is acknowledged.'],
  method: [405, 'Open the link in a browser.'],
};

function refuse(deps: AckDeps, reason: AckRefusal, detail: Record<string, unknown>): FunctionUrlResponse {
  deps.log({ level: 'warn', event: 'ack-refused', reason, ...detail });
  const [status, text] = REFUSAL_TEXT[reason];
  return page(status, `<h1>Not acknowledged</h1><p>${esc(text)}</p>`);
}

function formOf(req: FunctionUrlRequest): URLSearchParams {
  const raw = req.body ?? '';
  return new URLSearchParams(req.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
}

const cleanName = (v: string | null) =>
  (v ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim()
    .slice(0, MAX_NAME_CHARS);

function confirmForm(c: AckTokenClaims, token: string): string {
  return `<h1>Acknowledge ${esc(c.incident)}?</h1>
<form method="post"><input type="hidden" name="t" value="${esc(token)}">
<label>Your name <input name="by" maxlength="${MAX_NAME_CHARS}"></label>
<button type="submit">Acknowledge</button></form>`;
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

function page(statusCode: number, body: string): FunctionUrlResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; form-action 'self'",
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>depmon</title></head><body>${body}</body></html>`,
  };
}
