// The notify function's work, with its AWS clients passed in: SNS alarm message → paging core → outbox
// and paging state → publish to each route's topic → page log, under a lease. Thin on purpose: every
// paging decision is in shared/pages, every AWS call in aws/, delivery order and fallback in delivery.ts.
import { randomUUID } from 'node:crypto';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { DESCRIBE_ALARMS_TPS, describeAlarmStates, type Pacer, pacer } from '#aws/alarms';
import { GET_METRIC_DATA_TPS, latestDownSums } from '#aws/down-metric';
import { isRetryableIdempotent } from '#aws/errors';
import { AlarmInbox, type InboxEntry } from '#aws/inbox';
import { type Lease, releaseLease, tryAcquireLease } from '#aws/lease';
import { PageOutbox } from '#aws/outbox';
import { DynamoPageStateStore, PAGE_STATE_KEY } from '#aws/paging-state';
import { type Retrier, type RetryPolicy, realSleep, retrier } from '#aws/retry';
import { readPaceStarts, writePaceStarts } from '#aws/shared-pace';
import { type AlarmPlan, findAlarm } from '#shared/alarms';
import {
  type AlarmStateChangeMessage,
  CORE_EVIDENCE_POLL_BUDGET_MS,
  CORE_EVIDENCE_POLL_MS,
  type FailingEvidence,
  handleAlarmStateChange,
  handlePagingTick,
  type PageLogRecord,
  type PagingContext,
  waitsForCoreEvidence,
} from '#shared/pages';
import { type Drill, NOTIFY_TIMEOUT_SECONDS, type NotifyConfig } from '#shared/runtime';
import { deliverOutbox } from './delivery.ts';
import { markDrill } from './drill-mark.ts';
import type { VendorDeps } from './vendors.ts';
import { voteReader } from './votes.ts';

/** The scheduled invocation's payload (EventBridge Scheduler input): send resolves that came due. */
export interface TickEvent {
  readonly source: 'depmon.tick';
}

/**
 * Five attempts per AWS call (as many as the SNS client made itself before its retries became ours),
 * well inside the function's timeout; Lambda's own retry of the invocation comes after these.
 */
export const NOTIFY_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 };

/** The lease item in the state table. */
export const LEASE_NAME = 'lease#notify';
/**
 * A lease outlives its holder's invocation (taken after the invocation started, it runs for the function's
 * whole timeout plus slack for clock skew), so a holder that Lambda killed frees it within about a minute.
 */
export const LEASE_MS = NOTIFY_TIMEOUT_SECONDS * 1000 + 5_000;
/**
 * An alarm event waits this long for the lease or for a holder to decide its message (a holder decides every
 * message in the inbox per read, so a burst needs a few turns at most). Past it the message stays in the inbox
 * for the holder's next round or the next tick, and the invocation returns.
 */
export const LEASE_WAIT_MS = 20_000;
export const LEASE_POLL_MS = 250;
/**
 * The poll doubles up to this: a burst's waiters (a hundred at once) then ask DynamoDB about 2 times a second
 * each at first and once a second after, leaving the holder's own reads and writes room.
 */
export const LEASE_POLL_MAX_MS = 1_000;
/**
 * Outbox items are started within this much of the invocation's start: one started late can still take
 * its route's and a fallback's retries (2 × 5 attempts × a 3 s timeout, at worst) inside the 60 s timeout.
 */
export const DELIVERY_BUDGET_MS = 20_000;

export interface NotifyDeps {
  /** The config as embedded (no SNS channel addresses: notifyConfig). */
  readonly config: NotifyConfig;
  readonly plan: AlarmPlan;
  readonly sns: SNSClient;
  readonly ddb: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient;
  readonly stateTable: string;
  readonly pageLogTable: string;
  /** Route id → SNS topic ARN. */
  readonly topics: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  readonly log?: (record: Record<string, unknown>) => void;
  /** @default NOTIFY_RETRY */
  readonly retry?: RetryPolicy;
  /** Backoff, lease-poll, pacing and core-evidence poll wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Epoch ms for the lease, the delivery budget and pacing CloudWatch reads. @default Date.now */
  readonly clock?: () => number;
  /** How vendor channels (PagerDuty, Opsgenie, Slack, Incident Manager) are reached. Required when a route has one. */
  readonly vendors?: VendorDeps;
  /** The deployment's drills (aws/drills, cached). @default none: no page is a drill */
  readonly drills?: () => Promise<readonly Drill[]>;
  /** The ack link's URL and signing key. @default none: pages carry no ack link */
  readonly ack?: { readonly url: string; readonly key: () => Promise<Buffer> };
}

