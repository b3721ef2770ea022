// Section i: depmon at size (issue 11 point 4), one generated config per size (bench/lib/scale-config.ts:
// 3 probe regions, mixed tiers, vendor groups, every check kind) through every layer, in the order a user meets
// them: `cdk synth` of the whole app (bundling skipped: the templates), the same app with the home stack's and
// one probe stack's functions really bundled (the code and the depmon-embed.json beside it), the notify
// function's bundle on Node 22 through an incident against a local fake AWS, and `depmon simulate` of a
// 60-minute scenario as a user runs it (the CLI in a child process), stopped at a time cap and written down as
// "over N minutes" when it runs past it. Smoke: 10 dependencies, a 3-minute scenario.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { DESCRIBE_ALARMS_MAX_RECORDS, DESCRIBE_ALARMS_TPS } from '#aws/alarms';
import { GET_METRIC_DATA_MAX_QUERIES, GET_METRIC_DATA_TPS } from '#aws/down-metric';
import { DepmonFunction } from '#infra/lambda';
import { DependencyMonitor } from '#infra/monitor';
import type { AlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import {
  EMBED_FILE,
  NOTIFY_ENTRY,
  type NotifyEmbed,
  PROBE_ENTRY,
  planShards,
  probeEmbed,
} from '#shared/runtime';
import { fmt, mdTable, median, OUT_DIR, ROOT, type RunOptions, type SectionResult } from '../lib/machine.ts';
import { fullListingPages, type NotifyAtSize, notifyAtSize } from '../lib/notify-at-size.ts';
import { scaleConfigInput, scaleScenario } from '../lib/scale-config.ts';
import { workingTreeLabel } from '../lib/snapshot.ts';

/** Issue 11: a 60-minute scenario at 1,000 dependencies within 5 minutes on this machine. */
const SIMULATE_TARGET_SECONDS = 300;
/** A simulate run past this is stopped and recorded as "over N minutes" (BENCH_SCALE_SIM_CAP_SECONDS). */
const SIM_CAP_SECONDS = (smoke: boolean) =>
  Number(process.env.BENCH_SCALE_SIM_CAP_SECONDS ?? (smoke ? 120 : 600));
/** CloudFormation's quotas per template (CloudFormation user guide, "Understand CloudFormation quotas"). */
const CFN_MAX_RESOURCES = 500;
const CFN_MAX_TEMPLATE_BYTES = 1_000_000;
const ID = 'Depmon';
/** BENCH_SCALE_SIZES="1000 3000" measures only those sizes (while working on one layer). */
const SIZES = (smoke: boolean) =>
  process.env.BENCH_SCALE_SIZES?.split(/[\s,]+/)
    .filter(Boolean)
    .map(Number) ?? (smoke ? [10] : [100, 1000, 3000]);

interface Synth {
  readonly ms: number;
  readonly stacks: number;
  readonly most: { readonly name: string; readonly resources: number };
  readonly largest: { readonly name: string; readonly bytes: number };
  readonly alarms: number;
  /** The alarm plan the stacks rendered (what the notify function's embed carries). */
  readonly plan: AlarmPlan;
}

/** The whole app as `cdk synth` builds it, asset bundling skipped (CDK's template checks stay on). */
function synthAtSize(config: MonitorConfig): Synth {
  const t0 = performance.now();
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const monitor = new DependencyMonitor(app, ID, { config, configFile: 'scale.config.json' });
  const stacks = app.synth().stacks;
  const ms = performance.now() - t0;
  const sized = stacks.map((s) => {
    const resources = (s.template as { Resources: Record<string, { Type: string }> }).Resources;
    return {
      name: s.stackName,
      resources: Object.keys(resources).length,
      alarms: Object.values(resources).filter(
        (r) => r.Type.startsWith('AWS::CloudWatch::') && r.Type.endsWith('Alarm'),
      ).length,
      bytes: Buffer.byteLength(JSON.stringify(s.template)),
    };
  });
  const most = sized.reduce((a, b) => (b.resources > a.resources ? b : a));
  const largest = sized.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const alarms = sized.reduce((n, s) => n + s.alarms, 0);
  return { ms, stacks: stacks.length, most, largest, alarms, plan: monitor.plan };
}

interface Bundles {
  readonly ms: number;
  readonly notify: {
    readonly file: string;
    readonly bytes: number;
    readonly embedBytes: number;
    readonly plan: AlarmPlan;
  };
  readonly probe: {
    readonly functions: number;
    readonly bytes: number;
    readonly embedBytes: number;
  };
}

const largest = (v: readonly number[]) => (v.length > 0 ? Math.max(...v) : Number.NaN);

/**
 * The notify and the first probe function bundled as the stacks bundle them (infra's DepmonFunction, real
 * esbuild through a synth, the embed the stacks hand them written beside the code), on a stack of their own:
 * the template synth above stays the one `cdk synth` does, and two builds stand for the 24 that differ only in
 * their embed. The probe embeds of every shard are measured without building.
 */
function bundleAtSize(config: MonitorConfig, plan: AlarmPlan, outdir: string): Bundles {
  rmSync(outdir, { recursive: true, force: true });
  const t0 = performance.now();
  const app = new App({ outdir });
  const stack = new Stack(app, 'ScaleBundles', {
    env: { account: '123456789012', region: config.homeRegion },
  });
  const shards = planShards(config);
  const notifyEmbed: NotifyEmbed = { config, configFile: 'scale.config.json', plan };
  new DepmonFunction(stack, 'Notify', { entry: NOTIFY_ENTRY, embed: notifyEmbed });
  new DepmonFunction(stack, 'Probe', { entry: PROBE_ENTRY, embed: probeEmbed(config, shards[0]!) });
  app.synth();
  const ms = performance.now() - t0;
  const assets = readdirSync(outdir)
    .map((d) => path.join(outdir, d))
    .filter((d) => existsSync(path.join(d, 'index.mjs')) && existsSync(path.join(d, EMBED_FILE)))
    .map((d) => ({
      file: path.join(d, 'index.mjs'),
      bytes: statSync(path.join(d, 'index.mjs')).size,
      embed: JSON.parse(readFileSync(path.join(d, EMBED_FILE), 'utf8')) as Record<string, unknown>,
      embedBytes: statSync(path.join(d, EMBED_FILE)).size,
    }));
  const notify = assets.find((a) => a.embed.plan !== undefined);
  const probe = assets.find((a) => a.embed.dependencies !== undefined);
  if (!notify || !probe) throw new Error(`bundled assets in ${outdir}: no notify or no probe function`);
  return {
    ms,
    notify: { file: notify.file, bytes: notify.bytes, embedBytes: notify.embedBytes, plan },
    probe: {
      // One per shard in each probe Region.
      functions: shards.length * config.probeRegions.length,
      bytes: probe.bytes,
      embedBytes: largest(shards.map((sh) => Buffer.byteLength(JSON.stringify(probeEmbed(config, sh))))),
    },
  };
}

interface Simulate {
  readonly seconds: number;
  readonly capped: boolean;
  readonly pages?: number;
  readonly alarmTransitions?: number;
  readonly error?: string;
}

/** `depmon simulate SCENARIO --json` in a child process, as a user runs it; stopped at `capSeconds`. */
async function simulateAtSize(
  n: number,
  minutes: number,
  dir: string,
  capSeconds: number,
): Promise<Simulate> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'scale.config.json'), JSON.stringify(scaleConfigInput(n)));
  writeFileSync(
    path.join(dir, 'scenario.json'),
    JSON.stringify({ config: './scale.config.json', ...scaleScenario(n, minutes) }),
  );
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'cli/bin.js'), 'simulate', 'scenario.json', '--json'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => {
    out += String(c);
  });
  child.stderr.on('data', (c) => {
    err += String(c);
  });
  let capped = false;
  const timer = setTimeout(() => {
    capped = true;
    child.kill('SIGKILL');
  }, capSeconds * 1000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (capped) return { seconds, capped };
  if (code !== 0) {
    // The line that names the error (a crash prints the source line first, the error further down).
    const lines = err.trim().split('\n');
    const why = lines.find((l) => /^\w*Error\b|^depmon:|: /.test(l.trim())) ?? lines[0] ?? '';
    return { seconds, capped, error: `exit ${code}: ${why.trim().slice(0, 200)}` };
  }
  const r = JSON.parse(out) as { pages: unknown[]; alarms: unknown[] };
  return { seconds, capped, pages: r.pages.length, alarmTransitions: r.alarms.length };
}

