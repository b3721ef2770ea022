// The simulator at size: synthesizes the home stack of a generated scale config in-process (bundling skipped,
// as `depmon simulate` does) and runs a scale scenario through runScenario. Shared by the scale bench section
// and its profiling entry point (`tsx bench/lib/scale-sim.ts N MINUTES`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { AlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import { parseScenario, renderReport, runScenario, type Simulation } from '#shared/simulate';
import { scaleConfigInput, scaleScenario } from './scale-config.ts';

/**
 * CDK refuses a stack over 500 resources at synth; the split into several stacks is issue 11 point 1 (infra).
 * The simulator only reads the alarms, so here the limit is lifted to rehearse sizes one stack cannot deploy.
 */
const NO_RESOURCE_LIMIT = { '@aws-cdk/core:stackResourceLimit': 0 };

export async function synthHome(config: MonitorConfig): Promise<{ template: unknown; plan: AlarmPlan }> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'depmon-scale-'));
  try {
    const { HomeStack } = await import('#infra/home-stack');
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [], ...NO_RESOURCE_LIMIT },
    });
    const stack = new HomeStack(app, 'Home', {
      config,
      configFile: 'scale.config.json',
      env: { region: config.homeRegion },
    });
    return { template: app.synth().getStackByName(stack.stackName).template, plan: stack.plan };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

export interface ScaleSimulation {
  readonly simulation: Simulation;
  readonly synthMs: number;
  readonly runMs: number;
  readonly reportMs: number;
  readonly reportBytes: number;
  /** Wall milliseconds of each probe round (the first one includes starting the stand-ins). */
  readonly roundMs: readonly number[];
  readonly report: string;
}

export async function simulateAtSize(n: number, minutes: number): Promise<ScaleSimulation> {
  const config = parseConfig(scaleConfigInput(n), 'scale.config.json');
  const t0 = performance.now();
  const { template, plan } = await synthHome(config);
  const t1 = performance.now();
  const scenario = parseScenario(scaleScenario(n, minutes), 'scale.yaml', process.cwd());
  const rounds: number[] = [];
  let last = performance.now();
  const simulation = await runScenario({
    scenario,
    config,
    template,
    plan,
    onProgress: () => {
      const t = performance.now();
      rounds.push(t - last);
      last = t;
    },
  });
  const t2 = performance.now();
  const report = renderReport(simulation);
  const t3 = performance.now();
  return {
    simulation,
    synthMs: t1 - t0,
    runMs: t2 - t1,
    reportMs: t3 - t2,
    reportBytes: Buffer.byteLength(report),
    roundMs: rounds,
    report,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  const minutes = Number(process.argv[3] ?? 60);
  const r = await simulateAtSize(n, minutes);
  const { stats } = r.simulation;
  process.stdout.write(
    `${n} deps, ${minutes} min: synth ${Math.round(r.synthMs)} ms, run ${Math.round(r.runMs)} ms (${stats.rounds} rounds, ${stats.probes} probes, ${stats.alarms} alarms), rounds ${r.roundMs.map((x) => Math.round(x)).join(' ')} ms; report ${Math.round(r.reportMs)} ms ${Math.round(r.reportBytes / 1024)} KiB; pages ${r.simulation.pages.length}, transitions ${r.simulation.alarms.length}\n`,
  );
  if (process.argv[4]) (await import('node:fs')).writeFileSync(process.argv[4], r.report);
}
