// The `Status` votes the paging core asks for (`PagingContext.votes`) while an external page waits for core's
// evidence, read with GetMetricData: per down-alarm period, FLOOR(Sum / 1000) region-rounds down and
// SampleCount region-rounds in all, from `voteLookbackMs` back to now.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readDownSeries } from '#aws/down-metric';
import type { Retrier } from '#aws/retry';
import type { MonitorConfig } from '#shared/config';
import {
  coreDependencyIds,
  type VotePeriod,
  type VoteSeries,
  voteLookbackMs,
  votePeriodSeconds,
} from '#shared/pages';

export interface VoteSource {
  readonly cloudwatch: CloudWatchClient;
  readonly config: MonitorConfig;
  /** The paging clock: the window ends here. */
  readonly now: Date;
  readonly retry: Retrier;
  /** Starts each GetMetricData request (the invocation's pacer). */
  readonly pace: () => Promise<void>;
  readonly log: (record: Record<string, unknown>) => void;
}

/**
 * The votes for one decide: each dependency is read once (the paging core asks for core's with every external
 * alarm), the next decide reads afresh. A failed read (after retries) gives no periods, logged: the verdict is
 * then unknown, so the page waits and, past `coreEvidenceMaxWaitMs`, goes out without the "core healthy" claim.
 */
export function voteReader(src: VoteSource): (dependencies: readonly string[]) => Promise<VoteSeries> {
  const known = new Map<string, readonly VotePeriod[]>();
  return async (dependencies) => {
    // With no core configured the verdict needs no data (coreVerdict: healthy).
    const wanted = coreDependencyIds(src.config).length === 0 ? [] : [...new Set(dependencies)];
    const missing = wanted.filter((d) => !known.has(d));
    if (missing.length > 0) for (const [d, periods] of await readVotes(src, missing)) known.set(d, periods);
    return new Map(wanted.map((d) => [d, known.get(d) ?? []]));
  };
}

async function readVotes(src: VoteSource, dependencies: readonly string[]): Promise<VoteSeries> {
  const periodSeconds = votePeriodSeconds(src.config);
  const periodMs = periodSeconds * 1000;
  const now = src.now.getTime();
  // From the start of the period the lookback falls in, as the simulator's reading (shared/simulate/votes.ts).
  const from = Math.floor((now - voteLookbackMs(src.config)) / periodMs) * periodMs;
  try {
    const series = await readDownSeries(
      src.cloudwatch,
      {
        namespace: src.config.namespace,
        dependencies,
        period: periodSeconds,
        window: { from: new Date(from), to: src.now },
      },
      src.retry,
      src.pace,
    );
    return new Map(
      dependencies.map((d) => {
        const cells = [...(series.get(d) ?? new Map<number, { sum: number; count: number }>())];
        // `sum` is already the down votes (FLOOR(Sum / 1000)); a period without SampleCount has no data.
        const periods = cells
          .filter(([, c]) => c.count > 0)
          .map(([start, c]): VotePeriod => ({ start, down: c.sum, samples: c.count }))
          .sort((a, b) => a.start - b.start);
        return [d, periods];
      }),
    );
  } catch (e) {
    src.log({
      level: 'warn',
      msg: "GetMetricData failed; core's evidence unknown, the external page keeps waiting",
      error: String(e),
    });
    return new Map(dependencies.map((d) => [d, []]));
  }
}
