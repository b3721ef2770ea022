// What depmon's functions really write, in bytes: the probe function's log lines (the exact shape of its JSON
// log records, measured against the real formatter in test/shared/cost/usage.test.ts), Lambda's own platform
// lines, and the PutMetricData bodies a probe region sends to the home region. Pure: sizes from the config.
import type { Dependency } from '#shared/config';
import { dependencyDimensions, METRIC_LATENCY, METRIC_STATUS } from '#shared/metrics';

/** CloudWatch Logs counts 26 bytes per event on top of its message (CloudWatch Logs quotas, PutLogEvents). */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

const ISO = '2026-12-02T01:02:03.456Z';
const REQUEST_ID = '8f5c3a62-2b1e-4c0e-9d7a-0123456789ab';

/**
 * Bytes of one `probe-result` line of a healthy HTTP probe as the probe function writes it (`jsonLog` of
 * `resultRecord`: a time, then the record, then a newline), for this dependency seen from this region.
 */
export function probeResultLineBytes(d: Pick<Dependency, 'id' | 'tier'>, region: string): number {
  const line = JSON.stringify({
    time: ISO,
    level: 'info',
    msg: 'probe-result',
    dependency: d.id,
    tier: d.tier,
    region,
    status: 'up',
    latencyMs: 123,
    reason: null,
    detail: null,
    httpStatus: 200,
    round: 0,
    roundTime: ISO,
  });
  return Buffer.byteLength(line) + 1;
}

/** Bytes of the `invocation` summary line the probe function writes once per invocation. */
export function invocationLineBytes(tier: string, shard: number, region: string, rounds: number): number {
  const round = { round: 0, roundTime: ISO, voted: true, results: 50, down: 0, degraded: 0 };
  const line = JSON.stringify({
    time: ISO,
    level: 'info',
    msg: 'invocation',
    tier,
    shard,
    region,
    rounds: Array.from({ length: rounds }, () => round),
    datums: 51 * rounds, // 50 Status datums and the heartbeat per round
    requests: rounds,
    elapsedMs: 1234,
  });
  return Buffer.byteLength(line) + 1;
}

/** Lambda's START, END and REPORT lines of one invocation (their documented text format). */
export function platformLinesBytes(): number {
  return [
    `START RequestId: ${REQUEST_ID} Version: $LATEST`,
    `END RequestId: ${REQUEST_ID}`,
    `REPORT RequestId: ${REQUEST_ID}\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\tMemory Size: 256 MB\tMax Memory Used: 98 MB\t`,
  ].reduce((n, l) => n + Buffer.byteLength(l) + 1 + LOG_EVENT_OVERHEAD_BYTES, 0);
}

/**
 * Bytes one dependency's datums add to a PutMetricData body each round (the SDK's JSON protocol: names,
 * dimensions, timestamp, value, unit, resolution), uncompressed: its `Status`, and its `Latency` when it has one.
 */
export function datumBytesOf(d: Pick<Dependency, 'id' | 'latencyMetric'>): number {
  const base = {
    Dimensions: dependencyDimensions(d.id),
    Timestamp: 1764637320,
    StorageResolution: 60,
  };
  return [
    { ...base, MetricName: METRIC_STATUS, Value: 0, Unit: 'Count' },
    ...(d.latencyMetric
      ? [{ ...base, MetricName: METRIC_LATENCY, Value: 123.456, Unit: 'Milliseconds' }]
      : []),
  ].reduce((n, datum) => n + Buffer.byteLength(JSON.stringify(datum)) + 1, 0);
}

/** Request overhead of one HTTPS PutMetricData call beyond its datums: headers (SigV4) and TLS records. */
export const PUT_METRIC_DATA_OVERHEAD_BYTES = 2048;
