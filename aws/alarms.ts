// CloudWatch alarms as depmon reads them: every alarm's current state (DescribeAlarms, paged) for the
// notify function and `depmon timeline`, and state changes in a window (DescribeAlarmHistory, paged).
import {
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  type DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmState } from '#shared/alarms';
import type { Retrier } from './retry.ts';

/** DescribeAlarms returns at most 100 alarms per page (CloudWatch API reference, DescribeAlarms: MaxRecords 1–100). */
export const DESCRIBE_ALARMS_MAX_RECORDS = 100;
/**
 * DescribeAlarms' default request rate per account and Region (CloudWatch service quotas, "DescribeAlarms":
 * 9 transactions per second, adjustable). One invocation's pages are spaced to stay under it.
 */
export const DESCRIBE_ALARMS_TPS = 9;
/** DescribeAlarmHistory returns at most 100 items per page (CloudWatch API reference). */
export const DESCRIBE_ALARM_HISTORY_MAX_RECORDS = 100;

const once: Retrier = (_action, fn) => fn();

export interface CurrentAlarm {
  readonly name: string;
  readonly state?: AlarmState;
  /** When it entered that state. */
  readonly since?: Date;
}

/** A StateUpdate in an alarm's history. */
export interface AlarmStateUpdate {
  readonly alarm: string;
  readonly at: Date;
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
}

/** Every metric and composite alarm whose name starts with `prefix` (and in `state`, if given), all pages. */
export async function describeAlarms(
  cw: CloudWatchClient,
  prefix: string,
  retry: Retrier = once,
  pace?: Pace,
  state?: AlarmState,
): Promise<CurrentAlarm[]> {
  const out: CurrentAlarm[] = [];
  let NextToken: string | undefined;
  do {
    await pace?.();
    const page: DescribeAlarmsCommandOutput = await retry('cloudwatch:DescribeAlarms', () =>
      cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          ...(state ? { StateValue: state } : {}),
          MaxRecords: DESCRIBE_ALARMS_MAX_RECORDS,
          NextToken,
        }),
      ),
    );
    for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (!a.AlarmName) continue;
      out.push({
        name: a.AlarmName,
        ...(a.StateValue ? { state: a.StateValue as AlarmState } : {}),
        ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp } : {}),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/**
 * Alarm name → its state (and since when, where listed), for the alarms whose names start with `prefix`.
 * With `known`, only the alarms not OK are listed and every other known one reads OK, with no time.
 */
export async function describeAlarmStates(
  cw: CloudWatchClient,
  prefix: string,
  retry: Retrier = once,
  opts: AlarmStateReadOptions = {},
): Promise<Map<string, CurrentAlarm>> {
  const states = new Map<string, CurrentAlarm>();
  if (opts.known === undefined) {
    for (const a of await describeAlarms(cw, prefix, retry, opts.pace)) if (a.state) states.set(a.name, a);
    return states;
  }
  // Only the alarms not OK are listed: at 1,000 dependencies (about 2,200 alarms) a full listing was 22 pages
  // per invocation, against 2 now while all is well. INSUFFICIENT_DATA is read first, ALARM last, so an alarm
  // that turns to ALARM between the two reads is still seen in it.
  for (const state of NOT_OK)
    for (const a of await describeAlarms(cw, prefix, retry, opts.pace, state))
      if (a.state) states.set(a.name, a);
  for (const name of opts.known) if (!states.has(name)) states.set(name, { name, state: 'OK' });
  return states;
}

const NOT_OK = ['INSUFFICIENT_DATA', 'ALARM'] as const satisfies readonly AlarmState[];

export interface AlarmStateReadOptions {
  /**
   * Every alarm name that exists (the alarm plan's): then only the alarms in ALARM or INSUFFICIENT_DATA are
   * listed and every other known one is OK. @default list every alarm with the prefix
   */
  readonly known?: Iterable<string>;
  /** Waits before each page so calls stay under a request rate. @default no wait */
  readonly pace?: Pace;
}