export interface NotifySummary {
  readonly sent: number;
  readonly held: number;
  readonly skipped: number;
  readonly records: readonly PageLogRecord[];
}

type Log = (record: Record<string, unknown>) => void;

/** One invocation's parts: its clients and settings, the clock, the log and the retrier. */
interface Invocation {
  readonly deps: NotifyDeps;
  readonly now: Date;
  readonly log: Log;
  readonly retry: Retrier;
  readonly store: DynamoPageStateStore;
  readonly outbox: PageOutbox;
  /** Real elapsed time (lease expiry, delivery budget); `now` is the paging clock. */
  readonly clock: () => number;
  /** When the invocation started, by `clock`. */
  readonly started: number;
  /** Pacers of CloudWatch reads: DescribeAlarms, GetMetricData (seeded from the last holder's, when holding the lease). */
  readonly pace: Pacers;
  readonly inbox: AlarmInbox;
}

interface Pacers {
  readonly describeAlarms: Pacer;
  readonly getMetricData: Pacer;
}

const NOTHING: NotifySummary = { sent: 0, held: 0, skipped: 0, records: [] };

export function isTick(event: unknown): event is TickEvent {
  return typeof event === 'object' && event !== null && (event as TickEvent).source === 'depmon.tick';
}

/** Parses the CloudWatch alarm message out of an SNS notification's `Message`. Throws on anything else. */
export function parseAlarmMessage(message: string): AlarmStateChangeMessage {
  let m: unknown;
  try {
    m = JSON.parse(message);
  } catch {
    throw new Error(`notify: SNS message is not JSON: ${message.slice(0, 80)}`);
  }
  const a = m as Partial<AlarmStateChangeMessage>;
  if (
    typeof a.AlarmName !== 'string' ||
    typeof a.NewStateValue !== 'string' ||
    typeof a.StateChangeTime !== 'string'
  )
    throw new Error(
      'notify: SNS message is not a CloudWatch alarm state change (AlarmName, NewStateValue, StateChangeTime)',
    );
  return a as AlarmStateChangeMessage;
}

/**
 * Handles one invocation. Its alarm messages go into the inbox first; then, holding the paging lease
 * (concurrent invocations never act on the same state), for every message in the inbox at once:
 *
 * 1. decide: one read of the alarm states; the paging core turns the messages (and a tick) into page records;
 * 2. record: the records go into the outbox (idempotent per record id) and the paging state is written,
 *    both before anything is published and before the messages leave the inbox, so a failure later loses
 *    nothing and a retry sends nothing twice;
 * 3. deliver: every undone outbox item, this invocation's and any an earlier one left, in order;
 *
 * and again while messages arrived meanwhile. An invocation that waits for the lease returns as soon as a
 * holder has decided its messages ("covered"): a burst of alarms makes a few reads, not one per message.
 *
 * Throws when a page could not go out on its own route (Lambda's Errors metric, an alarm), after trying;
 * a page that went nowhere stays in the outbox, and every tick tries it again.
 */
export async function notify(event: SNSEvent | TickEvent, deps: NotifyDeps): Promise<NotifySummary> {
  const inv = invocation(deps);
  const messages = isTick(event) ? [] : event.Records.map((r) => parseAlarmMessage(r.Sns.Message));
  // Into the inbox first: from here on the message is decided by whoever holds the lease next.
  const mine = await inv.inbox.put(messages, inv.now);
  const lease = await acquireLease(inv, mine);
  if (lease === 'covered') {
    inv.log({
      level: 'info',
      msg: "covered by another invocation's read of the alarm states",
      alarms: names(messages),
    });
    return NOTHING;
  }
  if (!lease) {
    // A tick that finds another invocation at work leaves it to that one (and to the next tick).
    if (messages.length > 0)
      inv.log({
        level: 'warn',
        msg: `the paging lease was held for ${LEASE_WAIT_MS / 1000} s: the message stays in the inbox for the holder or the next tick`,
        alarms: names(messages),
      });
    return NOTHING;
  }
  try {
    return await asHolder(inv, mine, isTick(event));
  } finally {
    await releaseLease(deps.ddb, deps.stateTable, PAGE_STATE_KEY, lease, inv.retry).catch((e) =>
      inv.log({ level: 'warn', msg: 'lease not released; it runs out by itself', error: String(e) }),
    );
  }
}

