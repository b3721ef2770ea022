// Builds bench/lib/engine-child.ts into one ESM file (as the Lambda bundles are built) and runs jobs in it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { NODE22, OUT_DIR } from './machine.ts';
import { engineChildEntry, measuredTree } from './snapshot.ts';

const BANNER =
  "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);";

let built: Promise<string> | undefined;

/** The bundled engine child, built once per bench run. */
export function engineBundle(): Promise<string> {
  built ??= (async () => {
    const outfile = path.join(OUT_DIR, 'engine-child.mjs');
    const tree = measuredTree();
    await build({
      entryPoints: [engineChildEntry(tree)],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      banner: { js: BANNER },
      tsconfig: path.join(tree.root, 'tsconfig.json'),
      logLevel: 'error',
    });
    return outfile;
  })();
  return built;
}

export interface EngineRun {
  readonly node: string;
  readonly cycles: {
    wallMs: number;
    cpuMs: number;
    statuses: Record<string, number>;
    latencies?: number[];
  }[];
  readonly samples: {
    cycle: number;
    rssBytes: number;
    heapUsedBytes: number;
    handles: Record<string, number>;
  }[];
  /** Results by status:reason over every cycle. */
  readonly totals: Record<string, number>;
  readonly elapsedMs: number;
  readonly maxRssBytes: number;
  readonly totalCpuMs: number;
}

/** Runs one job in a fresh Node 22 process (Node 20 if the Node 22 package is missing). */
export async function runEngine(
  job: object,
  opts: { exposeGc?: boolean; timeoutMs?: number } = {},
): Promise<EngineRun> {
  const file = await engineBundle();
  const node = NODE22 ?? process.execPath;
  const child = spawn(node, [...(opts.exposeGc ? ['--expose-gc'] : []), file], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(job));
  let out = '';
  child.stdout.on('data', (c) => {
    out += String(c);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`engine child exited with ${code}`);
  return JSON.parse(out) as EngineRun;
}

/** A loopback HTTP dependency for the engine child. */
export function httpDep(i: number, url: string, timeoutMs: number) {
  return {
    id: `t${i}`,
    name: `target ${i}`,
    tier: 'first-party',
    critical: i === 0,
    http: { url, timeoutMs, degradedAfterMs: timeoutMs, followRedirects: false },
  };
}