/** Waits, if need be, before a call; see `pacer`. */
export type Pace = () => Promise<void>;

/**
 * How much more than a second a paced call waits for the call `tps` places before it. Calls reach CloudWatch with
 * the network's jitter: spaced exactly a second apart where they leave, two can land within one second where the
 * quota is counted (the scale bench saw 10 DescribeAlarms in one second of the service's clock with no margin).
 */
export const PACE_MARGIN_MS = 100;

/** A pace that can say when its recent calls started, to hand them on (aws/shared-pace). */
export interface Pacer extends Pace {
  /** The start times of its most recent calls (at most `tps`), by its clock. */
  readonly starts: () => readonly number[];
}

/**
 * Keeps calls to at most `tps` in any one-second window: the first `tps` go at once (a page's usual one or two
 * reads never wait), a later one waits until the call `tps` places before it is a second (and PACE_MARGIN_MS)
 * old. `now` and `sleep` are injectable so tests neither wait nor depend on timing. `seed`: start times of
 * calls made before (by another invocation, on the same clock), counted as this pacer's own.
 */
export function pacer(
  tps: number,
  clock: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
  seed: readonly number[] = [],
): Pacer {
  const now = clock.now ?? (() => performance.now());
  const sleep = clock.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const starts: number[] = seed.filter((x) => Number.isFinite(x)).slice(-tps);
  const pace = async () => {
    const t = now();
    const oldest = starts.length >= tps ? (starts[starts.length - tps] as number) : undefined;
    const at = oldest === undefined ? t : Math.max(t, oldest + 1000 + PACE_MARGIN_MS);
    starts.push(at);
    if (starts.length > tps) starts.shift();
    if (at > t) await sleep(at - t);
  };
  return Object.assign(pace, { starts: () => [...starts] });
}

/** The state changes of the alarms `matches` accepts, in time order, between `from` and `to`. */
export async function alarmHistory(
  cw: CloudWatchClient,
  window: { readonly from: Date; readonly to: Date },
  matches: (name: string) => boolean,
  retry: Retrier = once,
): Promise<AlarmStateUpdate[]> {
  const out: AlarmStateUpdate[] = [];
  let NextToken: string | undefined;
  do {
    const page: DescribeAlarmHistoryCommandOutput = await retry('cloudwatch:DescribeAlarmHistory', () =>
      cw.send(
        new DescribeAlarmHistoryCommand({
          HistoryItemType: 'StateUpdate',
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          StartDate: window.from,
          EndDate: window.to,
          ScanBy: 'TimestampAscending',
          MaxRecords: DESCRIBE_ALARM_HISTORY_MAX_RECORDS,
          NextToken,
        }),
      ),
    );
    for (const item of page.AlarmHistoryItems ?? []) {
      if (!item.AlarmName || !item.Timestamp || !matches(item.AlarmName)) continue;
      const t = parseStateUpdate(item.HistoryData, item.HistorySummary);
      if (t) out.push({ alarm: item.AlarmName, at: item.Timestamp, ...t });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** HistoryData of a StateUpdate: `{"oldState":{"stateValue"},"newState":{"stateValue","stateReason"}}`. */
export function parseStateUpdate(
  data: string | undefined,
  summary: string | undefined,
): { from: string; to: string; reason?: string } | undefined {
  try {
    const d = JSON.parse(data ?? '') as {
      oldState?: { stateValue?: string };
      newState?: { stateValue?: string; stateReason?: string };
    };
    if (d.oldState?.stateValue && d.newState?.stateValue) {
      return {
        from: d.oldState.stateValue,
        to: d.newState.stateValue,
        ...(d.newState.stateReason ? { reason: d.newState.stateReason } : {}),
      };
    }
  } catch {
    // Fall back to the summary: "Alarm updated from OK to ALARM".
  }
  const m = /from (\w+) to (\w+)/.exec(summary ?? '');
  return m ? { from: m[1]!, to: m[2]! } : undefined;
}
