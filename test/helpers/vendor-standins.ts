// Loopback stand-ins for the vendor APIs notify delivers to: one real HTTP server on 127.0.0.1 that answers as
// PagerDuty's Events API v2, Opsgenie's Alert API v2, a Slack incoming webhook and Incident Manager's
// StartIncident/UpdateIncidentRecord. Each refuses (400) a request without the fields its documentation requires,
// keeps the vendor's incidents by their dedup key, alias or client token, and can be told to fail.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PD_ROUTING_KEY = 'R0UTINGKEY0123456789abcdefABCDEF';
export const OPSGENIE_KEY = 'og-key-7f3c2a';
export const SLACK_PATH = '/services/T0DEPMON/B0DEPMON/s3cr3tW3bh00k';

export interface VendorIncident {
  readonly vendor: 'pagerduty' | 'opsgenie' | 'incident-manager';
  readonly key: string;
  triggers: number;
  open: boolean;
  readonly arn?: string;
}

export interface StandInRequest {
  readonly vendor: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** An answer to send instead of the normal one, for the next matching requests. */
export interface Fault {
  readonly vendor: string;
  /** 0: never answer (a hung vendor). */
  readonly status: number;
  readonly retryAfter?: string;
  /** Process the request anyway before answering with the fault (a vendor that did the work, then failed). */
  readonly processed?: boolean;
  times: number;
}

const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'];
const SLACK_BLOCK_TYPES = ['header', 'section', 'context', 'actions', 'divider', 'image', 'rich_text'];

type Answer = { status: number; body: unknown };
const invalid = (errors: string[]): Answer => ({ status: 400, body: { status: 'invalid event', errors } });

export class VendorStandIns {
  readonly requests: StandInRequest[] = [];
  readonly incidents = new Map<string, VendorIncident>();
  readonly slackMessages: Record<string, unknown>[] = [];
  /** Resolves or closes for a key no trigger opened. */
  readonly orphans: string[] = [];
  readonly faults: Fault[] = [];
  private server = createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  incidentsOf(vendor: VendorIncident['vendor']): VendorIncident[] {
    return [...this.incidents.values()].filter((i) => i.vendor === vendor);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return this.send(res, { status: 400, body: { message: 'not JSON' } });
    }
    const url = new URL(req.url ?? '/', this.url);
    const vendor = vendorOf(url.pathname);
    this.requests.push({ vendor, path: `${url.pathname}${url.search}`, headers: req.headers, body });
    const fault = this.faults.find((f) => f.vendor === vendor && f.times > 0);
    if (fault) fault.times--;
    if (fault?.status === 0) return; // hangs until the client gives up (stop() closes it)
    if (fault && !fault.processed)
      return this.send(res, { status: fault.status, body: { message: 'stand-in fault' } }, fault.retryAfter);
    const answer = this.answer(vendor, url, req, body);
    if (fault)
      return this.send(res, { status: fault.status, body: { message: 'stand-in fault' } }, fault.retryAfter);
    return this.send(res, answer);
  }

  private answer(vendor: string, url: URL, req: IncomingMessage, body: Record<string, unknown>): Answer {
    if (vendor === 'pagerduty') return this.pagerDuty(body);
    if (vendor === 'opsgenie') return this.opsgenie(url, req, body);
    if (vendor === 'slack') return this.slack(body);
    if (vendor === 'incident-manager') return this.incidentManager(url, req, body);
    return { status: 404, body: { message: 'no such API' } };
  }

  private send(res: ServerResponse, a: Answer, retryAfter?: string): void {
    res.writeHead(a.status, {
      'content-type': typeof a.body === 'string' ? 'text/plain' : 'application/json',
      ...(retryAfter ? { 'retry-after': retryAfter } : {}),
    });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  }

