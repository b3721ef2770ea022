// `depmon simulate SCENARIO [--json] [--report FILE.html] [--timeline FILE] [--jitter SEED]`: replays an outage
// scenario through stand-ins, the real probe engine, the home Region's alarms as synthesized, a local CloudWatch evaluator and
// the real paging core. Exit 0 when it ran, 2 on bad usage, scenario or config.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AlarmPlan } from '#shared/alarms';
import {
  ConfigError,
  configWarnings,
  loadConfigFile,
  type MonitorConfig,
  resolveConfigFile,
} from '#shared/config';
import {
  accountFromSimulation,
  formatSimulation,
  loadScenarioFile,
  MAX_JITTER_SEED,
  renderReport,
  runScenario,
  type Scenario,
  type Simulation,
  seededTiming,
  simulationJson,
  TemplateError,
  type TimingModel,
} from '#shared/simulate';
import type { CliIO } from '../main.ts';
import { checkOutputFile, writeOutput, writeTextFile } from '../output.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

const USAGE = `Usage: depmon simulate SCENARIO [--config FILE] [--json] [--report FILE.html] [--timeline FILE] [--jitter SEED]

Replays an outage scenario (YAML or JSON, see docs/simulate.md "Scenario format") on a virtual clock: local stand-ins
behave as the scenario says, the real probe engine probes them from every probe region, and the home stack's
alarms (as cdk synth renders them) are evaluated with CloudWatch's rules. Prints who would be paged, when,
and with what text. No AWS account needed.
  --config FILE      the config (default: the scenario's config:, else monitor.config.ts, .json or .yaml here)
  --json             print one JSON object: {"pages":[…],"alarms":[…],"held":[…],…}
  --report FILE      write a self-contained HTML report with a timeline chart
  --timeline FILE    write the incident account (.md, .html, .csv or .json), as depmon timeline does
  --jitter SEED      add CloudWatch's own timing, drawn from SEED (0 to 4294967295): each alarm evaluated at
                     its own second of the minute, datums ingested seconds late; the same seed gives the same run

Exit codes: 0 it ran, 2 bad usage, scenario or config.
`;

export interface SimulateOptions {
  readonly json?: boolean;
  readonly report?: string;
  readonly timeline?: string;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      timeline: { type: 'string' },
      jitter: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`simulate: expected one SCENARIO file\n\n${USAGE}`);
  // Before the run, which may take minutes: a bad output path found afterwards would waste it.
  const timing = values.jitter === undefined ? undefined : seededTiming(parseSeed(values.jitter));
  if (values.report || values.timeline) {
    const inputs = await runInputs(positionals[0] as string, io, values.config);
    if (values.report)
      checkOutputFile('--report', values.report, io.cwd, { extensions: REPORT_EXTENSIONS, inputs });
    if (values.timeline)
      checkOutputFile('--timeline', values.timeline, io.cwd, {
        extensions: ['.md', '.html', '.csv', '.json'],
        inputs,
      });
  }
  const result = await simulateFile(positionals[0] as string, io, values.config, timing ? { timing } : {});
  await emit(result, io, {
    json: values.json === true,
    ...(values.report ? { report: values.report } : {}),
    ...(values.timeline ? { timeline: values.timeline } : {}),
  });
  return 0;
}

/** What --report writes: a self-contained HTML page. */
export const REPORT_EXTENSIONS = ['.html', '.htm'] as const;

/** The files a simulation reads (the scenario and its config), which no output may replace. */
export async function runInputs(scenarioFile: string, io: CliIO, named?: string): Promise<string[]> {
  const scenario = await loadScenarioFile(scenarioFile, io.cwd);
  const { file } = resolveConfigFile({
    cwd: io.cwd,
    command: 'simulate',
    named,
    scenario: { file: scenario.file, config: scenario.configFile },
  });
  return [path.resolve(io.cwd, scenario.file), path.resolve(io.cwd, file)];
}

/** `--jitter SEED`: a whole number CloudWatch's timing model can draw from. */
export function parseSeed(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > MAX_JITTER_SEED)
    throw new UsageError(`--jitter ${text}: expected a whole number seed from 0 to ${MAX_JITTER_SEED}`);
  return n;
}

/**
 * Loads the scenario and its config (by the one rule: `named`, else the scenario's `config:`, else the working
 * directory's monitor.config.*), synthesizes the home stack and runs it (under `timing`, if given).
 */
