// Probe results → metric datums, and batching them within PutMetricData's limits.
import type { Tier } from '#shared/config';
import type { ProbeResult } from '#shared/probe';
import {
  dependencyDimensions,
  HIGH_RESOLUTION,
  heartbeatDimensions,
  METRIC_HEARTBEAT,
  METRIC_STATUS,
  type MetricDatum,
  PUT_METRIC_DATA_MAX_BYTES,
  PUT_METRIC_DATA_MAX_DATUMS,
  STANDARD_RESOLUTION,
  STATUS_DEGRADED,
  STATUS_DOWN,
  UNIT_COUNT,
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

/** One datum per result: its `Status` (latency stays in the probe-result log line). */
export function resultDatums(results: readonly ProbeResult[], ctx: RoundContext): MetricDatum[] {
  const StorageResolution = resolution(ctx.intervalSeconds);
  return results.map((r) => ({
    MetricName: METRIC_STATUS,
    Dimensions: dependencyDimensions(r.dependency),
    Timestamp: ctx.roundTime,
    Value: statusValue(r.status),
    Unit: UNIT_COUNT,
    StorageResolution,
  }));
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
