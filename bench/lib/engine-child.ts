// Runs depmon's probe engine alone in a fresh process (bundled by bench/lib/engine.ts, run under Node 22) and
// reports wall time, CPU, peak RSS and, for the soak, memory and active handles over many cycles. Job on stdin.
import { parseConfig } from '#shared/config';
import { probeAll } from '#shared/probe';

interface Job {
  readonly dependencies: readonly unknown[];
  readonly concurrency: number;
  readonly cycles: number;
  /** Return every result's latency per cycle. */
  readonly latencies?: boolean;
  /** Soak: sample memory and handles this many times (first after cycle 1, last after the final cycle). */
  readonly samples?: number;
}

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Job;
const config = parseConfig({
  name: 'bench',
  homeRegion: 'us-east-1',
  probeRegions: ['us-east-1'],
  concurrency: job.concurrency,
  dependencies: job.dependencies,
});
const deps = config.dependencies;
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

const cycles: { wallMs: number; cpuMs: number; statuses: Record<string, number>; latencies?: number[] }[] =
  [];
const samples: ReturnType<typeof sample>[] = [];
const sampleEvery = job.samples ? Math.max(1, Math.floor(job.cycles / (job.samples - 1))) : 0;
const totals: Record<string, number> = {};
const started = performance.now();
for (let i = 1; i <= job.cycles; i++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await probeAll(deps, { concurrency: job.concurrency });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const statuses: Record<string, number> = {};
  for (const r of results) {
    const k = r.reason ? `${r.status}:${r.reason}` : r.status;
    statuses[k] = (statuses[k] ?? 0) + 1;
    totals[k] = (totals[k] ?? 0) + 1;
  }
  if (!job.samples) {
    cycles.push({
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      statuses,
      ...(job.latencies ? { latencies: results.map((r) => r.latencyMs) } : {}),
    });
  } else if (i === 1 || i === job.cycles || i % sampleEvery === 0) {
    samples.push(sample(i));
  }
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
