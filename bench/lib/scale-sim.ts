// The simulator at size: synthesizes the home Region's stacks of a generated scale config in-process (bundling
// skipped, as `depmon simulate` does) and runs a scale scenario through runScenario. Shared by the scale bench section
// and its profiling entry point (`tsx bench/lib/scale-sim.ts N MINUTES`).
import type { AlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import {
  emptyPhases,
  parseScenario,
  type RunPhases,
  renderReport,
  runScenario,
  type Simulation,
} from '#shared/simulate';
import { scaleConfigInput, scaleScenario } from './scale-config.ts';

/** The home Region's split stacks, synthesized as `depmon simulate` does (bundling and CDK's validation skipped). */
export async function synthHome(config: MonitorConfig): Promise<{ template: unknown; plan: AlarmPlan }> {
  const { synthHomeRegion } = await import('#infra/home-region');
  const { template, plan } = synthHomeRegion(config, 'scale.config.json');
  return { template, plan };
}

export interface ScaleSimulation {
  readonly simulation: Simulation;
  readonly synthMs: number;
  readonly runMs: number;
  readonly reportMs: number;
  readonly reportBytes: number;
  /** Wall milliseconds of the run's phases (warm-up, stand-ins, probing, evaluation, pages). */
  readonly phases: RunPhases;
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
  const phases = emptyPhases();
  let last = performance.now();
  const simulation = await runScenario({
    scenario,
    config,
    template,
    plan,
    phases,
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
    phases,
    roundMs: rounds,
    report,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  const minutes = Number(process.argv[3] ?? 60);
  const t0 = performance.now();
  const r = await simulateAtSize(n, minutes);
  const wall = performance.now() - t0;
  const { stats } = r.simulation;
  const phases = Object.entries(r.phases)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');
  process.stdout.write(
    `${n} deps, ${minutes} min: wall ${Math.round(wall)} ms; synth ${Math.round(r.synthMs)} ms, run ${Math.round(r.runMs)} ms (${stats.rounds} rounds, ${stats.probes} probes, ${stats.alarms} alarms), phases (ms) ${phases}; rounds ${r.roundMs.map((x) => Math.round(x)).join(' ')} ms; report ${Math.round(r.reportMs)} ms ${Math.round(r.reportBytes / 1024)} KiB; pages ${r.simulation.pages.length}, transitions ${r.simulation.alarms.length}\n`,
  );
  if (process.argv[4]) (await import('node:fs')).writeFileSync(process.argv[4], r.report);
}
