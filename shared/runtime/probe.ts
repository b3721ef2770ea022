// What the probe stack hands each probe function and what the function reads back: its entry file, the
// dependency subset written beside its bundle, and its environment variables (names, values, parser).
import type { Dependency, MonitorConfig, Tier } from '#shared/config';
import { drillParameterName } from './drill.ts';
import { type EnvRecord, requiredEnv } from './env.ts';
import type { ProbeShard } from './shards.ts';
import { confirmDelayMs } from './timing.ts';

/** Handler source of every probe function (one code, many functions), relative to the repository root. */
export const PROBE_ENTRY = 'functions/probe/handler.ts';

/**
 * Written beside the bundle (EMBED_FILE) at build time. Header values keep their `${…}` references:
 * no secret value is ever embedded.
 */
export interface ProbeEmbed {
  readonly dependencies: readonly Dependency[];
  readonly egress: MonitorConfig['egress'];
  readonly concurrency: number;
  readonly resolvers: readonly string[];
  /** The fast profile's in-round second look at a failing probe, ms after the round's probes (0: none). */
  readonly confirmDelayMs?: number;
}

/** What a shard's function gets compiled in: its dependencies (secret references, never values) and probe settings. */
export function probeEmbed(config: MonitorConfig, shard: ProbeShard): ProbeEmbed {
  return {
    dependencies: shard.dependencies,
    egress: config.egress,
    concurrency: config.concurrency,
    resolvers: config.resolvers,
    confirmDelayMs: confirmDelayMs(config),
  };
}

/** Environment variables the probe stack sets on each probe function. */
export const ENV_TIER = 'DEPMON_TIER';
export const ENV_SHARD = 'DEPMON_SHARD';
export const ENV_HOME_REGION = 'DEPMON_HOME_REGION';
export const ENV_NAMESPACE = 'DEPMON_NAMESPACE';
export const ENV_INTERVAL_SECONDS = 'DEPMON_INTERVAL_SECONDS';
/** Set by Lambda itself: the Region the function runs in, i.e. the probe Region. */
export const ENV_AWS_REGION = 'AWS_REGION';
/** The drill store's SSM parameter (in the home Region). */
export const ENV_DRILL_PARAMETER = 'DEPMON_DRILL_PARAMETER';

/** The variables the probe stack sets on a shard's function (Lambda adds AWS_REGION). */
export function probeEnvironment(config: MonitorConfig, shard: Pick<ProbeShard, 'tier' | 'shard'>) {
  return {
    [ENV_TIER]: shard.tier,
    [ENV_SHARD]: String(shard.shard),
    [ENV_HOME_REGION]: config.homeRegion,
    [ENV_NAMESPACE]: config.namespace,
    [ENV_INTERVAL_SECONDS]: String(config.intervalSeconds),
    [ENV_DRILL_PARAMETER]: drillParameterName(config),
  };
}

export interface ProbeSettings {
  readonly tier: Tier;
  readonly shard: number;
  readonly probeRegion: string;
  readonly homeRegion: string;
  readonly namespace: string;
  readonly intervalSeconds: number;
  /** The drill store's parameter; absent (an older deployment): no drills. */
  readonly drillParameter?: string;
}

/** Reads the function's settings; a missing or malformed variable is a deployment bug, named in the error. */
export function readProbeSettings(env: EnvRecord): ProbeSettings {
  const get = requiredEnv(env, 'probe');
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
    ...(env[ENV_DRILL_PARAMETER] ? { drillParameter: env[ENV_DRILL_PARAMETER] } : {}),
  };
}
