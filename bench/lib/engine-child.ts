// Runs depmon's probe engine alone in a fresh process (bundled by bench/lib/engine.ts, run under Node 22) and
// reports wall time, CPU, peak RSS and, for the soak, memory and active handles over many cycles. The job is the
// first line on stdin. A session job stays up and runs one cycle per further line, answering each with one JSON
// line, so a bench can interleave depmon's cycles with other tools'. Any failure ends the process with exit 1 and
// one `BENCH_ERROR …` line on stderr (never a stack into minified code).
import { createInterface } from 'node:readline';
import { parseConfig } from '#shared/config';
import { probeAll, probeOne } from '#shared/probe';

interface Job {
  readonly dependencies: readonly unknown[];
  readonly concurrency: number;
  readonly cycles: number;
  /** Return every result's latency per cycle. */
  readonly latencies?: boolean;
  /** Soak: sample memory and handles this many times (first after cycle 1, last after the final cycle). */
  readonly samples?: number;
  /** Passed to probeAll: the whole cycle's deadline. */
  readonly cycleDeadlineMs?: number;
  /** Probe each dependency alone, one after another, timing each call from outside the engine. */
  readonly each?: boolean;
  /** DNS servers for the probes ("127.0.0.1:5353"). */
  readonly resolvers?: readonly string[];
  /** Stay up; run one cycle per line read on stdin after the job. */
  readonly session?: boolean;
}

interface Cycle {
  wallMs: number;
  cpuMs: number;
  statuses: Record<string, number>;
  latencies?: number[];
  /** With `each`: each probe's wall time as its caller saw it. */
  outerMs?: number[];
}

const fail = (e: unknown): never => {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`BENCH_ERROR ${message.replace(/\s+/g, ' ').slice(0, 400)}\n`);
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
const lines = rl[Symbol.asyncIterator]();
const first = await lines.next();
if (first.done) fail(new Error('no job on stdin'));
const job = JSON.parse(first.value as string) as Job;
if (!job.session) {
  // Nothing more to read: close stdin so the soak's handle counts are the engine's own.
  rl.close();
  process.stdin.destroy();
}
const config = (() => {
  try {
    return parseConfig({
      name: 'bench',
      homeRegion: 'us-east-1',
      probeRegions: ['us-east-1'],
      concurrency: job.concurrency,
      dependencies: job.dependencies,
    });
  } catch (e) {
    return fail(new Error(`the bench's dependencies do not pass the config schema: ${(e as Error).message}`));
  }
})();
const deps = config.dependencies;
const options = {
  concurrency: job.concurrency,
  ...(job.cycleDeadlineMs === undefined ? {} : { cycleDeadlineMs: job.cycleDeadlineMs }),
  ...(job.resolvers ? { resolvers: job.resolvers } : {}),
};
const gc = (globalThis as { gc?: () => void }).gc;

const handles = () => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};
const sample = (cycle: number) => {
  gc?.();
  const m = process.memoryUsage();
  return { cycle, rssBytes: m.rss, heapUsedBytes: m.heapUsed, handles: handles() };
};

const totals: Record<string, number> = {};

async function cycle(): Promise<Cycle> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outerMs: number[] | undefined;
  let results: Awaited<ReturnType<typeof probeAll>>;
  if (job.each) {
    outerMs = [];
    results = [];
    for (const d of deps) {
      const s = performance.now();
      results.push(await probeOne(d, options));
      outerMs.push(performance.now() - s);
    }
  } else {
    results = await probeAll(deps, options);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const statuses: Record<string, number> = {};
  for (const r of results) {
    const k = r.reason ? `${r.status}:${r.reason}` : r.status;
    statuses[k] = (statuses[k] ?? 0) + 1;
    totals[k] = (totals[k] ?? 0) + 1;
  }
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    statuses,
    ...(job.latencies ? { latencies: results.map((r) => r.latencyMs) } : {}),
    ...(outerMs ? { outerMs } : {}),
  };
}

if (job.session) {
  for (let line = await lines.next(); !line.done; line = await lines.next()) {
    process.stdout.write(`${JSON.stringify(await cycle())}\n`);
  }
  process.exit(0);
}

const cycles: Cycle[] = [];
const samples: ReturnType<typeof sample>[] = [];
const sampleEvery = job.samples ? Math.max(1, Math.floor(job.cycles / (job.samples - 1))) : 0;
const started = performance.now();
for (let i = 1; i <= job.cycles; i++) {
  const c = await cycle();
  if (!job.samples) cycles.push(c);
  else if (i === 1 || i === job.cycles || i % sampleEvery === 0) samples.push(sample(i));
}
const elapsedMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    node: process.version,
    cycles,
    samples,
    totals,
    elapsedMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    totalCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  })}\n`,
);
process.exit(0);
