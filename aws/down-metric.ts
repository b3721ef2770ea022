// The shared `Status` metric read back (GetMetricData): one series per dependency for every probe region,
// FLOOR(Sum / 1000) = failing (down) region-rounds and SampleCount = reporting region-rounds per period. The notify function
// reads the latest ended period for a page's region count; `depmon timeline` reads a whole window.
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { DIM_DEPENDENCY, downVotes, METRIC_STATUS } from '#shared/metrics';
import type { Retrier } from './retry.ts';

/** GetMetricData takes at most 500 queries per request (CloudWatch API reference, GetMetricData). */
export const GET_METRIC_DATA_MAX_QUERIES = 500;
/**
 * GetMetricData's default request rate per account and Region (CloudWatch service quotas, "GetMetricData":
 * 50 transactions per second, adjustable).
 */
export const GET_METRIC_DATA_TPS = 50;

const once: Retrier = (_action, fn) => fn();

type DownStat = 'Sum' | 'SampleCount';

function downQuery(id: string, namespace: string, dependency: string, period: number, stat: DownStat) {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: METRIC_STATUS,
        Dimensions: [{ Name: DIM_DEPENDENCY, Value: dependency }],
      },
      Period: period,
      Stat: stat,
    },
    ReturnData: true,
  } satisfies MetricDataQuery;
}

/**
 * The newest ended period's down votes (from the `Status` Sum) per dependency, over the last `periods` periods before `now`, in one
 * request per GET_METRIC_DATA_MAX_QUERIES dependencies. The newest period may still be filling (a page often
 * goes out mid-period): it would under-count, even as 0, so it is skipped.
 */
export async function latestDownSums(
  cw: CloudWatchClient,
  q: {
    readonly namespace: string;
    readonly dependencies: readonly string[];
    readonly period: number;
    readonly periods: number;
    readonly now: Date;
  },
  retry: Retrier = once,
  pace?: () => Promise<void>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < q.dependencies.length; i += GET_METRIC_DATA_MAX_QUERIES) {
    await pace?.();
    const ids = q.dependencies.slice(i, i + GET_METRIC_DATA_MAX_QUERIES);
    for (const [dep, sum] of await latestDownSumsOnce(cw, q, ids, retry)) out.set(dep, sum);
  }
  return out;
}

async function latestDownSumsOnce(
  cw: CloudWatchClient,
  q: { readonly namespace: string; readonly period: number; readonly periods: number; readonly now: Date },
  ids: readonly string[],
  retry: Retrier,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const res = await retry('cloudwatch:GetMetricData', () =>
    cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: ids.map((dep, i) => downQuery(`d${i}`, q.namespace, dep, q.period, 'Sum')),
        StartTime: new Date(q.now.getTime() - q.period * 1000 * q.periods),
        EndTime: q.now,
        ScanBy: 'TimestampDescending',
      }),
    ),
  );
  for (const r of res.MetricDataResults ?? []) {
    const dep = ids[Number(r.Id?.slice(1))];
    const latest = r.Values?.find((_, k) => {
      const start = r.Timestamps?.[k];
      return start === undefined || start.getTime() + q.period * 1000 <= q.now.getTime();
    });
    if (dep !== undefined && latest !== undefined) out.set(dep, downVotes(latest));
  }
  return out;
}

/** Per dependency, per period start (ms): the down votes (`sum`, from the `Status` Sum) and the votes (SampleCount). */
export type DownSeries = Map<string, Map<number, { sum: number; count: number }>>;

/**
 * Every dependency's down votes and votes over a window, in as many requests and pages as it takes, each
 * request (page) started by `pace` when given.
 */
export async function readDownSeries(
  cw: CloudWatchClient,
  q: {
    readonly namespace: string;
    readonly dependencies: readonly string[];
    readonly period: number;
    readonly window: { readonly from: Date; readonly to: Date };
  },
  retry: Retrier = once,
  pace?: () => Promise<void>,
): Promise<DownSeries> {
  const deps = q.dependencies;
  const series: DownSeries = new Map();
  const perRequest = Math.floor(GET_METRIC_DATA_MAX_QUERIES / 2);
  for (let i = 0; i < deps.length; i += perRequest) {
    const queries = deps
      .slice(i, i + perRequest)
      .flatMap((dep, j) => [
        downQuery(`s${i + j}`, q.namespace, dep, q.period, 'Sum'),
        downQuery(`n${i + j}`, q.namespace, dep, q.period, 'SampleCount'),
      ]);
    let NextToken: string | undefined;
    do {
      await pace?.();
      const page: GetMetricDataCommandOutput = await retry('cloudwatch:GetMetricData', () =>
        cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: q.window.from,
            EndTime: q.window.to,
            ScanBy: 'TimestampAscending',
            NextToken,
          }),
        ),
      );
      for (const r of page.MetricDataResults ?? []) addResult(series, deps, r);
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return series;
}

function addResult(
  series: DownSeries,
  deps: readonly string[],
  r: NonNullable<GetMetricDataCommandOutput['MetricDataResults']>[number],
): void {
  const m = /^([sn])(\d+)$/.exec(r.Id ?? '');
  const dep = m ? deps[Number(m[2])] : undefined;
  if (!m || !dep) return;
  const s = series.get(dep) ?? new Map<number, { sum: number; count: number }>();
  series.set(dep, s);
  (r.Timestamps ?? []).forEach((ts, k) => {
    const v = r.Values?.[k] ?? 0;
    const cell = s.get(ts.getTime()) ?? { sum: 0, count: 0 };
    if (m[1] === 's') cell.sum = downVotes(v);
    else cell.count = v;
    s.set(ts.getTime(), cell);
  });
}