const paceStarts = (pace: Pacers) => ({
  describeAlarms: pace.describeAlarms.starts(),
  getMetricData: pace.getMetricData.starts(),
});

/** Leaves the holder's CloudWatch request times for the next holder, if it made any (a quiet tick makes none). */
async function handOnPace(
  inv: Invocation,
  pace: Pacers,
  before: ReturnType<typeof paceStarts>,
): Promise<void> {
  const starts = paceStarts(pace);
  if (JSON.stringify(starts) === JSON.stringify(before)) return;
  await writePaceStarts(inv.deps.ddb, inv.deps.stateTable, starts, inv.clock(), inv.retry).catch((e) =>
    inv.log({
      level: 'warn',
      msg: 'CloudWatch request times not saved for the next holder',
      error: String(e),
    }),
  );
}

const plus = (a: NotifySummary, b: NotifySummary): NotifySummary => ({
  sent: a.sent + b.sent,
  held: a.held + b.held,
  skipped: a.skipped + b.skipped,
  records: [...a.records, ...b.records],
});

const names = (messages: readonly AlarmStateChangeMessage[]) => messages.map((m) => m.AlarmName);

/**
 * The lease holder's work: rounds of decide-record-deliver, each for every message in the inbox (and, in a
 * tick's first round, the tick), until a round finds the inbox empty or the delivery budget is spent. Its
 * CloudWatch reads are paced together with the previous holder's, whose request times it reads first.
 */
async function asHolder(first: Invocation, mine: readonly string[], tick: boolean): Promise<NotifySummary> {
  const { deps } = first;
  const seed = await readPaceStarts(deps.ddb, deps.stateTable, first.retry);
  const pace = pacers(deps, first.clock, seed);
  const before = paceStarts(pace);
  let total = NOTHING;
  let inv: Invocation = { ...first, pace };
  try {
    for (let round = 0; ; round++) {
      const pending = await inv.inbox.list();
      if (round > 0 && pending.length === 0) break;
      if (round === 0 && mine.length > 0 && !pending.some((e) => mine.includes(e.key)))
        inv.log({
          level: 'info',
          msg: "covered by another invocation's read of the alarm states",
          keys: mine,
        });
      total = plus(total, await underLease(inv, pending, round === 0 && tick));
      if (first.clock() - first.started >= DELIVERY_BUDGET_MS) break;
      inv = { ...invocation(deps, first.started), pace };
    }
    total = plus(total, await pollCoreEvidence(first, pace));
  } finally {
    await handOnPace(first, pace, before);
  }
  return total;
}

/**
 * While an external page waits for core's evidence (`heldFor: 'core-evidence'`), the holder reads the votes
 * again every CORE_EVIDENCE_POLL_MS, in a round as a tick's (with the inbox's new messages, if any), so a
 * released page goes out in this invocation. It stops starting rounds at the delivery budget: a page released
 * later would wait in the outbox anyway. What still waits then is released by the one-minute tick.
 */
async function pollCoreEvidence(first: Invocation, pace: Pacers): Promise<NotifySummary> {
  const sleep = first.deps.sleep ?? realSleep;
  let total = NOTHING;
  while (first.clock() - first.started < CORE_EVIDENCE_POLL_BUDGET_MS) {
    const inv: Invocation = { ...invocation(first.deps, first.started), pace };
    if (!(await inv.store.list()).some(waitsForCoreEvidence)) break;
    await sleep(CORE_EVIDENCE_POLL_MS);
    // The same store (nothing changed under the lease), the paging clock read again after the wait.
    const polled: Invocation = { ...inv, now: first.deps.now?.() ?? new Date() };
    total = plus(total, await underLease(polled, await polled.inbox.list(), true));
  }
  return total;
}

