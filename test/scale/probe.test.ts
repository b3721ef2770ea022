// Probe functions at size: 1,000 dependencies in 3 regions, at 60 s and 20 s intervals. Every dependency is
// probed by exactly one function per region and tier, every function runs each minute, and every round
// finishes inside its interval even if each of its probes hangs to its timeout.
import { describe, expect, it } from 'vitest';
import { DependencyMonitor } from '#infra/monitor';
import { checkTimeoutMs } from '#shared/config';
import {
  LAMBDA_MAX_TIMEOUT_SECONDS,
  PUBLISH_BUDGET_MS,
  roundBudgetMs,
  roundsPerInvocation,
} from '#shared/runtime';
import { unbundledApp } from '../helpers/cdk.ts';
import { scaleConfig } from './configs.ts';
import type { CfnTemplate } from './quotas.ts';

describe.each([60, 20] as const)('1,000 dependencies at a %i s interval in 3 regions', (interval) => {
  it('split into shards whose every round fits its interval, each scheduled every minute', () => {
    // Prepare
    const config = scaleConfig(1000, { intervalSeconds: interval });
    const app = unbundledApp({ builtinCloudFormationValidation: false });
    // Act
    const monitor = new DependencyMonitor(app, 'Depmon', { config });
    const assembly = app.synth();
    // Assess
    expect(monitor.probeStacks.size).toBe(3);
    for (const [region, stack] of monitor.probeStacks) {
      // Each dependency once, in a function of its own tier.
      const probed = stack.functions.flatMap((f) => f.dependencies);
      expect(probed.sort()).toEqual(config.dependencies.map((d) => d.id).sort());
      for (const f of stack.functions) {
        const deps = config.dependencies.filter((d) => f.dependencies.includes(d.id));
        expect(deps.every((d) => d.tier === f.tier)).toBe(true);
        // Worst round: every probe hangs to its timeout, `concurrency` at a time, after the egress check.
        const waves = Math.ceil(deps.length / config.concurrency);
        const worstMs = waves * Math.max(...deps.map(checkTimeoutMs));
        expect(worstMs, `${region} ${f.tier} #${f.shard}`).toBeLessThanOrEqual(roundBudgetMs(config));
      }
      const t = assembly.getStackByName(stack.stackName).template as CfnTemplate;
      const fns = Object.values(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      const schedules = Object.values(t.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
      expect(fns).toHaveLength(stack.functions.length);
      expect(schedules).toHaveLength(stack.functions.length);
      for (const s of schedules) expect(s.Properties!.ScheduleExpression).toBe('rate(1 minute)');
      // The timeout covers every round of the minute and a throttled last publish, within Lambda's 15 minutes.
      const minimum = roundsPerInvocation(interval) * interval + PUBLISH_BUDGET_MS / 1000;
      for (const fn of fns) {
        expect(fn.Properties!.Timeout as number).toBeGreaterThanOrEqual(minimum);
        expect(fn.Properties!.Timeout as number).toBeLessThanOrEqual(LAMBDA_MAX_TIMEOUT_SECONDS);
      }
    }
    // One heartbeat alarm per deployed function, in the home region.
    const heartbeats = monitor.plan.alarms.filter((a) => a.role === 'heartbeat');
    expect(heartbeats).toHaveLength(3 * monitor.probeStacks.get('ap-northeast-1')!.functions.length);
  }, 240_000);
});
