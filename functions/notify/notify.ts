// The notify function's work, with its AWS clients passed in: SNS alarm message → paging core →
// publish to each route's topic → page log. Thin on purpose: every decision is in shared/pages.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
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
import { describeAlarmStates, failingCounts } from './aws-context.ts';
import { DynamoPageStateStore, writePageLog } from './store.ts';

/** The scheduled invocation's payload (EventBridge Scheduler input): send resolves that came due. */
export interface TickEvent {
  readonly source: 'depmon.tick';
}

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
}

export interface NotifySummary {
  readonly sent: number;
  readonly held: number;
  readonly skipped: number;
  readonly records: readonly PageLogRecord[];
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
  const now = deps.now?.() ?? new Date();
  const log = deps.log ?? (() => {});
  const store = new DynamoPageStateStore(deps.ddb, deps.stateTable);
  const messages = isTick(event) ? [] : event.Records.map((r) => parseAlarmMessage(r.Sns.Message));
  // Most ticks find no open incident: then there is nothing to resolve and no reason to ask CloudWatch.
  if (messages.length === 0 && !(await store.list()).some((s) => s.open)) {
    return { sent: 0, held: 0, skipped: 0, records: [] };
  }
  const states = await describeAlarmStates(deps.cloudwatch, deps.config);

  const deps0 = new Set<string>();
  for (const m of messages)
    for (const d of findAlarm(deps.plan, m.AlarmName)?.dependencies ?? []) deps0.add(d);
  // The failing-region count only adds detail to a page: without it the page still goes out.
  const failing =
    deps0.size > 0
      ? await failingCounts(deps.cloudwatch, deps.config, deps.plan, [...deps0], now).catch((e: unknown) => {
          log({ level: 'warn', msg: 'GetMetricData failed; paging without region counts', error: String(e) });
          return new Map<string, FailingEvidence>();
        })
      : new Map<string, FailingEvidence>();

  const ctx: PagingContext = {
    config: deps.config,
    plan: deps.plan,
    store,
    now,
    alarmState: (name) => states.get(name),
    failing: (dep) => failing.get(dep),
  };
  const records: PageLogRecord[] = [];
  if (messages.length === 0) records.push(...(await handlePagingTick(ctx)).records);
  for (const m of messages) records.push(...(await handleAlarmStateChange(m, ctx)).records);

  let sent = 0;
  let held = 0;
  let skipped = 0;
  const written: PageLogRecord[] = [];
  for (const record of records) {
    const marker = await store.marker(record.id);
    if (marker) {
      // A retried delivery: this record was already published and logged.
      skipped++;
      continue;
    }
    let final = record;
    if (record.outcome === 'sent') {
      const topicArn = record.route ? deps.topics[record.route] : undefined;
      if (!topicArn) throw new Error(`notify: no topic for route "${record.route}" (DEPMON_ROUTE_TOPICS)`);
      const out = await deps.sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: record.subject,
          Message: JSON.stringify(record.messages),
          MessageStructure: 'json',
          MessageAttributes: attributes(record.attributes ?? {}),
        }),
      );
      final = { ...record, topicArn, ...(out.MessageId ? { messageId: out.MessageId } : {}) };
      sent++;
    } else {
      held++;
    }
    await writePageLog(deps.ddb, deps.pageLogTable, final);
    await store.putMarker(record.id, now, final.messageId);
    written.push(final);
    log({
      msg: final.outcome === 'sent' ? 'page sent' : 'page held',
      id: final.id,
      kind: final.kind,
      resolved: final.resolved,
      route: final.route,
      heldReason: final.heldReason,
      messageId: final.messageId,
      subject: final.subject,
    });
  }
  await store.flush();
  return { sent, held, skipped, records: written };
}

function attributes(attrs: Readonly<Record<string, string>>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) if (v) out[k] = { DataType: 'String', StringValue: v };
  return out;
}