async function underLease(
  inv: Invocation,
  pending: readonly InboxEntry[],
  tick: boolean,
): Promise<NotifySummary> {
  const { decided, added } = await record(inv, pending, tick);
  const outcome = await deliverOutbox(
    {
      sns: inv.deps.sns,
      ddb: inv.deps.ddb,
      plan: inv.deps.plan,
      pageLogTable: inv.deps.pageLogTable,
      topics: inv.deps.topics,
      outbox: inv.outbox,
      retry: inv.retry,
      now: inv.now,
      log: inv.log,
      deadline: inv.started + DELIVERY_BUDGET_MS,
      clock: inv.clock,
      channels: inv.deps.config.channels,
      ...(inv.deps.vendors ? { vendors: inv.deps.vendors } : {}),
      ...(inv.deps.ack ? { ackLink: { ...inv.deps.ack, now: () => inv.now, log: inv.log } } : {}),
    },
    await inv.outbox.undone(),
  );
  const sent = outcome.delivered.filter((r) => r.outcome === 'sent').length;
  const summary: NotifySummary = {
    sent,
    held: outcome.delivered.length - sent,
    skipped: decided.length - added.length,
    records: outcome.delivered,
  };
  const failures = [
    ...outcome.failedOver.map((f) => `${f.id}: route "${f.route}" failed, sent through route "${f.via}"`),
    ...outcome.undelivered.map((u) => `${u.id}: not delivered (${u.reason}); it stays in the outbox`),
  ];
  if (outcome.deferred.length > 0)
    inv.log({ level: 'warn', msg: 'pages left for the next invocation (time)', ids: outcome.deferred });
  if (failures.length > 0) throw new NotifyDeliveryError(failures, summary);
  return summary;
}

/**
 * Decides the inbox's messages (and the tick) with one read of the alarm states, puts the pages in the outbox,
 * writes the paging state, and only then takes the messages out of the inbox.
 */
async function record(inv: Invocation, pending: readonly InboxEntry[], tick: boolean) {
  const drills = await readDrills(inv);
  const readAt = new Date(inv.clock()).toISOString();
  const messages = pending.map((e) => e.message);
  const decided = (await decide(inv, messages, tick)).map((r) => markDrill(r, drills));
  const added = await inv.outbox.add(decided, inv.now);
  await inv.store.flush();
  await inv.inbox.remove(pending.map((e) => e.key));
  if (pending.length > 0)
    inv.log({
      level: 'info',
      msg: `${pending.length} alarm message(s) decided by the read at ${readAt}`,
      alarms: names(messages),
    });
  return { decided, added };
}

/** Some page did not go out on its own route: the invocation fails so that the Errors alarm fires. */
export class NotifyDeliveryError extends Error {
  constructor(
    readonly failures: readonly string[],
    readonly summary: NotifySummary,
  ) {
    super(`notify: ${failures.length} page(s) not delivered on their route: ${failures.join('; ')}`);
    this.name = 'NotifyDeliveryError';
  }
}

/** The paging core's records for the messages, or for the tick (nothing to ask CloudWatch when no incident is open). */
async function decide(
  inv: Invocation,
  messages: readonly AlarmStateChangeMessage[],
  tick: boolean,
): Promise<PageLogRecord[]> {
  const tickDue = tick && (await inv.store.list()).some((s) => s.open);
  if (messages.length === 0 && !tickDue) return [];
  const ctx = await pagingContext(inv, messages);
  const records: PageLogRecord[] = [];
  for (const m of messages) records.push(...(await handleAlarmStateChange(m, ctx)).records);
  if (tickDue) records.push(...(await handlePagingTick(ctx)).records);
  return records;
}

/**
 * Takes the lease. An alarm event (its inbox keys in `mine`) waits for it, polling, until a holder has decided
 * its messages ('covered'); a tick does not wait.
 */
async function acquireLease(
  inv: Invocation,
  mine: readonly string[],
): Promise<Lease | 'covered' | undefined> {
  const { deps } = inv;
  const sleep = deps.sleep ?? realSleep;
  const holder = randomUUID();
  for (let waited = 0, poll = LEASE_POLL_MS; ; waited += poll, poll = Math.min(2 * poll, LEASE_POLL_MAX_MS)) {
    const now = inv.clock();
    const lease: Lease = { name: LEASE_NAME, holder, until: now + LEASE_MS };
    if (await tryAcquireLease(deps.ddb, deps.stateTable, PAGE_STATE_KEY, lease, now, inv.retry)) return lease;
    if (mine.length === 0) return undefined;
    if (!(await inv.inbox.holdsAny(mine))) return 'covered';
    if (waited >= LEASE_WAIT_MS) return undefined;
    await sleep(poll);
  }
}

/** The drills; none (logged) when the store cannot be read: pages then go out unmarked, never held. */
async function readDrills(inv: Invocation): Promise<readonly Drill[]> {
  if (!inv.deps.drills) return [];
  try {
    return await inv.deps.drills();
  } catch (e) {
    inv.log({ level: 'warn', msg: 'drill store unreadable: pages not marked [DRILL]', error: String(e) });
    return [];
  }
}