interface SizeResult {
  readonly n: number;
  readonly synth: Omit<Synth, 'plan'>;
  readonly bundles: Omit<Bundles, 'notify'> & { readonly notify: Omit<Bundles['notify'], 'plan' | 'file'> };
  readonly notify: NotifyAtSize;
  readonly simulate: Simulate;
}

async function measureSize(
  n: number,
  { minutes, cap }: { minutes: number; cap: number },
  log: (s: string) => void,
): Promise<SizeResult> {
  const config = parseConfig(scaleConfigInput(n), 'scale.config.json');
  log(`${n}: synth …`);
  const synth = synthAtSize(config);
  log(`${n}: synth ${fmt(synth.ms / 1000)} s, ${synth.stacks} stacks; bundling …`);
  const bundles = bundleAtSize(config, synth.plan, path.join(OUT_DIR, `scale-cdk-${n}`));
  log(`${n}: bundled in ${fmt(bundles.ms / 1000)} s; notify on Node 22 …`);
  const notify = await notifyAtSize(bundles.notify.file, config, bundles.notify.plan);
  const failed = notify.steps.filter((s) => s.error);
  if (failed.length > 0) throw new Error(`notify at ${n}: ${failed[0]!.label}: ${failed[0]!.error}`);
  log(`${n}: notify init ${fmt(notify.initMs, 0)} ms; simulate ${minutes} minutes (cap ${cap} s) …`);
  const simulate = await simulateAtSize(n, minutes, path.join(OUT_DIR, `scale-sim-${n}`), cap);
  // A simulate that fails at a size is a result of this section, written down: the other figures stand.
  log(`${n}: simulate ${simText(simulate, cap)}`);
  const { plan: _plan, file: _file, ...notifyBundle } = bundles.notify;
  const { plan: _p, ...synthFigures } = synth;
  return { n, synth: synthFigures, bundles: { ...bundles, notify: notifyBundle }, notify, simulate };
}

