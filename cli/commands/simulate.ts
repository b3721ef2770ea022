// `depmon simulate SCENARIO [--json] [--report FILE.html] [--timeline FILE]`: replays an outage scenario through
// stand-ins, the real probe engine, the home stack's alarms as synthesized, a local CloudWatch evaluator and
// the real paging core. Exit 0 when it ran, 2 on bad usage, scenario or config.
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import type { AlarmPlan } from '#shared/alarms';
import { ConfigError, loadConfigFile, type MonitorConfig } from '#shared/config';
import {
  loadScenarioFile,
  renderReport,
  runScenario,
  type Scenario,
  type SimulationResult,
  TemplateError,
} from '#shared/simulate';
import type { CliIO } from '../main.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

const USAGE = `Usage: depmon simulate SCENARIO [--json] [--report FILE.html] [--timeline FILE]

Replays an outage scenario (YAML or JSON, see README "Scenario format") on a virtual clock: local stand-ins
behave as the scenario says, the real probe engine probes them from every probe region, and the home stack's
alarms (as cdk synth renders them) are evaluated with CloudWatch's rules. Prints who would be paged, when,
and with what text. No AWS account needed.
  --json             print one JSON object: {"pages":[…],"alarms":[…],"held":[…],…}
  --report FILE      write a self-contained HTML report with a timeline chart
  --timeline FILE    write the incident account (.md, .html, .csv or .json), as depmon timeline does

Exit codes: 0 it ran, 2 bad usage, scenario or config.
`;

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The config a scenario without `config:` runs against. */
export const EXAMPLE_CONFIG = path.join(PROJECT_ROOT, 'examples/bank/monitor.config.ts');

export interface SimulateOptions {
  readonly json?: boolean;
  readonly report?: string;
  readonly timeline?: string;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      timeline: { type: 'string' },
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
  if (values.report) checkOutputFile('--report', values.report, io.cwd);
  if (values.timeline)
    checkOutputFile('--timeline', values.timeline, io.cwd, ['.md', '.html', '.csv', '.json']);
  const result = await simulateFile(positionals[0] as string, io);
  await emit(result, io, {
    json: values.json === true,
    ...(values.report ? { report: values.report } : {}),
    ...(values.timeline ? { timeline: values.timeline } : {}),
  });
  return 0;
}

