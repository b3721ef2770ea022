// Probe results → metric datums, and batching them within PutMetricData's limits.
import type { Dependency, Tier } from '#shared/config';
import { type ProbeResult, toMicros } from '#shared/probe';
import {
  dependencyDimensions,
  HIGH_RESOLUTION,
  heartbeatDimensions,
  METRIC_HEARTBEAT,
  METRIC_LATENCY,
  METRIC_STATUS,
  type MetricDatum,
  PUT_METRIC_DATA_MAX_BYTES,
  PUT_METRIC_DATA_MAX_DATUMS,
  STANDARD_RESOLUTION,
  STATUS_DEGRADED,
  STATUS_DOWN,
  UNIT_COUNT,
  UNIT_MILLISECONDS,
} from './names.ts';

export interface RoundContext {
  /** The round's scheduled start, aligned to the interval: every region's datum for a round lands in one period. */
  readonly roundTime: Date;
  readonly intervalSeconds: number;
}

const resolution = (intervalSeconds: number) =>
  intervalSeconds < 60 ? HIGH_RESOLUTION : STANDARD_RESOLUTION;

/** The value of a result in the `Status` metric: 0 up, 1 degraded, 1000 down. */
export const statusValue = (status: ProbeResult['status']): number =>
  status === 'down' ? STATUS_DOWN : status === 'degraded' ? STATUS_DEGRADED : 0;

/** The dependencies that publish `Latency` (their `latencyMetric`, settled by the config schema). */
export const latencyMetricIds = (deps: readonly Pick<Dependency, 'id' | 'latencyMetric'>[]): Set<string> =>
  new Set(deps.filter((d) => d.latencyMetric).map((d) => d.id));

/** Datums a dependency adds to each round's PutMetricData: its `Status`, and its `Latency` when it has one. */
export const datumsPerRound = (d: Pick<Dependency, 'latencyMetric'>): number => (d.latencyMetric ? 2 : 1);

/**
 * Each result's `Status`, then its `Latency` when its dependency is in `latency` (the ids of `latencyMetricIds`);
 * every result's latency is also in its probe-result log line.
 */
export function resultDatums(
  results: readonly ProbeResult[],
  ctx: RoundContext,
  latency: ReadonlySet<string> = new Set(),
): MetricDatum[] {
  const StorageResolution = resolution(ctx.intervalSeconds);
  return results.flatMap((r) => {
    const base = {
      Dimensions: dependencyDimensions(r.dependency),
      Timestamp: ctx.roundTime,
      StorageResolution,
    };
    const status = { ...base, MetricName: METRIC_STATUS, Value: statusValue(r.status), Unit: UNIT_COUNT };
    if (!latency.has(r.dependency)) return [status];
    const ms = Math.max(0, toMicros(r.latencyMs));
    return [status, { ...base, MetricName: METRIC_LATENCY, Value: ms, Unit: UNIT_MILLISECONDS }];
  });
}

/** The prober's own pulse: 1 = voted this round, 0 = abstained (egress failed). */
export function heartbeatDatum(
  region: string,
  tier: Tier,
  shard: number,
  voted: boolean,
  ctx: RoundContext,
): MetricDatum {
  return {
    MetricName: METRIC_HEARTBEAT,
    Dimensions: heartbeatDimensions(region, tier, shard),
    Timestamp: ctx.roundTime,
    Value: voted ? 1 : 0,
    Unit: UNIT_COUNT,
    StorageResolution: resolution(ctx.intervalSeconds),
  };
}

/** Round start aligned down to the interval, so datums of one round from every region share a period. */
export function alignRound(epochMs: number, intervalSeconds: number): Date {
  const step = intervalSeconds * 1000;
  return new Date(Math.floor(epochMs / step) * step);
}

/** Conservative JSON size of a datum on the wire (the SDK's JSON protocol is close to this). */
function datumBytes(d: MetricDatum): number {
  return Buffer.byteLength(JSON.stringify({ ...d, Timestamp: d.Timestamp.getTime() / 1000 })) + 1;
}

/**
 * Splits datums into PutMetricData requests: at most 1,000 datums and, with room for the envelope,
 * under 1 MB each. Order is kept; nothing is dropped.
 */
export function batchDatums(
  datums: readonly MetricDatum[],
  maxDatums = PUT_METRIC_DATA_MAX_DATUMS,
  maxBytes = PUT_METRIC_DATA_MAX_BYTES - 16_384,
): MetricDatum[][] {
  const batches: MetricDatum[][] = [];
  let cur: MetricDatum[] = [];
  let bytes = 0;
  for (const d of datums) {
    const b = datumBytes(d);
    if (cur.length > 0 && (cur.length >= maxDatums || bytes + b > maxBytes)) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(d);
    bytes += b;
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}
