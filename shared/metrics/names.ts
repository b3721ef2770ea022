// Metric names, dimensions and units: defined once here, used by the probe function, the alarm plan,
// the dashboard and the simulator. README.md documents them for users' own dashboards and alarms.
import type { Tier } from '#shared/config';

/**
 * `Status`: one datum per dependency per round from each probe region: 0 up, STATUS_DEGRADED (1) degraded,
 * STATUS_DOWN (1000) down. Dimensions: Dependency. Every probe region writes to the same series, so over a
 * period Sum = 1000 × down votes + degraded votes and SampleCount = votes: the down alarm reads
 * FLOOR(Sum / 1000), the degraded alarm Sum − 1000 × FLOOR(Sum / 1000) (metric math on one metric, billed as
 * one alarm metric). One custom metric per dependency instead of three (Down, Degraded, Latency until
 * December 2026): at $0.30 a metric-month it is most of the bill. Latency is in the probe-result log lines, and
 * in `Latency` for the dependencies that opt in.
 */
export const METRIC_STATUS = 'Status';
/**
 * `Latency`, opt-in (config `metrics.latency`, a dependency's `latencyMetric`): a result's total probe time in
 * milliseconds to the microsecond, down results included (capped at the timeout), one datum per round from each
 * voting region. Dimensions: Dependency. The same name, unit and dimension as before December 2026, so
 * p99 graphs and alarms built on it then read it again. One more custom metric per dependency that has it.
 */
export const METRIC_LATENCY = 'Latency';
/**
 * A down vote's value in `Status`: more than any period's degraded votes can add up to (regions × rounds: AWS has
 * fewer than 40 Regions and a minute holds at most 6 rounds, so at most a few hundred).
 */
export const STATUS_DOWN = 1000;
/** A degraded vote's value in `Status` (slow, certificate expiring, an address lost). */
export const STATUS_DEGRADED = 1;
/** The down votes in a period's `Status` Sum. */
export const downVotes = (statusSum: number): number => Math.floor(statusSum / STATUS_DOWN);
/** The degraded votes in a period's `Status` Sum. */
export const degradedVotes = (statusSum: number): number => statusSum - STATUS_DOWN * downVotes(statusSum);
/** The same two decodings as CloudWatch metric-math expressions over the input with id `id`. */
export const DOWN_VOTES_EXPRESSION = (id: string): string => `FLOOR(${id} / ${STATUS_DOWN})`;
export const DEGRADED_VOTES_EXPRESSION = (id: string): string =>
  `${id} - ${STATUS_DOWN} * FLOOR(${id} / ${STATUS_DOWN})`;
/**
 * `Heartbeat`: one per round per probe function shard. 1 = the prober ran and voted;
 * 0 = it ran but abstained (its own egress check failed). Missing = the prober did not run.
 * Dimensions: ProbeRegion, Tier, Shard.
 */
export const METRIC_HEARTBEAT = 'Heartbeat';

export const DIM_DEPENDENCY = 'Dependency';
const DIM_PROBE_REGION = 'ProbeRegion';
const DIM_TIER = 'Tier';
const DIM_SHARD = 'Shard';

export const UNIT_COUNT = 'Count';
export const UNIT_MILLISECONDS = 'Milliseconds';

/** PutMetricData accepts at most 1,000 metric datums per request (CloudWatch API reference, PutMetricData). */
export const PUT_METRIC_DATA_MAX_DATUMS = 1000;
/** PutMetricData accepts at most 1 MB of request payload (CloudWatch API reference, PutMetricData). */
export const PUT_METRIC_DATA_MAX_BYTES = 1_000_000;
/** Storage resolution 1 (high resolution) is needed for periods under 60 s. */
export const HIGH_RESOLUTION = 1;
export const STANDARD_RESOLUTION = 60;

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** A CloudWatch metric datum, shaped like the SDK's `MetricDatum` (without importing the SDK). */
export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: readonly Dimension[];
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: string;
  readonly StorageResolution: number;
}

export const dependencyDimensions = (dependency: string): Dimension[] => [
  { Name: DIM_DEPENDENCY, Value: dependency },
];
export const heartbeatDimensions = (region: string, tier: Tier, shard: number): Dimension[] => [
  { Name: DIM_PROBE_REGION, Value: region },
  { Name: DIM_TIER, Value: tier },
  { Name: DIM_SHARD, Value: String(shard) },
];