/** Loads the scenario and its config, synthesizes the home stack and runs it. */
export async function simulateFile(file: string, io: CliIO): Promise<SimulationResult> {
  const scenario = await loadScenarioFile(file, io.cwd);
  // A `config:` that names nothing is the scenario's mistake: name the scenario's field, not only the path.
  if (scenario.configFile !== undefined && !existsSync(scenario.configFile))
    throw new ConfigError(scenario.file, [
      {
        path: 'config',
        message: `expected a config file, but ${scenario.configFile} does not exist`,
        hint: 'the path is relative to the scenario file',
      },
    ]);
  const { config, file: configShown } = await loadConfigFile(scenario.configFile ?? EXAMPLE_CONFIG, io.cwd);
  const { template, plan } = await homeTemplate(config, configShown);
  let result: SimulationResult;
  try {
    result = await runScenario({ scenario, config, template, plan, onProgress: progress(io, scenario) });
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
 * The home stack's template, synthesized in-process with asset bundling skipped, and the alarm plan it was
 * rendered from (its probe shards are the deployed ones). A synth that fails, or renders no alarms, is a
 * ConfigError (exit 2, one line): simulating anything but what `cdk synth` emits would rehearse the wrong alarms.
 */
export async function homeTemplate(
  config: MonitorConfig,
  configFile: string,
): Promise<{ template: unknown; plan: AlarmPlan }> {
  // The cloud assembly is only read here: it goes in a temporary folder, removed once the template is read.
  const outdir = await mkdtemp(path.join(tmpdir(), 'depmon-simulate-'));
  let why: string;
  try {
    const { HomeStack } = await import('#infra/home-stack');
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new HomeStack(app, 'Home', { config, configFile, env: { region: config.homeRegion } });
    const template = app.synth().getStackByName(stack.stackName).template as {
      Resources?: Record<string, { Type?: string }>;
    };
    const hasAlarms = Object.values(template.Resources ?? {}).some((r) =>
      r.Type?.startsWith('AWS::CloudWatch::'),
    );
    if (hasAlarms) return { template, plan: stack.plan };
    why = 'it rendered no alarms';
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    why = e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
  throw new ConfigError(configFile, [{ path: '', message: `cdk synth of the home stack failed: ${why}` }]);
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

/** The --json document: the contract of DESIGN.md plus held pages, probe changes and actions. */
export function jsonDocument(r: SimulationResult): Record<string, unknown> {
  return {
    scenario: r.scenario,
    pages: r.pages.map((p) => ({
      atSeconds: p.atSeconds,
      kind: p.kind,
      severity: p.severity,
      dependencies: p.dependencies,
      subject: p.subject,
      resolved: p.resolved,
      alarm: p.alarm,
      routes: p.routes,
      regions: p.regions,
      text: p.text,
      sms: p.sms,
    })),
    held: r.held,
    alarms: r.alarms.map((a) => ({
      atSeconds: a.atSeconds,
      alarm: a.alarm,
      from: a.from,
      to: a.to,
      reason: a.reason,
    })),
    actions: r.actions,
    probes: r.probes,
    notes: r.notes,
    stats: r.stats,
  };
}

/**
 * Refuses an output path depmon cannot write, as a UsageError (exit 2, one line): a wrong extension, an existing
 * directory, or a parent that exists but is not a directory. A missing parent folder is created when writing.
 */
export function checkOutputFile(
  flag: string,
  file: string,
  cwd: string,
  extensions?: readonly string[],
): void {
  const abs = path.resolve(cwd, file);
  const ext = path.extname(abs).toLowerCase();
  if (extensions && !extensions.includes(ext))
    throw new UsageError(`${flag} ${file}: expected a file ending in ${extensions.join(', ')}`);
  if (existsSync(abs) && statSync(abs).isDirectory())
    throw new UsageError(`${flag} ${file}: is a directory; expected a file name`);
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${file}: ${dir} is not a directory`);
      break;
    }
    if (dir === path.dirname(dir)) break;
  }
}

/** Writes an output file (creating its folder); a failure is one line naming the flag, not a stack trace. */
export async function writeOutput(flag: string, shown: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    const code =
      (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
    throw new UsageError(`${flag} ${shown}: could not write the file (${code})`);
  }
}

export async function emit(result: SimulationResult, io: CliIO, opts: SimulateOptions): Promise<void> {
  const written: string[] = [];
  if (opts.report) {
    const file = path.resolve(io.cwd, opts.report);
    await writeOutput('--report', opts.report, async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, renderReport(result), 'utf8');
    });
    written.push(`report: ${opts.report}`);
  }
  if (opts.timeline) {
    const shown = opts.timeline;
    await writeOutput('--timeline', shown, async () => {
      written.push(await writeRehearsalTimeline(result, path.resolve(io.cwd, shown), shown));
    });
  }
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(jsonDocument(result))}\n`);
    for (const w of written) io.stderr.write(`${w}\n`);
    return;
  }
  io.stdout.write(formatTimeline(result));
  for (const w of written) io.stdout.write(`${w}\n`);
}

/** `--timeline`: the rehearsal's incident account, through shared/timeline's hook. */
export async function writeRehearsalTimeline(
  r: SimulationResult,
  file: string,
  shown: string,
): Promise<string> {
  const timeline = await import('#shared/timeline');
  const account = timeline.accountFromSimulation({
    config: {
      name: r.scenario.monitor,
      timeZone: r.scenario.timeZone,
      probeRegions: [...r.scenario.probeRegions],
    },
    start: r.scenario.start,
    durationSeconds: r.scenario.durationSeconds,
    scenario: r.scenario.name,
    alarms: r.alarms,
    alarmPlan: r.alarmCatalog,
    pages: [
      ...r.pages,
      ...r.held.map((h) => ({
        atSeconds: h.atSeconds,
        kind: h.kind,
        severity: h.severity,
        dependencies: [...h.dependencies],
        subject: h.subject,
        resolved: h.resolved,
        held: true,
        heldReason: h.reason,
        heldDetail: h.detail,
        alarm: h.alarm,
      })),
    ],
    probes: r.probes.map((p) => ({
      atSeconds: p.atSeconds,
      dependency: p.dependency,
      region: p.region,
      status: p.status,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.detail ? { detail: p.detail } : {}),
    })),
    notes: r.notes,
  });
  await timeline.writeTimeline(account, file);
  return `timeline: ${shown}`;
}

export const clock = (s: number): string => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `T+${h > 0 ? `${h}h` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}m${sec ? `${String(sec).padStart(2, '0')}s` : ''}`;
};