export async function simulateFile(
  file: string,
  io: CliIO,
  named?: string,
  options: { readonly timing?: TimingModel } = {},
): Promise<Simulation> {
  const scenario = await loadScenarioFile(file, io.cwd);
  // A `config:` that names nothing is the scenario's mistake: name the scenario's field, not only the path.
  if (named === undefined && scenario.configFile !== undefined && !existsSync(scenario.configFile))
    throw new ConfigError(scenario.file, [
      {
        path: 'config',
        message: `expected a config file, but ${scenario.configFile} does not exist`,
        hint: 'the path is relative to the scenario file',
      },
    ]);
  const { file: configFile } = resolveConfigFile({
    cwd: io.cwd,
    command: 'simulate',
    named,
    scenario: { file: scenario.file, config: scenario.configFile },
  });
  const { config, file: configShown } = await loadConfigFile(configFile, io.cwd);
  const { template, plan } = await homeTemplate(config, configShown);
  for (const w of configWarnings(config)) io.stderr.write(`depmon: warning: ${configShown}: ${w}\n`);
  let result: Simulation;
  try {
    result = await runScenario({
      scenario,
      config,
      template,
      plan,
      onProgress: progress(io, scenario),
      ...(options.timing ? { timing: options.timing } : {}),
    });
  } catch (e) {
    // An alarm the evaluator cannot model is bad input too: name the resource and property, no stack trace.
    if (e instanceof TemplateError)
      throw new ConfigError(`home stack template (from ${configShown})`, [
        { path: e.path, message: e.expectation },
      ]);
    throw e;
  } finally {
    clearProgress(io);
  }
  return result;
}

/**
 * The home Region's templates (base, core, alarm and dashboard stacks), synthesized in-process with asset
 * bundling skipped and read as one, and the alarm plan they were rendered from (its probe shards are the deployed
 * ones). A synth that fails, or renders no alarms, is a ConfigError (exit 2, one line): simulating anything but
 * what `cdk synth` emits would rehearse the wrong alarms.
 */
export async function homeTemplate(
  config: MonitorConfig,
  configFile: string,
): Promise<{ template: unknown; plan: AlarmPlan }> {
  let why: string;
  try {
    const { synthHomeRegion } = await import('#infra/home-region');
    const { template, plan } = synthHomeRegion(config, configFile);
    const hasAlarms = Object.values(template.Resources).some((r) => r.Type.startsWith('AWS::CloudWatch::'));
    if (hasAlarms) return { template, plan };
    why = 'it rendered no alarms';
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    why = e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e);
  }
  throw new ConfigError(configFile, [{ path: '', message: `cdk synth of the home stacks failed: ${why}` }]);
}

function progress(io: CliIO, scenario: Scenario): ((done: number, total: number) => void) | undefined {
  if (!io.stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    io.stderr.write(
      `\r  simulating ${scenario.name}: ${Math.round(done / 60)} of ${Math.round(total / 60)} min (${pct}%)`,
    );
  };
}

function clearProgress(io: CliIO): void {
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
}

export async function emit(result: Simulation, io: CliIO, opts: SimulateOptions): Promise<void> {
  const written: string[] = [];
  if (opts.report) {
    const file = path.resolve(io.cwd, opts.report);
    await writeOutput('--report', opts.report, () => writeTextFile(file, renderReport(result)));
    written.push(`report: ${opts.report}`);
  }
  if (opts.timeline) {
    const shown = opts.timeline;
    await writeOutput('--timeline', shown, async () => {
      written.push(await writeRehearsalTimeline(result, path.resolve(io.cwd, shown), shown));
    });
  }
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(simulationJson(result))}\n`);
    for (const w of written) io.stderr.write(`${w}\n`);
    return;
  }
  io.stdout.write(formatSimulation(result));
  for (const w of written) io.stdout.write(`${w}\n`);
}

/** `--timeline`: the rehearsal's incident account, as `depmon timeline` writes a real incident's. */
export async function writeRehearsalTimeline(r: Simulation, file: string, shown: string): Promise<string> {
  const { writeTimeline } = await import('#shared/timeline');
  await writeTimeline(accountFromSimulation(r), file);
  return `timeline: ${shown}`;
}
