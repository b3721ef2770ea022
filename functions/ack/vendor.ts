// Vendor webhooks on the ack function's URL: `POST /vendor/pagerduty/<channel>` (PagerDuty Webhooks V3, signed)
// and `POST /vendor/opsgenie/<channel>` (Opsgenie outgoing webhook, a secret token in a custom header). An
// acknowledgement made in the vendor's app lands in the page log as `via: pagerduty|opsgenie`. Refused and
// logged: an unknown channel or one without a webhook secret, a bad signature or token, a body that is not the
// vendor's, a key that names no depmon incident in the page log, and an event already recorded (a replay).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { queryPageLog, useVendorEvent, writeResponse } from '#aws/page-log';
import {
  incidentOfVendorKey,
  OPSGENIE_TOKEN_HEADER,
  PAGERDUTY_SIGNATURE_HEADER,
  parseOpsgenieAck,
  parsePagerDutyAck,
  type ResponseRecord,
  tokenMatches,
  type VendorAck,
  type VendorAckVia,
  verifyPagerDutySignature,
} from '#shared/pages';

/** Where vendor webhooks arrive on the function URL. */
export const VENDOR_PATH_PREFIX = '/vendor/';

/** A vendor channel's webhook secret, resolved (the caller caches it). */
export interface VendorSecret {
  readonly type: VendorAckVia;
  readonly secret: string;
}

export interface VendorDeps {
  readonly ddb: DynamoDBClient;
  readonly pageLogTable: string;
  /** The channel's type and resolved webhook secret; undefined for a channel with none. */
  readonly vendorSecret: (channel: string) => Promise<VendorSecret | undefined>;
  readonly now: () => Date;
  readonly log: (entry: Record<string, unknown>) => void;
}

export interface VendorRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in lower case (function URLs deliver them so). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  readonly ip: string | undefined;
}

export type VendorRefusal =
  | 'method'
  | 'unknown-channel'
  | 'bad-signature'
  | 'malformed'
  | 'unknown-incident'
  | 'replayed';

const STATUS: Readonly<Record<VendorRefusal, number>> = {
  method: 405,
  'unknown-channel': 404,
  'bad-signature': 401,
  malformed: 400,
  'unknown-incident': 404,
  replayed: 409,
};

/** How far after an incident's start its first page is looked for (two UTC day partitions at most). */
const FIRST_PAGE_WINDOW_MS = 24 * 3600_000;

export interface VendorResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export async function handleVendorWebhook(req: VendorRequest, deps: VendorDeps): Promise<VendorResponse> {
  const [via, channel, ...rest] = req.path.slice(VENDOR_PATH_PREFIX.length).split('/');
  const detail = { ip: req.ip, via, channel };
  if (req.method !== 'POST') return refuse(deps, 'method', detail);
  if ((via !== 'pagerduty' && via !== 'opsgenie') || !channel || rest.length > 0)
    return refuse(deps, 'unknown-channel', detail);
  let secret: VendorSecret | undefined;
  try {
    secret = await deps.vendorSecret(channel);
  } catch (e) {
    // The resolver's message names the reference, never a value.
    deps.log({ level: 'error', event: 'vendor-secret-unavailable', error: String(e), ...detail });
    return answer(503, { recorded: false, reason: 'secret unavailable' });
  }
  if (!secret || secret.type !== via) return refuse(deps, 'unknown-channel', detail);
  if (!authentic(via, secret.secret, req)) return refuse(deps, 'bad-signature', detail);
  const parsed = via === 'pagerduty' ? parsePagerDutyAck(req.body) : parseOpsgenieAck(req.body);
  if (!parsed.ok && parsed.problem === 'ignored') {
    deps.log({ level: 'info', event: 'vendor-event-ignored', ...detail });
    return answer(200, { recorded: false, reason: 'not an acknowledgement' });
  }
  if (!parsed.ok) return refuse(deps, 'malformed', detail);
  return record(via, parsed.ack, deps, detail);
}

function authentic(via: VendorAckVia, secret: string, req: VendorRequest): boolean {
  if (via === 'pagerduty')
    return verifyPagerDutySignature(secret, req.body, req.headers[PAGERDUTY_SIGNATURE_HEADER]);
  return tokenMatches(secret, req.headers[OPSGENIE_TOKEN_HEADER]);
}

async function record(
  via: VendorAckVia,
  ack: VendorAck,
  deps: VendorDeps,
  detail: Record<string, unknown>,
): Promise<VendorResponse> {
  const named = incidentOfVendorKey(ack.key);
  const about = { ...detail, key: ack.key, eventId: ack.eventId };
  if (!named || !(await paged(deps, named.alarm, named.since)))
    return refuse(deps, 'unknown-incident', about);
  const at = deps.now().toISOString();
  const use = { via, eventId: ack.eventId, incident: named.incident, at };
  if (!(await useVendorEvent(deps.ddb, deps.pageLogTable, use)))
    return refuse(deps, 'replayed', { ...about, incident: named.incident });
  const response: ResponseRecord = {
    type: 'response',
    id: `ack-${via}-${ack.eventId}`,
    at,
    kind: 'ack',
    by: ack.by,
    via,
    incident: named.incident,
  };
  await writeResponse(deps.ddb, deps.pageLogTable, response);
  deps.log({ level: 'info', event: 'ack', ...about, incident: named.incident, by: ack.by });
  return answer(200, { recorded: true, incident: named.incident });
}

/** Whether the page log holds a page of this alarm's incident begun at `since` (one the monitor sent). */
async function paged(deps: VendorDeps, alarm: string, since: string): Promise<boolean> {
  const from = new Date(since);
  const to = new Date(Math.min(deps.now().getTime(), from.getTime() + FIRST_PAGE_WINDOW_MS));
  if (to < from) return false;
  const pages = await queryPageLog(deps.ddb, deps.pageLogTable, { from, to });
  const start = from.getTime();
  return pages.some((p) => p.alarmName === alarm && Date.parse(p.since ?? p.alarmTime) === start);
}

function refuse(deps: VendorDeps, reason: VendorRefusal, detail: Record<string, unknown>): VendorResponse {
  deps.log({ level: 'warn', event: 'vendor-ack-refused', reason, ...detail });
  return answer(STATUS[reason], { recorded: false, reason });
}

function answer(statusCode: number, body: unknown): VendorResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