/** The human timeline: alarm transitions of alarms that page (and their inputs going to ALARM), pages, held pages. */
export function formatTimeline(r: SimulationResult): string {
  const lines: { at: number; order: number; text: string }[] = [];
  const interesting = (a: SimulationResult['alarms'][number]) =>
    !(a.from === 'INSUFFICIENT_DATA' && a.to === 'OK') && a.to !== 'INSUFFICIENT_DATA';
  // What the probes saw change, one line per dependency and moment (regions folded together).
  const changes = new Map<
    string,
    { at: number; dep: string; status: string; regions: string[]; reason?: string }
  >();
  for (const p of r.probes) {
    if (p.atSeconds === 0 && p.status === 'up') continue;
    const key = `${p.atSeconds}|${p.dependency}|${p.status}`;
    const c = changes.get(key);
    if (c) c.regions.push(p.region);
    else
      changes.set(key, {
        at: p.atSeconds,
        dep: p.dependency,
        status: p.status,
        regions: [p.region],
        ...(p.reason ? { reason: p.reason } : {}),
      });
  }
  const regionCount = r.scenario.probeRegions.length;
  // Dependencies that changed the same way at the same moment share a line.
  const folded = new Map<string, { at: number; deps: string[]; text: string }>();
  for (const c of changes.values()) {
    const where = c.regions.length === regionCount ? `all ${regionCount} regions` : c.regions.join(', ');
    const text = `${c.status} from ${where}${c.reason ? ` (${c.reason})` : ''}`;
    const key = `${c.at}|${text}`;
    const f = folded.get(key);
    if (f) f.deps.push(c.dep);
    else folded.set(key, { at: c.at, deps: [c.dep], text });
  }
  for (const f of folded.values()) {
    const who = f.deps.length === r.scenario.dependencies.length ? 'every dependency' : f.deps.join(', ');
    lines.push({ at: f.at, order: -1, text: `probe  ${who}: ${f.text}` });
  }
  for (const a of r.alarms)
    if (interesting(a))
      lines.push({ at: a.atSeconds, order: 0, text: `alarm  ${a.alarm}: ${a.from} → ${a.to}` });
  for (const p of r.pages)
    lines.push({
      at: p.atSeconds,
      order: 1,
      text: `PAGE   ${p.resolved ? 'resolved ' : ''}${p.kind} (${p.severity}) → ${p.routes.join(', ') || 'no route'}\n         "${p.subject}"`,
    });
  for (const h of r.held)
    lines.push({
      at: h.atSeconds,
      order: 2,
      text: `held   ${h.kind} for ${h.dependencies.join(', ')}: ${h.reason} (${h.detail})`,
    });
  lines.sort((a, b) => a.at - b.at || a.order - b.order);
  const sent = r.pages.filter((p) => !p.resolved).length;
  const resolved = r.pages.length - sent;
  const head = [
    `Scenario ${r.scenario.name}: ${r.scenario.durationSeconds / 60} min of ${r.scenario.monitor}, ${r.scenario.probeRegions.length} probe regions, from ${r.scenario.start}`,
    `${r.stats.rounds} rounds, ${r.stats.probes} probes against local stand-ins, ${r.stats.alarms} alarms evaluated, in ${(r.stats.wallMs / 1000).toFixed(1)} s`,
    '',
  ];
  const body =
    lines.length > 0 ? lines.map((l) => `${clock(l.at).padEnd(9)} ${l.text}`) : ['(no alarm changed state)'];
  const tail = [
    '',
    `${sent} page${sent === 1 ? '' : 's'}, ${resolved} resolved, ${r.held.length} held back.`,
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ];
  return [...head, ...body, ...tail].join('\n');
}
