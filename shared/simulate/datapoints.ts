// A local stand-in for CloudWatch's metric storage: datums in, per-period statistics out.
import { BASIC_STATISTICS, PERCENTILE_STATISTIC } from '#shared/alarms';
import type { Dimension, MetricDatum } from '#shared/metrics';

export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value; the set must match exactly, as in CloudWatch. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Statistics the evaluator computes: the five basic ones and percentiles (`p99`, `p99.9`). */
export function isSupportedStatistic(stat: string): boolean {
  return (BASIC_STATISTICS as readonly string[]).includes(stat) || PERCENTILE_STATISTIC.test(stat);
}

/** The percentile of `p99` as a fraction (0.99), or undefined for a basic statistic. */
export function percentileOf(stat: string): number | undefined {
  const m = PERCENTILE_STATISTIC.exec(stat);
  return m ? Number(m[1]) / 100 : undefined;
}

/**
 * Fewer samples than this make a percentile "low sample count" (CloudWatch user guide, "Percentile-based
 * alarms and low data samples": 10/(1-p) for p in 0.5–1, 10/p for p under 0.5).
 */
export function lowSampleThreshold(p: number): number {
  if (p >= 1 || p <= 0) return Number.POSITIVE_INFINITY;
  return p >= 0.5 ? 10 / (1 - p) : 10 / p;
}

/** Storage granularity: high-resolution data is kept to 1 s; we bucket by 10 s, the shortest alarm period. */
const BUCKET_MS = 10_000;

export const metricKey = (id: MetricId): string =>
  `${id.namespace}\u0000${id.metricName}\u0000${Object.keys(id.dimensions)
    .sort()
    .map((k) => `${k}=${id.dimensions[k]}`)
    .join('\u0001')}`;

const dimsRecord = (dims: readonly Dimension[]): Record<string, string> =>
  Object.fromEntries(dims.map((d) => [d.Name, d.Value]));

/**
 * `metricKey` of a datum. A datum of one dimension (every dependency's and heartbeat's) needs no record to sort:
 * building one per datum was a tenth of a simulated round at 1,000 dependencies.
 */
const datumKey = (namespace: string, d: MetricDatum): string => {
  const only = d.Dimensions.length === 1 ? d.Dimensions[0] : undefined;
  return only
    ? `${namespace}\u0000${d.MetricName}\u0000${only.Name}=${only.Value}`
    : metricKey({ namespace, metricName: d.MetricName, dimensions: dimsRecord(d.Dimensions) });
};

/** Keys of the metric ids alarms ask for, which are the same objects at every evaluation. */
const idKeys = new WeakMap<MetricId, string>();
const keyOf = (id: MetricId): string => {
  let key = idKeys.get(id);
  if (key === undefined) {
    key = metricKey(id);
    idKeys.set(id, key);
  }
  return key;
};

export interface PeriodStatistic {
  readonly value: number;
  readonly sampleCount: number;
}

/** The samples of one storage slot; `visibleAt` (epoch ms, parallel to `values`) only once a datum arrived late. */
interface Slot {
  readonly values: number[];
  visibleAt?: number[];
}

export class DatapointStore {
  private readonly series = new Map<string, Map<number, Slot>>();

  /**
   * Stores datums; `visibleAt` (epoch ms) is when CloudWatch has ingested them: alarms evaluated earlier do not
   * see them (the timing model's ingestion delay). Omitted: visible at once.
   */
  put(namespace: string, datums: readonly MetricDatum[], visibleAt?: number): void {
    for (const d of datums) {
      const key = datumKey(namespace, d);
      let buckets = this.series.get(key);
      if (!buckets) {
        buckets = new Map();
        this.series.set(key, buckets);
      }
      const t = d.Timestamp.getTime();
      // Standard-resolution data is stored per minute (CloudWatch rounds it down).
      const slot =
        Math.floor(t / (d.StorageResolution === 1 ? BUCKET_MS : 60_000)) *
        (d.StorageResolution === 1 ? BUCKET_MS : 60_000);
      let entry = buckets.get(slot);
      if (!entry) {
        entry = { values: [] };
        buckets.set(slot, entry);
      }
      if (visibleAt !== undefined || entry.visibleAt) {
        entry.visibleAt ??= entry.values.map(() => Number.NEGATIVE_INFINITY);
        entry.visibleAt.push(visibleAt ?? Number.NEGATIVE_INFINITY);
      }
      entry.values.push(d.Value);
    }
  }

  /** Raw values in [start, start + periodMs) that had been ingested by `asOf` (epoch ms; omitted: all). */
  values(id: MetricId, start: number, periodMs: number, asOf?: number): number[] {
    const buckets = this.series.get(keyOf(id));
    if (!buckets) return [];
    const out: number[] = [];
    for (let t = Math.floor(start / BUCKET_MS) * BUCKET_MS; t < start + periodMs; t += BUCKET_MS) {
      const entry = buckets.get(t);
      if (!entry) continue;
      const seen = entry.visibleAt;
      if (asOf === undefined || !seen) out.push(...entry.values);
      else
        for (let i = 0; i < entry.values.length; i++)
          if ((seen[i] as number) <= asOf) out.push(entry.values[i] as number);
    }
    return out;
  }

  /**
   * The statistic over one period as an alarm evaluated at `asOf` sees it, or undefined when the period has no
   * data then (a missing datapoint).
   */
  statistic(
    id: MetricId,
    stat: string,
    start: number,
    periodMs: number,
    asOf?: number,
  ): PeriodStatistic | undefined {
    const v = this.values(id, start, periodMs, asOf);
    if (v.length === 0) return undefined;
    return { value: computeStatistic(stat, v), sampleCount: v.length };
  }
}

export function computeStatistic(stat: string, values: readonly number[]): number {
  switch (stat) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
  const p = percentileOf(stat);
  if (p === undefined) throw new Error(`unsupported statistic "${stat}"`);
  // Nearest-rank percentile: CloudWatch's exact interpolation is not published (see README deviations).
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}
