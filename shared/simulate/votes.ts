// The votes the paging core asks for (`PagingContext.votes`), read from the simulator's datapoint store as an
// alarm evaluated at the same instant would see them: only datums already ingested under the timing model.
import type { MonitorConfig } from '#shared/config';
import { DIM_DEPENDENCY, downVotes, METRIC_STATUS } from '#shared/metrics';
import { type VotePeriod, type VoteSeries, voteLookbackMs, votePeriodSeconds } from '#shared/pages';
import type { DatapointStore } from './datapoints.ts';

/** Each dependency's periods with data from `now - voteLookbackMs` to `now`, as GetMetricData would give them. */
export function storeVotes(
  store: DatapointStore,
  config: MonitorConfig,
  dependencies: readonly string[],
  now: number,
): VoteSeries {
  const periodMs = votePeriodSeconds(config) * 1000;
  const first = Math.floor((now - voteLookbackMs(config)) / periodMs) * periodMs;
  const out = new Map<string, VotePeriod[]>();
  for (const id of new Set(dependencies)) {
    const metric = {
      namespace: config.namespace,
      metricName: METRIC_STATUS,
      dimensions: { [DIM_DEPENDENCY]: id },
    };
    const periods: VotePeriod[] = [];
    for (let start = first; start <= now; start += periodMs) {
      const values = store.values(metric, start, periodMs, now);
      if (values.length === 0) continue;
      periods.push({ start, down: downVotes(values.reduce((a, b) => a + b, 0)), samples: values.length });
    }
    out.set(id, periods);
  }
  return out;
}
