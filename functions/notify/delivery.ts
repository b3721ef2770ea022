// Delivering the outbox: each undone item in decision order, published to its route's topic (when the route
// has SNS channels) and sent to each of its vendor channels (vendors.ts), then logged. A route that fails is not tried again in this pass, and its later items wait behind the failed
// one, so a route's resolved never overtakes its page. A page its route finally cannot take goes out
// through another route's topic, saying so; what cannot go anywhere stays pending for the next invocation.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import { describeError } from '#aws/errors';
import type { OutboxItem, PageOutbox } from '#aws/outbox';
import { writePageLog } from '#aws/page-log';
import type { Retrier } from '#aws/retry';
import { publishPage } from '#aws/sns';
import type { AlarmPlan } from '#shared/alarms';
import { isSnsChannelType, isVendorChannelType } from '#shared/config';
import { fitSms, type PageLogRecord, SNS_SUBJECT_MAX_CHARS, type VendorChannel } from '#shared/pages';
import type { NotifyChannel } from '#shared/runtime';
import { type AckLinkSigner, withAckLink } from './ack-link.ts';
import { deliverToVendor, type VendorDeps } from './vendors.ts';

export interface DeliveryDeps {
  readonly sns: SNSClient;
  readonly ddb: DynamoDBClient;
  readonly plan: AlarmPlan;
  readonly pageLogTable: string;
  /** Route id → SNS topic ARN. */
  readonly topics: Readonly<Record<string, string>>;
  readonly outbox: PageOutbox;
  readonly retry: Retrier;
  readonly now: Date;
  readonly log: (record: Record<string, unknown>) => void;
  /** No new item is started after this (epoch ms, by `clock`): the rest waits for the next invocation. */
  readonly deadline: number;
  readonly clock: () => number;
  /** The config's channels (vendor channels with their secret references). @default none: every route publishes to SNS */
  readonly channels?: readonly NotifyChannel[];
  /** How vendor channels are reached. Required when a route has a vendor channel. */
  readonly vendors?: VendorDeps;
  /** Signs the ack link each page carries. @default none: pages without a link */
  readonly ackLink?: AckLinkSigner;
}

export interface DeliveryOutcome {
  /** Records published (on their route or another's) or logged as held, in this pass. */
  readonly delivered: PageLogRecord[];
  /** Pages that went out through another route's topic because their own failed. */
  readonly failedOver: { readonly id: string; readonly route: string; readonly via: string }[];
  /** Items still pending because no topic took them (or an earlier page of their route), and why. */
  readonly undelivered: { readonly id: string; readonly reason: string }[];
  /** Items not started because the pass ran out of time: the next invocation (a tick within a minute) sends them. */
  readonly deferred: string[];
}

/**
 * The route a page goes through when its own cannot take it: a route for monitor-blind pages (the people
 * who own the monitor) if there is one besides it, else the first other route.
 */
export function fallbackRoute(
  plan: AlarmPlan,
  route: string,
  failed: ReadonlySet<string>,
): string | undefined {
  const others = plan.routes.filter((r) => r.id !== route && !failed.has(r.id));
  return (others.find((r) => r.kinds.includes('monitor-blind')) ?? others[0])?.id;
}

/** The page as it goes out through another route: the subject and every text say where it should have gone. */
export function undeliveredCopy(record: PageLogRecord, reason: string): PageLogRecord {
  const note = `depmon could not deliver this page to route "${record.route}" (${reason}); it is sent here instead.`;
  const subject = `[UNDELIVERED to ${record.route}] ${record.subject}`;
  return {
    ...record,
    subject:
      subject.length <= SNS_SUBJECT_MAX_CHARS ? subject : `${subject.slice(0, SNS_SUBJECT_MAX_CHARS - 3)}...`,
    messages: {
      default: `${note}\n\n${record.messages.default}`,
      email: `${note}\n\n${record.messages.email}`,
      sms: fitSms(`UNDELIVERED to ${record.route}: ${record.messages.sms}`),
      https: httpsWithNote(record.messages.https, record.route ?? '', reason),
    },
  };
}

function httpsWithNote(body: string, route: string, reason: string): string {
  try {
    return JSON.stringify({ ...JSON.parse(body), undeliveredRoute: route, undeliveredReason: reason });
  } catch {
    return body;
  }
}

export async function deliverOutbox(d: DeliveryDeps, items: readonly OutboxItem[]): Promise<DeliveryOutcome> {
  const out: DeliveryOutcome = { delivered: [], failedOver: [], undelivered: [], deferred: [] };
  /** Routes whose topic failed in this pass, and why. */
  const down = new Map<string, string>();
  /** Routes with an item left pending in this pass: their later items must not overtake it. */
  const blocked = new Set<string>();
  for (const item of items) {
    const route = item.record.route ?? '';
    if (d.clock() > d.deadline) {
      out.deferred.push(item.record.id);
      continue;
    }
    if (item.status === 'pending' && item.record.outcome === 'sent' && blocked.has(route)) {
      out.undelivered.push({ id: item.record.id, reason: `an earlier page of route "${route}" is pending` });
      continue;
    }
    let current = item;
    if (current.status === 'pending' && current.record.outcome === 'sent') {
      const published = await publishItem(d, current, down, out);
      if (!published) {
        blocked.add(route);
        continue;
      }
      current = published;
    }
    await writePageLog(d.ddb, d.pageLogTable, current.record, d.retry);
    await d.outbox.set({ ...current, status: 'done' }, d.now);
    out.delivered.push(current.record);
    d.log({
      msg: current.record.outcome === 'sent' ? 'page sent' : 'page held',
      id: current.record.id,
      kind: current.record.kind,
      resolved: current.record.resolved,
      route: current.record.route,
      topicArn: current.record.topicArn,
      heldReason: current.record.heldReason,
      messageId: current.record.messageId,
      subject: current.record.subject,
    });
  }
  return out;
}

