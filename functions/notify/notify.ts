// The notify function's work, with its AWS clients passed in: SNS alarm message → paging core →
// publish to each route's topic → page log. Thin on purpose: every decision is in shared/pages, every
// AWS call in aws/.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { describeAlarmStates } from '#aws/alarms';
import { latestDownSums } from '#aws/down-metric';
import { isRetryable } from '#aws/errors';
import { writePageLog } from '#aws/page-log';
import { DynamoPageStateStore } from '#aws/paging-state';
import { type Retrier, type RetryPolicy, retrier } from '#aws/retry';
import { publishPage } from '#aws/sns';
import { type AlarmPlan, findAlarm } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import {
  type AlarmStateChangeMessage,
  type FailingEvidence,
  handleAlarmStateChange,
  handlePagingTick,
  type PageLogRecord,
  type PagingContext,
} from '#shared/pages';

/** The scheduled invocation's payload (EventBridge Scheduler input): send resolves that came due. */
export interface TickEvent {
  readonly source: 'depmon.tick';
}

/**
 * Five attempts per AWS call (as many as the SNS client made itself before its retries became ours),
 * well inside the function's timeout; Lambda's own retry of the invocation comes after these.
 */
export const NOTIFY_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 };

export interface NotifyDeps {
  readonly config: MonitorConfig;
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
  /** Backoff wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
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
}

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
 * Handles one invocation. Throws when a publish or a write fails: Lambda then retries the asynchronous
 * invocation and, when retries run out, sends it to the on-failure queue. Nothing fails silently.
 */
export async function notify(event: SNSEvent | TickEvent, deps: NotifyDeps): Promise<NotifySummary> {
  const inv = invocation(deps);
  const messages = isTick(event) ? [] : event.Records.map((r) => parseAlarmMessage(r.Sns.Message));
  // Most ticks find no open incident: then there is nothing to resolve and no reason to ask CloudWatch.
  if (messages.length === 0 && !(await inv.store.list()).some((s) => s.open)) {
    return { sent: 0, held: 0, skipped: 0, records: [] };
  }
  const ctx = await pagingContext(inv, messages);
  const records: PageLogRecord[] = [];
  if (messages.length === 0) records.push(...(await handlePagingTick(ctx)).records);
  for (const m of messages) records.push(...(await handleAlarmStateChange(m, ctx)).records);
  const summary = await deliverAll(inv, records);
  await inv.store.flush();
  return summary;
}

function invocation(deps: NotifyDeps): Invocation {
  const retry = retrier({
    policy: deps.retry ?? NOTIFY_RETRY,
    retryable: isRetryable,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  return {
    deps,
    now: deps.now?.() ?? new Date(),
    log: deps.log ?? (() => {}),
    retry,
    store: new DynamoPageStateStore(deps.ddb, deps.stateTable, retry),
  };
}

/** What the paging core asks of CloudWatch: every alarm's state, and the failing-region counts. */
async function pagingContext(
  inv: Invocation,
  messages: readonly AlarmStateChangeMessage[],
): Promise<PagingContext> {
  const { deps } = inv;
  const states = await describeAlarmStates(deps.cloudwatch, `${deps.config.name}-`, inv.retry);
  const failing = await failingEvidence(inv, messages);
  return {
    config: deps.config,
    plan: deps.plan,
    store: inv.store,
    now: inv.now,
    alarmState: (name) => states.get(name),
    failing: (dep) => failing.get(dep),
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

/** Publishes and logs each record once, in order; a retried delivery skips what is already done. */
async function deliverAll(inv: Invocation, records: readonly PageLogRecord[]): Promise<NotifySummary> {
  let skipped = 0;
  const written: PageLogRecord[] = [];
  for (const record of records) {
    if (await inv.store.marker(record.id)) {
      // A retried delivery: this record was already published and logged.
      skipped++;
      continue;
    }
    written.push(await deliver(inv, record));
  }
  const sent = written.filter((r) => r.outcome === 'sent').length;
  return { sent, held: written.length - sent, skipped, records: written };
}

/** Publishes a record meant to be sent, then writes it to the page log and marks it handled. */
async function deliver(inv: Invocation, record: PageLogRecord): Promise<PageLogRecord> {
  const { deps } = inv;
  let final = record;
  if (record.outcome === 'sent') {
    const topicArn = record.route ? deps.topics[record.route] : undefined;
    if (!topicArn) throw new Error(`notify: no topic for route "${record.route}" (DEPMON_ROUTE_TOPICS)`);
    const messageId = await publishPage(deps.sns, topicArn, record, inv.retry);
    final = { ...record, topicArn, ...(messageId ? { messageId } : {}) };
  }
  await writePageLog(deps.ddb, deps.pageLogTable, final, inv.retry);
  await inv.store.putMarker(record.id, inv.now, final.messageId);
  inv.log({
    msg: final.outcome === 'sent' ? 'page sent' : 'page held',
    id: final.id,
    kind: final.kind,
    resolved: final.resolved,
    route: final.route,
    heldReason: final.heldReason,
    messageId: final.messageId,
    subject: final.subject,
  });
  return final;
}
