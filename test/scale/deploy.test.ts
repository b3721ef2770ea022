// Any size deploys: the whole app synthesizes offline at 1 to 3,000 dependencies (3 probe regions, mixed tiers,
// groups and check kinds, 60 s and 20 s intervals), and every template fits CloudFormation's quotas, every
// dashboard CloudWatch's, every composite rule its limits; each composite deploys after the alarms it names.
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { DependencyMonitor } from '#infra/monitor';
import { unbundledApp } from '../helpers/cdk.ts';
import { scaleConfig } from './configs.ts';
import { type CfnTemplate, templateProblems } from './quotas.ts';

/** Lambda's cap on a function's environment variables (Lambda quotas): config must not travel there. */
const LAMBDA_ENV_MAX_BYTES = 4096;

const CASES = [
  { n: 1, interval: 60 },
  { n: 10, interval: 20 },
  { n: 100, interval: 60 },
  { n: 1000, interval: 20 },
  { n: 3000, interval: 60 },
] as const;

function synth(n: number, intervalSeconds: 60 | 20) {
  const config = scaleConfig(n, { intervalSeconds });
  // CDK's own template validation reads every template again (seconds per thousand alarms): the small sizes
  // keep it, the quotas below are checked at every size.
  const app = unbundledApp({ builtinCloudFormationValidation: n <= 100 });
  const monitor = new DependencyMonitor(app, 'Depmon', { config });
  return { config, monitor, assembly: app.synth() };
}

/** Alarm name → the stack that deploys it, and each stack's stacks deployed before it (transitively). */
function deployOrder(assembly: CloudAssembly) {
  const home = new Map<string, string>();
  const deployed: { name: string; stack: string }[] = [];
  const before = new Map<string, Set<string>>();
  const byId = new Map(assembly.stacks.map((s) => [s.id, s]));
  const ancestors = (id: string, into = new Set<string>()): Set<string> => {
    for (const d of byId.get(id)?.dependencies ?? []) {
      if (byId.has(d.id) && !into.has(d.id)) {
        into.add(d.id);
        ancestors(d.id, into);
      }
    }
    return into;
  };
  for (const s of assembly.stacks) {
    before.set(s.id, ancestors(s.id));
    for (const r of Object.values((s.template as CfnTemplate).Resources))
      if (r.Type.startsWith('AWS::CloudWatch::') && r.Properties?.AlarmName) {
        home.set(r.Properties.AlarmName as string, s.id);
        deployed.push({ name: r.Properties.AlarmName as string, stack: s.id });
      }
  }
  return { home, before, deployed };
}

describe.each(CASES)('$n dependencies at a $interval s interval', ({ n, interval }) => {
  it('synthesizes every stack inside the quotas, each composite after the alarms it names', () => {
    // Act
    const { config, monitor, assembly } = synth(n, interval);
    // Assess: quotas
    const problems = assembly.stacks.flatMap((s) => templateProblems(s.stackName, s.template as CfnTemplate));
    expect(problems).toEqual([]);
    // Every alarm of the plan is deployed exactly once, in the home region (beside depmon's own operational
    // alarms, which are not the plan's).
    const { home, before, deployed } = deployOrder(assembly);
    const homeIds = new Set(monitor.homeRegionStacks.map((s) => s.artifactId));
    const planned = new Set(monitor.plan.alarms.map((a) => a.name));
    const ofPlan = deployed.filter((d) => planned.has(d.name));
    expect(ofPlan.every((d) => homeIds.has(d.stack))).toBe(true);
    expect(ofPlan.map((d) => d.name).sort()).toEqual([...planned].sort());
    // Deploy order: a composite's children and suppressor are in its own stack or one deployed before it.
    for (const a of monitor.plan.alarms) {
      if (a.type !== 'composite') continue;
      const stack = home.get(a.name)!;
      for (const child of [...a.children, ...(a.suppressor ? [a.suppressor.alarm] : [])]) {
        const at = home.get(child)!;
        expect(at === stack || before.get(stack)!.has(at), `${a.name} → ${child}`).toBe(true);
      }
    }
    // The config reaches the functions beside their bundles: their environments stay small.
    for (const s of assembly.stacks)
      for (const r of Object.values((s.template as CfnTemplate).Resources))
        if (r.Type === 'AWS::Lambda::Function')
          expect(JSON.stringify(r.Properties?.Environment ?? {}).length).toBeLessThan(LAMBDA_ENV_MAX_BYTES);
    expect(config.dependencies).toHaveLength(n);
  }, 240_000);
});
