// What the CDK app hands the probe function: the dependency subset compiled into its bundle, and the
// environment variable names it sets. One definition here, used by infra/probe-stack.ts and the handler.
import type { Dependency, MonitorConfig, Tier } from '#shared/config';

/**
 * Compiled into the bundle as `__DEPMON_EMBED__`. Header values keep their `${…}` references:
 * no secret value is ever embedded.
 */
export interface ProbeEmbed {
  readonly dependencies: readonly Dependency[];
  readonly egress: MonitorConfig['egress'];
  readonly concurrency: number;
  readonly resolvers: readonly string[];
}

/** Environment variables the probe stack sets on each probe function. */
export const ENV_TIER = 'DEPMON_TIER';
export const ENV_SHARD = 'DEPMON_SHARD';
export const ENV_HOME_REGION = 'DEPMON_HOME_REGION';
export const ENV_NAMESPACE = 'DEPMON_NAMESPACE';
export const ENV_INTERVAL_SECONDS = 'DEPMON_INTERVAL_SECONDS';
/** Set by Lambda itself: the Region the function runs in, i.e. the probe Region. */
export const ENV_AWS_REGION = 'AWS_REGION';

/**
 * Time a round's PutMetricData may take, retries included. The function timeout adds it after the last
 * round, so a throttled final publish still finishes (or fails visibly) before Lambda kills the run.
 */
export const PUBLISH_BUDGET_MS = 8_000;

/** One PutMetricData request may take this long before it counts as failed (and, if time is left, retried). */
export const PUBLISH_REQUEST_TIMEOUT_MS = 3_000;

export interface ProbeSettings {
  readonly tier: Tier;
  readonly shard: number;
  readonly probeRegion: string;
  readonly homeRegion: string;
  readonly namespace: string;
  readonly intervalSeconds: number;
}

/** Reads the function's settings; a missing or malformed variable is a deployment bug, named in the error. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): ProbeSettings {
  const get = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '')
      throw new Error(`probe function: environment variable ${name} is not set`);
    return v;
  };
  const tier = get(ENV_TIER);
  if (tier !== 'first-party' && tier !== 'third-party')
    throw new Error(`probe function: ${ENV_TIER} must be "first-party" or "third-party" (got "${tier}")`);
  const shard = Number(get(ENV_SHARD));
  const intervalSeconds = Number(get(ENV_INTERVAL_SECONDS));
  if (!Number.isInteger(shard) || shard < 0)
    throw new Error(`probe function: ${ENV_SHARD} must be a whole number`);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 60)
    throw new Error(`probe function: ${ENV_INTERVAL_SECONDS} must be 1-60`);
  return {
    tier,
    shard,
    probeRegion: get(ENV_AWS_REGION),
    homeRegion: get(ENV_HOME_REGION),
    namespace: get(ENV_NAMESPACE),
    intervalSeconds,
  };
}
