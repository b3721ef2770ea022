// The shard split the probe stacks deploy, the alarm plan watches and the bill prices.
import { describe, expect, it } from 'vitest';
import { planShards } from '#shared/runtime';
import { config, manyDependencies } from '../../helpers/configs.ts';

describe('planShards', () => {
  it('keeps shards even and in config order', () => {
    // Act
    const shards = planShards(config({ dependencies: manyDependencies(101), vpc: undefined }), 50);
    // Assess
    expect(shards.map((s) => [s.tier, s.shard, s.dependencies.length])).toEqual([
      ['first-party', 0, 1],
      ['third-party', 0, 34],
      ['third-party', 1, 34],
      ['third-party', 2, 33],
    ]);
    expect(shards[2]!.dependencies[0]!.id).toBe('partner-34');
  });

  it('shrinks shards so that a cycle of targets that all hang still fits in its round', () => {
    // Prepare: a 10 s round leaves 6.5 s after the egress check: one 5 s wave of 32 probes
    const fast = config({ dependencies: manyDependencies(120), vpc: undefined, intervalSeconds: 10 });
    // Act
    const shards = planShards(fast, 50).filter((s) => s.tier === 'third-party');
    // Assess
    expect(shards.map((s) => s.dependencies.length)).toEqual([30, 30, 30, 30]);
  });
});
