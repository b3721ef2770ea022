// What the paging core needs from CloudWatch at the moment of a page: every depmon alarm's state
// (DescribeAlarms) and how many probe regions see each dependency down (GetMetricData on `Down`).
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmPlan, AlarmState } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { DIM_DEPENDENCY, METRIC_DOWN } from '#shared/metrics';
import type { FailingEvidence } from '#shared/pages';

/** GetMetricData takes at most 500 queries per request (CloudWatch API reference, GetMetricData). */
export const GET_METRIC_DATA_MAX_QUERIES = 500;

/** States of every alarm whose name starts with `<config.name>-`, metric and composite, all pages. */
export async function describeAlarmStates(
  cw: CloudWatchClient,
  config: MonitorConfig,
): Promise<Map<string, AlarmState>> {
  const states = new Map<string, AlarmState>();
  let NextToken: string | undefined;
  do {
    const out = await cw.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: `${config.name}-`,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 100,
        NextToken,
      }),
    );
    for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
      if (a.AlarmName && a.StateValue) states.set(a.AlarmName, a.StateValue as AlarmState);
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return states;
}

/**
 * Failing-region counts from the shared `Down` series: the latest ended period's Sum over rounds per period.
 * Which regions they are is in the probe functions' logs (the dashboard's Logs Insights widgets); the
 * page gives the count.
 */
export async function failingCounts(
  cw: CloudWatchClient,
  config: MonitorConfig,
  plan: AlarmPlan,
  dependencies: readonly string[],
  now: Date,
): Promise<Map<string, FailingEvidence>> {
  const out = new Map<string, FailingEvidence>();
  const ids = dependencies.slice(0, GET_METRIC_DATA_MAX_QUERIES);
  if (ids.length === 0) return out;
  const queries: MetricDataQuery[] = ids.map((dep, i) => ({
    Id: `d${i}`,
    MetricStat: {
      Metric: {
        Namespace: config.namespace,
        MetricName: METRIC_DOWN,
        Dimensions: [{ Name: DIM_DEPENDENCY, Value: dep }],
      },
      Period: plan.period,
      Stat: 'Sum',
    },
    ReturnData: true,
  }));
  const res = await cw.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date(now.getTime() - plan.period * 1000 * (config.policy.evaluationPeriods + 1)),
      EndTime: now,
      ScanBy: 'TimestampDescending',
    }),
  );
  for (const r of res.MetricDataResults ?? []) {
    const i = Number(r.Id?.slice(1));
    const dep = ids[i];
    // The newest period may still be filling (a page often goes out mid-period, after the suppressor's
    // wait): it would under-count, even as 0 of N. Take the newest period that has ended.
    const latest = r.Values?.find((_, k) => {
      const start = r.Timestamps?.[k];
      return start === undefined || start.getTime() + plan.period * 1000 <= now.getTime();
    });
    if (dep !== undefined && latest !== undefined) {
      out.set(dep, {
        count: Math.min(config.probeRegions.length, Math.round(latest / plan.roundsPerPeriod)),
      });
    }
  }
  return out;
}
