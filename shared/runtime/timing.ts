// The probe function's clock, as infra deploys it and the function runs it: the schedule, the rounds of one
// invocation, the guard and budgets around them, and the function timeout and memory that follow. The probe
// stack, the probe function, the simulator and the bill all read these; none computes its own.
import { checkTimeoutMs, type MonitorConfig } from '#shared/config';

/** EventBridge Scheduler fires each probe function every this many minutes (its shortest rate is one minute). */
export const PROBE_SCHEDULE_MINUTES = 1;

/** A round stops probing this long before the next round is due, leaving time to build and hand over datums. */
export const ROUND_GUARD_MS = 500;

/**
 * Time a round's PutMetricData may take, retries included. The function timeout adds it after the last
 * round, so a throttled final publish still finishes (or fails visibly) before Lambda kills the run.
 */
export const PUBLISH_BUDGET_MS = 8_000;

/** One PutMetricData request may take this long before it counts as failed (and, if time is left, retried). */
export const PUBLISH_REQUEST_TIMEOUT_MS = 3_000;

/** Slack on top of the computed cycle for cold start, the egress check's tail and clock skew. */
export const TIMEOUT_SLACK_SECONDS = 10;

/** Lambda's longest timeout (Lambda quotas). */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** Memory of each probe function unless the deployment overrides it (Lambda gives CPU in proportion). */
export const PROBE_MEMORY_MB = 256;

/** The notify function's timeout: one alarm change, a few DynamoDB and SNS calls, with room for their retries. */
export const NOTIFY_TIMEOUT_SECONDS = 60;

/** Memory of the notify function. */
export const NOTIFY_MEMORY_MB = 256;

/** Rounds per invocation: 60 s / interval (one round for a 60 s interval). */
export function roundsPerInvocation(intervalSeconds: number): number {
  return Math.max(1, Math.floor((PROBE_SCHEDULE_MINUTES * 60) / intervalSeconds));
}

/** What a round leaves for probing: the interval, less the guard before the next round and the egress check. */
export function roundBudgetMs(config: MonitorConfig): number {
  return (
    config.intervalSeconds * 1000 - ROUND_GUARD_MS - (config.egress.enabled ? config.egress.timeoutMs : 0)
  );
}

/**
 * The probe function timeout: every round of the minute (the last one may probe until the minute ends),
 * then a throttled final publish with its retries and one request timeout, then slack.
 */
export function probeTimeoutSeconds(config: MonitorConfig): number {
  const cycle = roundsPerInvocation(config.intervalSeconds) * config.intervalSeconds;
  const publish = Math.ceil((PUBLISH_BUDGET_MS + PUBLISH_REQUEST_TIMEOUT_MS) / 1000);
  return Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, cycle + publish + TIMEOUT_SLACK_SECONDS);
}

/**
 * The "fast" detection profile's second look: a probe that fails is probed again this long later, in the same
 * round, and the region votes down only if both fail. Longer than a short blip (the detection bench's are
 * 3–15 s), short enough to leave room in a 60 s round.
 */
export const CONFIRM_DELAY_MS = 20_000;

/**
 * The delay before the in-round second look, or 0 when there is none: the economical profile, or a round too
 * short to hold a failing probe, the delay and its retry, each at the longest check timeout (a 60 s interval
 * holds them; at 30 s and under, the fast profile confirms on the next round instead).
 */
export function confirmDelayMs(config: MonitorConfig): number {
  if (config.policy.detection !== 'fast') return 0;
  const longest = Math.max(0, ...config.dependencies.map((d) => checkTimeoutMs(d)));
  return 2 * longest + CONFIRM_DELAY_MS <= roundBudgetMs(config) ? CONFIRM_DELAY_MS : 0;
}