const kib = (bytes: number) => (Number.isFinite(bytes) ? `${fmt(bytes / 1024, 0)} KiB` : 'not built');
const simText = (s: Simulate, cap: number) =>
  s.capped
    ? `over ${fmt(cap / 60, 0)} min (stopped)`
    : s.error
      ? `failed after ${fmt(s.seconds, 0)} s (${s.error})`
      : `${fmt(s.seconds, 0)} s`;

function tables(results: readonly SizeResult[], minutes: number, cap: number): string[] {
  const ticks = (r: SizeResult, prefix: string) =>
    r.notify.steps.filter((s) => s.label.startsWith('tick') && s.label.includes(prefix));
  const quiet = (r: SizeResult) => r.notify.steps.filter((s) => s.label.startsWith('quiet tick'));
  return [
    mdTable(
      [
        'dependencies',
        'synth',
        'stacks',
        'most resources in a stack',
        'largest template',
        'CloudWatch alarms in the templates',
        'simulate, ' + `${minutes} min scenario`,
      ],
      results.map((r) => [
        r.n.toLocaleString('en-US'),
        `${fmt(r.synth.ms / 1000)} s`,
        r.synth.stacks,
        `${r.synth.most.resources} (${r.synth.most.name})`,
        `${kib(r.synth.largest.bytes)} (${r.synth.largest.name})`,
        r.synth.alarms.toLocaleString('en-US'),
        simText(r.simulate, cap),
      ]),
    ),
    '',
    mdTable(
      [
        'dependencies',
        'notify bundle',
        'its depmon-embed.json',
        'probe bundle',
        'largest probe embed',
        'probe functions (3 regions)',
        'bundling (2 functions)',
      ],
      results.map((r) => [
        r.n.toLocaleString('en-US'),
        kib(r.bundles.notify.bytes),
        kib(r.bundles.notify.embedBytes),
        kib(r.bundles.probe.bytes),
        kib(r.bundles.probe.embedBytes),
        r.bundles.probe.functions,
        `${fmt(r.bundles.ms / 1000)} s`,
      ]),
    ),
    '',
    mdTable(
      [
        'dependencies',
        'alarms',
        'import',
        'init (import + first tick)',
        'RSS after the incident',
        'quiet tick p50',
        'tick, partner outage open, p50',
        'tick, everything down, p50',
      ],
      results.map((r) => [
        r.n.toLocaleString('en-US'),
        r.notify.alarms.toLocaleString('en-US'),
        `${fmt(r.notify.importMs, 0)} ms`,
        `${fmt(r.notify.initMs, 0)} ms`,
        `${fmt(Math.max(...r.notify.steps.map((s) => s.rssMiB)), 0)} MiB (heap ${fmt(Math.max(...r.notify.steps.map((s) => s.heapUsedMiB)), 0)} MiB)`,
        `${fmt(median(quiet(r).map((s) => s.ms)), 0)} ms`,
        `${fmt(median(ticks(r, 'partner').map((s) => s.ms)), 0)} ms`,
        `${fmt(median(ticks(r, 'everything').map((s) => s.ms)), 0)} ms`,
      ]),
    ),
  ];
}

function readsTable(r: SizeResult): string {
  return mdTable(
    [
      'invocation',
      'invocations (failed)',
      'wall',
      'DescribeAlarms pages',
      'busiest second',
      'GetMetricData requests (most queries)',
      'busiest second',
      'pages published',
    ],
    r.notify.steps.map((s) => [
      s.label,
      s.burst ? `${s.burst.invocations} (${s.burst.failed})` : '1',
      `${fmt(s.ms, 0)} ms`,
      s.describePages,
      s.describeBusiestSecond,
      `${s.getMetricDataRequests}${s.getMetricDataRequests > 0 ? ` (${s.getMetricDataMaxQueries})` : ''}`,
      s.getMetricDataBusiestSecond,
      s.published,
    ]),
  );
}