function invocation(deps: NotifyDeps, started?: number): Invocation {
  const retry = retrier({
    policy: deps.retry ?? NOTIFY_RETRY,
    // Every notify call is safe to repeat: reads, conditional writes, and publishes whose pageId lets a
    // receiver drop a second copy. So a timeout is retried too.
    retryable: isRetryableIdempotent,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const clock = deps.clock ?? Date.now;
  return {
    deps,
    now: deps.now?.() ?? new Date(),
    clock,
    started: started ?? clock(),
    log: deps.log ?? (() => {}),
    retry,
    store: new DynamoPageStateStore(deps.ddb, deps.stateTable, retry),
    outbox: new PageOutbox(deps.ddb, deps.stateTable, retry),
    inbox: new AlarmInbox(deps.ddb, deps.stateTable, retry),
    pace: pacers(deps, clock, {}),
  };
}

/** CloudWatch pacers on the invocation's epoch clock, continuing from `seed` (the last holder's request times). */
function pacers(
  deps: NotifyDeps,
  clock: () => number,
  seed: Readonly<Record<string, readonly number[]>>,
): Pacers {
  const time = { now: clock, ...(deps.sleep ? { sleep: deps.sleep } : {}) };
  return {
    describeAlarms: pacer(DESCRIBE_ALARMS_TPS, time, seed.describeAlarms ?? []),
    getMetricData: pacer(GET_METRIC_DATA_TPS, time, seed.getMetricData ?? []),
  };
}

/**
 * What the paging core asks of CloudWatch: every alarm's state (the plan's alarms not listed as ALARM or
 * INSUFFICIENT_DATA are OK), and the failing-region counts. Reads are paced under each API's default rate.
 */
async function pagingContext(
  inv: Invocation,
  messages: readonly AlarmStateChangeMessage[],
): Promise<PagingContext> {
  const { deps } = inv;
  const alarms = await describeAlarmStates(deps.cloudwatch, `${deps.config.name}-`, inv.retry, {
    known: deps.plan.alarms.map((a) => a.name),
    pace: inv.pace.describeAlarms,
  });
  const failing = await failingEvidence(inv, messages);
  // The paging core reads no channel: it decides routes; delivery knows the channels.
  const config = { ...deps.config, channels: [] };
  return {
    config,
    plan: deps.plan,
    store: inv.store,
    now: inv.now,
    alarmState: (name) => alarms.get(name)?.state,
    failing: (dep) => failing.get(dep),
    // Since when each alarm is in its state: pages say when a partner began failing and when it recovered.
    alarmChangedAt: (name) => alarms.get(name)?.since,
    // Whether core is up since a partner began failing: an external page waits for it (coreVerdict).
    votes: voteReader({
      cloudwatch: deps.cloudwatch,
      config,
      now: inv.now,
      retry: inv.retry,
      pace: inv.pace.getMetricData,
      log: inv.log,
    }),
  };
}

/**
 * How many probe regions see each dependency of the messages' alarms down, from the shared `Down` series:
 * its Sum counts region-rounds, so it is divided by the rounds per period. Which regions they are is in
 * the probe functions' logs; the page gives the count. The count only adds detail to a page: without it
 * the page still goes out.
 */
async function failingEvidence(
  inv: Invocation,
  messages: readonly AlarmStateChangeMessage[],
): Promise<Map<string, FailingEvidence>> {
  const { config, plan } = inv.deps;
  const dependencies = new Set<string>();
  for (const m of messages)
    for (const d of findAlarm(plan, m.AlarmName)?.dependencies ?? []) dependencies.add(d);
  if (dependencies.size === 0) return new Map();
  try {
    const sums = await latestDownSums(
      inv.deps.cloudwatch,
      {
        namespace: config.namespace,
        dependencies: [...dependencies],
        period: plan.period,
        periods: config.policy.evaluationPeriods + 1,
        now: inv.now,
      },
      inv.retry,
      inv.pace.getMetricData,
    );
    const out = new Map<string, FailingEvidence>();
    for (const [dep, sum] of sums) {
      out.set(dep, { count: Math.min(config.probeRegions.length, Math.round(sum / plan.roundsPerPeriod)) });
    }
    return out;
  } catch (e) {
    inv.log({ level: 'warn', msg: 'GetMetricData failed; paging without region counts', error: String(e) });
    return new Map();
  }
}
