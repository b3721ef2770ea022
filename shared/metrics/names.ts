// Metric names, dimensions and units: defined once here, used by the probe function, the alarm plan,
// the dashboard and the simulator. README.md documents them for users' own dashboards and alarms.
import type { Tier } from '#shared/config';

/**
 * `Down`: 1 when a probe region saw the dependency down in a round, else 0. Dimensions: Dependency.
 * Every probe region writes to the same series: Sum over a period = regions that saw it down,
 * SampleCount = regions that voted. One metric per dependency instead of one per region and dependency.
 */
export const METRIC_DOWN = 'Down';
/** `Degraded`: 1 when the region saw it degraded (slow, certificate expiring, an address lost), else 0. */
export const METRIC_DEGRADED = 'Degraded';
/** `Latency`: total probe time in milliseconds to the microsecond (down results included, capped at the timeout). */
export const METRIC_LATENCY = 'Latency';
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
export const UNIT_MS = 'Milliseconds';

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
