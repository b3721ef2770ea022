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
      // package.json "imports" map #shared/x to the .ts sources under this condition (to dist/ without).
      conditions: ['depmon-source'],
      logLevel: 'error',
    });
    return outfile;
  })();
  return built;
}

export interface EngineCycle {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly statuses: Record<string, number>;
  readonly latencies?: number[];
  readonly outerMs?: number[];
}

export interface EngineRun {
  readonly node: string;
  readonly cycles: EngineCycle[];
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

/** Spawns the engine child with the job as its first stdin line; its stderr is kept, not shown. */
async function spawnEngine(job: object, exposeGc: boolean) {
  const file = await engineBundle();
  const child = spawn(NODE22 ?? process.execPath, [...(exposeGc ? ['--expose-gc'] : []), file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr = (stderr + String(c)).slice(-8000);
  });
  child.stdin.write(`${JSON.stringify(job)}\n`);
  /** One line saying why the child failed: its BENCH_ERROR line, else the last line of stderr, shortened. */
  const why = (code: number | null, signal: NodeJS.Signals | null) => {
    const tagged = /^BENCH_ERROR (.*)$/m.exec(stderr)?.[1];
    const last = stderr.trim().split('\n').at(-1)?.slice(0, 300);
    const how = signal ? `was killed (${signal})` : `exited with ${code}`;
    return `engine child ${how}${tagged || last ? `: ${tagged ?? last}` : ''}`;
  };
  return { child, why };
}

/** Runs one job in a fresh Node 22 process (Node 20 if the Node 22 package is missing). */
export async function runEngine(
  job: object,
  opts: { exposeGc?: boolean; timeoutMs?: number } = {},
): Promise<EngineRun> {
  const { child, why } = await spawnEngine(job, opts.exposeGc ?? false);
  child.stdin.end();
  let out = '';
  child.stdout.on('data', (c) => {
    out += String(c);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.once('exit', (c, s) => r([c, s])),
  );
  clearTimeout(timer);
  if (code !== 0) throw new Error(why(code, signal));
  return JSON.parse(out) as EngineRun;
}

/** An engine child that stays up and runs one cycle each time it is asked (for interleaving with other tools). */
export interface EngineSession {
  cycle(): Promise<EngineCycle>;
  close(): Promise<void>;
}

export async function startEngineSession(job: object): Promise<EngineSession> {
  const { child, why } = await spawnEngine({ ...job, session: true }, false);
  let buf = '';
  const waiting: ((line: string) => void)[] = [];
  child.stdout.on('data', (c) => {
    buf += String(c);
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.once('exit', (c, s) => r([c, s])),
  );
  return {
    async cycle() {
      const line = new Promise<string>((r) => waiting.push(r));
      child.stdin.write('cycle\n');
      const got = await Promise.race([line, exited]);
      if (typeof got !== 'string') throw new Error(why(got[0], got[1]));
      return JSON.parse(got) as EngineCycle;
    },
    async close() {
      child.stdin.end();
      const [code, signal] = await exited;
      if (code !== 0) throw new Error(why(code, signal));
    },
  };
}

/**
 * A loopback HTTP dependency for the engine child. degradedAfterMs is left to the schema's default (half a short
 * timeout): the config schema refuses a threshold the timeout always beats, and the benches measure up and down.
 */
export function httpDep(i: number, url: string, timeoutMs: number) {
  return {
    id: `t${i}`,
    name: `target ${i}`,
    tier: 'first-party',
    critical: i === 0,
    http: { url, timeoutMs, followRedirects: false },
  };
}
