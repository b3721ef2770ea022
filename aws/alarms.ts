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

/** DescribeAlarms returns at most 100 alarms per page (CloudWatch API reference). */
export const DESCRIBE_ALARMS_MAX_RECORDS = 100;
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

/** Every metric and composite alarm whose name starts with `prefix`, all pages. */
export async function describeAlarms(
  cw: CloudWatchClient,
  prefix: string,
  retry: Retrier = once,
): Promise<CurrentAlarm[]> {
  const out: CurrentAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page: DescribeAlarmsCommandOutput = await retry('cloudwatch:DescribeAlarms', () =>
      cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
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

/** Alarm name → state, for the alarms whose names start with `prefix`. */
export async function describeAlarmStates(
  cw: CloudWatchClient,
  prefix: string,
  retry: Retrier = once,
): Promise<Map<string, AlarmState>> {
  const states = new Map<string, AlarmState>();
  for (const a of await describeAlarms(cw, prefix, retry)) if (a.state) states.set(a.name, a.state);
  return states;
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