  /** Events API v2 "Send an Alert Event": routing_key, event_action, and for a trigger payload.summary/source/severity. */
  private pagerDuty(b: Record<string, unknown>): Answer {
    const errors: string[] = [];
    if (b.routing_key !== PD_ROUTING_KEY) errors.push('routing_key is invalid');
    if (!['trigger', 'acknowledge', 'resolve'].includes(String(b.event_action)))
      errors.push('event_action is invalid');
    const key = b.dedup_key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) errors.push('dedup_key is invalid');
    if (b.event_action === 'trigger') {
      const p = (b.payload ?? {}) as Record<string, unknown>;
      if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
        errors.push('payload.summary is missing or too long');
      if (typeof p.source !== 'string' || p.source.length === 0) errors.push('payload.source is missing');
      if (!PD_SEVERITIES.includes(String(p.severity))) errors.push('payload.severity is invalid');
    }
    if (errors.length > 0) return invalid(errors);
    this.track('pagerduty', String(key), b.event_action === 'trigger');
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
  }

  /** Alert API v2: GenieKey auth; create needs message (≤130), alias ≤512, priority P1-P5; close by alias. */
  private opsgenie(url: URL, req: IncomingMessage, b: Record<string, unknown>): Answer {
    if (req.headers.authorization !== `GenieKey ${OPSGENIE_KEY}`)
      return { status: 401, body: { message: 'Could not authenticate' } };
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
    if (close) {
      if (url.searchParams.get('identifierType') !== 'alias')
        return { status: 404, body: { message: 'Alert does not exist (identifierType is not alias)' } };
      this.track('opsgenie', decodeURIComponent(close[1]!), false);
      return { status: 202, body: { result: 'Request will be processed', requestId: 'r-close' } };
    }
    const errors: string[] = [];
    if (typeof b.message !== 'string' || b.message.length === 0 || b.message.length > 130)
      errors.push('message is missing or longer than 130');
    if (typeof b.alias !== 'string' || b.alias.length > 512) errors.push('alias is invalid');
    if (b.priority !== undefined && !/^P[1-5]$/.test(String(b.priority))) errors.push('priority is invalid');
    const details = (b.details ?? {}) as Record<string, unknown>;
    if (Object.values(details).some((v) => typeof v !== 'string')) errors.push('details must be strings');
    if (errors.length > 0) return { status: 422, body: { message: errors.join('; ') } };
    this.track('opsgenie', String(b.alias), true);
    return { status: 202, body: { result: 'Request will be processed', requestId: 'r-create' } };
  }

  /** Incoming webhook: `text` (the notification fallback) and valid Block Kit blocks; answers "ok". */
  private slack(b: Record<string, unknown>): Answer {
    if (typeof b.text !== 'string' || b.text.length === 0) return { status: 400, body: 'no_text' };
    const blocks = b.blocks as Record<string, unknown>[] | undefined;
    if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50)
      return { status: 400, body: 'invalid_blocks' };
    for (const block of blocks) {
      if (!SLACK_BLOCK_TYPES.includes(String(block.type))) return { status: 400, body: 'invalid_blocks' };
      const text = block.text as { type?: string; text?: string } | undefined;
      if (block.type === 'header' && (text?.type !== 'plain_text' || (text.text ?? '').length > 150))
        return { status: 400, body: 'invalid_blocks' };
      const fields = block.fields as { text: string }[] | undefined;
      if (fields && (fields.length > 10 || fields.some((f) => f.text.length > 2000)))
        return { status: 400, body: 'invalid_blocks' };
    }
    this.slackMessages.push(b);
    return { status: 200, body: 'ok' };
  }

  /** StartIncident (responsePlanArn, triggerDetails.source/timestamp; clientToken idempotent) and UpdateIncidentRecord. */
  private incidentManager(url: URL, req: IncomingMessage, b: Record<string, unknown>): Answer {
    if (
      !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/ssm-incidents\/aws4_request/.test(
        String(req.headers.authorization),
      )
    )
      return { status: 403, body: { message: 'missing or wrong SigV4 signature scope' } };
    if (url.pathname === '/startIncident') {
      const t = (b.triggerDetails ?? {}) as Record<string, unknown>;
      const ok =
        /^arn:aws:ssm-incidents::\d{12}:response-plan\//.test(String(b.responsePlanArn)) &&
        typeof t.source === 'string' &&
        typeof t.timestamp === 'number' &&
        (b.title === undefined || String(b.title).length <= 200) &&
        (b.impact === undefined || (Number(b.impact) >= 1 && Number(b.impact) <= 5)) &&
        (b.clientToken === undefined || String(b.clientToken).length <= 128);
      if (!ok) return { status: 400, body: { message: 'ValidationException' } };
      const key = String(b.clientToken);
      const inc = this.track(
        'incident-manager',
        key,
        true,
        `arn:aws:ssm-incidents::123456789012:incident-record/plan/${key.slice(0, 8)}`,
      );
      return { status: 200, body: { incidentRecordArn: inc.arn } };
    }
    if (url.pathname === '/updateIncidentRecord') {
      const inc = [...this.incidents.values()].find((i) => i.arn === b.arn);
      if (!inc || !['OPEN', 'RESOLVED'].includes(String(b.status)))
        return { status: 404, body: { message: 'ResourceNotFoundException' } };
      inc.open = b.status === 'OPEN';
      return { status: 200, body: {} };
    }
    return { status: 404, body: { message: 'UnknownOperation' } };
  }

  /** A trigger opens (or, with an open one, deduplicates into) the vendor incident; a resolve closes it. */
  private track(
    vendor: VendorIncident['vendor'],
    key: string,
    trigger: boolean,
    arn?: string,
  ): VendorIncident {
    const id = `${vendor}|${key}`;
    const inc = this.incidents.get(id);
    if (trigger) {
      if (inc?.open || (inc && vendor === 'incident-manager')) {
        inc.triggers++;
        return inc;
      }
      const fresh: VendorIncident = { vendor, key, triggers: 1, open: true, ...(arn ? { arn } : {}) };
      this.incidents.set(inc ? `${id}|${this.incidents.size}` : id, fresh);
      return fresh;
    }
    if (!inc?.open) this.orphans.push(id);
    else inc.open = false;
    return inc ?? { vendor, key, triggers: 0, open: false };
  }
}

function vendorOf(path: string): string {
  if (path === '/v2/enqueue') return 'pagerduty';
  if (path.startsWith('/v2/alerts')) return 'opsgenie';
  if (path.startsWith('/services/')) return 'slack';
  if (path === '/startIncident' || path === '/updateIncidentRecord') return 'incident-manager';
  return 'unknown';
}
