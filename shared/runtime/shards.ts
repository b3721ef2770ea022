// How a config's dependencies are split across probe functions ("shards"): one split, used by the probe
// stacks (which functions exist), the alarm plan (one heartbeat alarm per shard), the simulator and the bill.
import { checkTimeoutMs, type Dependency, type MonitorConfig, TIERS, type Tier } from '#shared/config';
import { roundBudgetMs } from './timing.ts';

export interface ProbeShard {
  readonly tier: Tier;
  /** 0-based, per tier and Region; the Heartbeat's `Shard` dimension. */
  readonly shard: number;
  readonly dependencies: readonly Dependency[];
}

/**
 * Most targets one function can probe without a cycle outgrowing its round even if every one of them
 * hangs to its timeout: `concurrency` probes per wave, as many waves as fit in the round after the egress
 * check (at least one).
 */
export function waveCapacity(config: MonitorConfig, deps: readonly Dependency[]): number {
  const slowest = Math.max(1, ...deps.map(checkTimeoutMs));
  return config.concurrency * Math.max(1, Math.floor(roundBudgetMs(config) / slowest));
}

/**
 * Splits each tier's dependencies into shards of at most min(`targetsPerFunction`, waveCapacity), as
 * evenly as possible (101 targets at 50 → 34 + 34 + 33, not 50 + 50 + 1), in config order so shard
 * membership is stable.
 */
export function planShards(
  config: MonitorConfig,
  targetsPerFunction = config.targetsPerFunction,
): ProbeShard[] {
  const out: ProbeShard[] = [];
  for (const tier of TIERS) {
    const deps = config.dependencies.filter((d) => d.tier === tier);
    if (deps.length === 0) continue;
    const perFunction = Math.min(targetsPerFunction, waveCapacity(config, deps));
    const shards = Math.ceil(deps.length / perFunction);
    const base = Math.floor(deps.length / shards);
    const extra = deps.length % shards;
    let at = 0;
    for (let shard = 0; shard < shards; shard++) {
      const n = base + (shard < extra ? 1 : 0);
      out.push({ tier, shard, dependencies: deps.slice(at, at + n) });
      at += n;
    }
  }
  return out;
}
