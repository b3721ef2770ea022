// CloudWatch's own timing, as a seeded model for `depmon simulate --jitter SEED`: each alarm is evaluated at its
// own second within its evaluation interval, and each probe function's datums become visible to alarms some
// seconds after the round they belong to. The sources of the ranges are in the README ("CloudWatch's own timing").
// Every draw is a hash of the seed and what is drawn for, so a run is reproducible whatever order the runner
// asks in.
import { PUBLISH_BUDGET_MS } from '#shared/runtime';

/**
 * Per-alarm evaluation offsets are whole seconds in [0, interval): CloudWatch evaluates an alarm once per
 * evaluation interval (60 s, or 10 s for 10/20/30 s periods) and stamps its transitions to the second.
 */
export const OFFSET_STEP_MS = 1000;
/** The least a round's datums take to become visible: probing a healthy round plus one PutMetricData call. */
export const INGESTION_DELAY_MIN_MS = 1000;
/**
 * CloudWatch's own share of the ingestion delay, on top of depmon's publish. AWS publishes no bound; alarms
 * read only the datapoints already available when they run (knowledge-center "cloudwatch-trigger-metric").
 */
export const CLOUDWATCH_INGESTION_MAX_MS = 10_000;
/** The most a round's datums take: depmon's whole publish budget (retries included), then CloudWatch's share. */
export const INGESTION_DELAY_MAX_MS = PUBLISH_BUDGET_MS + CLOUDWATCH_INGESTION_MAX_MS;

export interface TimingModel {
  /** Shown in the run's notes. */
  readonly description: string;
  /** How long after each evaluation instant of its interval the alarm runs: whole seconds, under the interval. */
  evaluationOffsetMs(alarm: string, intervalMs: number): number;
  /** How long after its round one publish (a probe function's datums for one round) becomes visible. */
  ingestionDelayMs(publish: string): number;
}

/** A seed as `--jitter` takes it: a whole number from 0 to 2^32 - 1. */
export const MAX_JITTER_SEED = 0xffff_ffff;

/** FNV-1a over the text, then a murmur3-style finaliser: a well-mixed 32-bit value per (seed, key). */
function hash32(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform draw in [0, 1) for one named thing under one seed. */
export const uniform = (seed: number, key: string): number => hash32(seed, key) / 2 ** 32;

/** The seeded model: offsets uniform over the interval's whole seconds, ingestion uniform within its bounds. */
export function seededTiming(seed: number): TimingModel {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_JITTER_SEED)
    throw new RangeError(`jitter seed must be a whole number from 0 to ${MAX_JITTER_SEED}, got ${seed}`);
  return {
    description: `CloudWatch timing model, seed ${seed}: each alarm evaluated at its own second of its evaluation interval (0–59 s, 0–9 s for 10/20/30 s periods); each probe function's datums visible ${INGESTION_DELAY_MIN_MS / 1000}–${INGESTION_DELAY_MAX_MS / 1000} s after its round.`,
    evaluationOffsetMs: (alarm, intervalMs) =>
      Math.floor(uniform(seed, `offset\u0000${alarm}`) * (intervalMs / OFFSET_STEP_MS)) * OFFSET_STEP_MS,
    ingestionDelayMs: (publish) =>
      INGESTION_DELAY_MIN_MS +
      Math.floor(
        uniform(seed, `ingest\u0000${publish}`) * (INGESTION_DELAY_MAX_MS - INGESTION_DELAY_MIN_MS + 1),
      ),
  };
}

/** A model with chosen offsets (seconds, by alarm name) and a fixed ingestion delay: for rehearsing one ordering. */
export function fixedTiming(offsetsSeconds: Readonly<Record<string, number>>, ingestionMs = 0): TimingModel {
  return {
    description: `CloudWatch timing model: fixed offsets ${JSON.stringify(offsetsSeconds)}, ingestion ${ingestionMs} ms.`,
    evaluationOffsetMs: (alarm, intervalMs) =>
      Math.min(intervalMs - OFFSET_STEP_MS, (offsetsSeconds[alarm] ?? 0) * 1000),
    ingestionDelayMs: () => ingestionMs,
  };
}