/**
 * Publishes a pending item to its route, or failing that to a fallback route, and records that SNS took it
 * before anything else happens. Undefined when no topic took it (it stays pending).
 */
async function publishItem(
  d: DeliveryDeps,
  item: OutboxItem,
  down: Map<string, string>,
  out: DeliveryOutcome,
): Promise<OutboxItem | undefined> {
  const { record } = item;
  const route = record.route ?? '';
  let reason = down.get(route);
  if (reason === undefined) {
    const sent = await tryDeliver(d, route, record);
    if (sent.ok) return markPublished(d, item, { ...record, ...sent.fields });
    reason = sent.reason;
    down.set(route, reason);
    // What did go out is kept, so the next attempt sends only the rest (no second SMS for a failed webhook).
    if (sent.deliveredTo.length > 0)
      await d.outbox.set({ ...item, record: { ...record, deliveredTo: sent.deliveredTo } }, d.now);
  }
  const via = fallbackRoute(d.plan, route, new Set(down.keys()));
  if (via !== undefined) {
    const copy = undeliveredCopy({ ...record, deliveredTo: [] }, reason);
    const sent = await tryDeliver(d, via, copy);
    if (sent.ok) {
      out.failedOver.push({ id: record.id, route, via });
      d.log({ level: 'error', msg: 'page failed over', id: record.id, route, via, reason });
      // The log keeps the page as decided; topicArn says where it actually went.
      return markPublished(d, item, { ...record, ...sent.fields });
    }
    down.set(via, sent.reason);
  }
  const why = `route "${route}": ${reason}${via ? `; fallback route "${via}": ${down.get(via)}` : '; no other route'}`;
  out.undelivered.push({ id: record.id, reason: why });
  d.log({ level: 'error', msg: 'page not delivered', id: record.id, reason: why });
  return undefined;
}

type PublishResult =
  | { ok: true; topicArn: string; id: { messageId?: string } }
  | { ok: false; reason: string };

type RouteResult =
  | { ok: true; fields: Pick<PageLogRecord, 'topicArn' | 'messageId' | 'deliveredTo'> }
  | { ok: false; reason: string; deliveredTo: string[] };

/** The SNS marker in `deliveredTo`: the route's topic took the page. */
const SNS_DONE = 'sns';

/**
 * Delivers a record on one route: its topic, when the route has SNS channels (or notify knows none of its
 * channels), then every vendor channel, skipping what `record.deliveredTo` says already went out. A channel that
 * fails does not stop the others (Slack being down must not keep PagerDuty from paging); the route fails if any
 * did, naming the first.
 */
async function tryDeliver(d: DeliveryDeps, route: string, record: PageLogRecord): Promise<RouteResult> {
  const ids = d.plan.routes.find((r) => r.id === route)?.channels ?? [];
  const channels = ids.flatMap((id) => (d.channels ?? []).filter((c) => c.id === id));
  const done = [...(record.deliveredTo ?? [])];
  const fields: { topicArn?: string; messageId?: string } = {};
  const failures: string[] = [];
  const sns = channels.length === 0 || channels.some((c) => isSnsChannelType(c.type));
  if (sns && !done.includes(SNS_DONE)) {
    const sent = await tryPublish(d, route, record);
    if (sent.ok) {
      Object.assign(fields, { topicArn: sent.topicArn, ...sent.id });
      done.push(SNS_DONE);
    } else failures.push(sent.reason);
  }
  for (const ch of channels) {
    if (!isVendorChannelType(ch.type) || done.includes(ch.id)) continue;
    if (!d.vendors) {
      failures.push(`channel "${ch.id}": no vendor delivery configured`);
      continue;
    }
    try {
      await deliverToVendor(d.vendors, ch as VendorChannel, record);
      done.push(ch.id);
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (failures.length > 0) return { ok: false, reason: failures.join('; '), deliveredTo: done };
  return { ok: true, fields: { ...fields, deliveredTo: done } };
}

async function tryPublish(d: DeliveryDeps, route: string, record: PageLogRecord): Promise<PublishResult> {
  const topicArn = d.topics[route];
  if (!topicArn) return { ok: false, reason: `no topic for route "${route}" (DEPMON_ROUTE_TOPICS)` };
  try {
    const messageId = await publishPage(d.sns, topicArn, await withAckLink(d.ackLink, record), d.retry);
    return { ok: true, topicArn, id: messageId ? { messageId } : {} };
  } catch (e) {
    const cause = e instanceof Error && 'cause' in e ? (e as { cause: unknown }).cause : e;
    return { ok: false, reason: describeError(cause) };
  }
}

async function markPublished(d: DeliveryDeps, item: OutboxItem, record: PageLogRecord): Promise<OutboxItem> {
  const next: OutboxItem = { ...item, record, status: 'published' };
  await d.outbox.set(next, d.now);
  return next;
}