/** What the burst of alarm messages came to, in a sentence per size. */
function burstNotes(results: readonly SizeResult[]): string[] {
  return results.flatMap((r) =>
    r.notify.steps
      .filter((s) => s.burst)
      .map(
        (s) =>
          `- ${r.n.toLocaleString('en-US')} dependencies, ${s.burst!.invocations} alarm messages at once: ${s.burst!.invocations - s.burst!.failed} served, ${s.burst!.failed} failed${s.burst!.firstError ? ` ("${s.burst!.firstError.slice(0, 140)}")` : ''}, ${fmt(s.ms / 1000, 1)} s, ${s.describePages} DescribeAlarms pages (at most ${s.describeBusiestSecond} in a second).`,
      ),
  );
}

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const sizes = SIZES(smoke);
  const minutes = smoke ? 3 : 60;
  const cap = SIM_CAP_SECONDS(smoke);
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await measureSize(n, { minutes, cap }, log));
  const widest = results.at(-1)!;
  const at1000 = results.find((r) => r.n === 1000) ?? widest;
  const quotas = results.every(
    (r) => r.synth.most.resources <= CFN_MAX_RESOURCES && r.synth.largest.bytes <= CFN_MAX_TEMPLATE_BYTES,
  );
  const markdown = [
    `Measured: ${workingTreeLabel()}. Configs from \`bench/lib/scale-config.ts\`: 3 probe regions, a third first-party (every 25th of those critical), third parties in vendor groups, 6 in 10 checks HTTP(S), 2 TCP, 1 DNS, 1 TLS, a 60 s interval. "synth" is the whole app (home region and 3 probe regions) as \`cdk synth\` builds it with asset bundling skipped, in-process; the bundles are the notify and the first probe function built by infra's \`DepmonFunction\` with real esbuild, each with the embed the stacks hand it (\`depmon-embed.json\`; the probe embed column is the largest of every shard's, measured without building). Every template inside CloudFormation's ${CFN_MAX_RESOURCES} resources and 1 MB: ${quotas ? 'yes' : 'NO'}.`,
    '',
    ...tables(results, minutes, cap),
    '',
    `Notify: its bundle as built, loaded by ${widest.notify.node} in a fresh process (\`bench/lib/notify-child.mjs\`), every AWS endpoint at a loopback fake (\`bench/lib/fake-notify-aws.ts\`: CloudWatch pages DescribeAlarms by MaxRecords and NextToken and refuses MaxRecords over ${DESCRIBE_ALARMS_MAX_RECORDS}, GetMetricData refuses over ${GET_METRIC_DATA_MAX_QUERIES} queries; DynamoDB in memory; SNS Publish). A quiet tick reads no alarm; with an incident open a tick lists only the alarms not OK (two DescribeAlarms filters) instead of all of them (a full listing: ${fullListingPages(at1000.notify.alarms)} page(s) of ${DESCRIBE_ALARMS_MAX_RECORDS} at ${at1000.n.toLocaleString('en-US')} dependencies). Default quotas: DescribeAlarms ${DESCRIBE_ALARMS_TPS} TPS, GetMetricData ${GET_METRIC_DATA_TPS} TPS (sources in \`aws/alarms.ts\`, \`aws/down-metric.ts\`, docs/scale.md). Every single invocation at every size inside them (busiest second of its own reads): ${results.every((r) => r.notify.withinLimits) ? 'yes' : 'NO'}; a burst of alarm messages, its invocations' reads counted together: ${results.every((r) => r.notify.burstWithinLimits) ? 'yes' : 'NO'} (the lease holder decides every message waiting in the inbox with one read, and holders pace their reads together through \`pace#notify\`). At ${widest.n.toLocaleString('en-US')} dependencies:`,
    '',
    readsTable(widest),
    '',
    'Alarm messages at once (Lambda runs one invocation per SNS message; each puts its message in the inbox, the paging lease holder decides every waiting message with one read of the alarm states, and an invocation whose message was decided returns without reading):',
    '',
    ...burstNotes(results),
    '',
    `Simulate: \`depmon simulate\` (the CLI on Node ${process.version}, in a child process) of \`scaleScenario\` (${minutes} minutes: a vendor group down for 30, core down for 10, a partner slow, one partner failing from one region, a region silent for 5), stopped after ${fmt(cap / 60, 1)} min (BENCH_SCALE_SIM_CAP_SECONDS). At ${at1000.n.toLocaleString('en-US')}: ${simText(at1000.simulate, cap)} (target ${SIMULATE_TARGET_SECONDS} s: ${!at1000.simulate.capped && at1000.simulate.seconds <= SIMULATE_TARGET_SECONDS ? 'met' : 'missed'}${smoke ? ', smoke size' : ''}).`,
  ].join('\n');
  return { title: 'Scale', markdown, data: { minutes, capSeconds: cap, results } };
}
