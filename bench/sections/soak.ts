// Section f: a soak. Many probe cycles of 100 loopback targets (some misbehaving) in one process; memory and
// active handles sampled from start to end should stay flat. BENCH_SOAK_CYCLES sets the cycle count.
import { httpDep, runEngine } from '../lib/engine.ts';
import { fmt, mb, mdTable, type RunOptions, type SectionResult } from '../lib/machine.ts';
import { measuredTree } from '../lib/snapshot.ts';
import { startTargets, type TargetSpec } from '../lib/targets.ts';

const FULL_CYCLES = Number(process.env.BENCH_SOAK_CYCLES ?? 10_000);
const SMOKE_CYCLES = 20;
const FULL_SAMPLES = 11;
/** Short timeouts keep 10,000 cycles to minutes: hung targets time out at 20 ms, the rest answer at once. */
const HUNG_TIMEOUT_MS = 20;
const TIMEOUT_MS = 1000;

const MIX: readonly [TargetSpec['behaviour'], number][] = [
  ['hung', 3],
  ['refused', 3],
  ['status500', 2],
  ['reset', 2],
];

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const CYCLES = smoke ? SMOKE_CYCLES : FULL_CYCLES;
  const SAMPLES = smoke ? 3 : FULL_SAMPLES;
  const spec: TargetSpec[] = [];
  for (const [behaviour, n] of MIX) for (let i = 0; i < n; i++) spec.push({ delayMs: 0, behaviour });
  while (spec.length < 100) spec.push({ delayMs: 0, behaviour: 'ok' });
  const targets = await startTargets(spec, 1);
  try {
    const deps = targets.urls.map((u, i) =>
      httpDep(i, u, spec[i]!.behaviour === 'hung' ? HUNG_TIMEOUT_MS : TIMEOUT_MS),
    );
    log(`soak: ${CYCLES} cycles of ${deps.length} targets …`);
    const r = await runEngine(
      { dependencies: deps, concurrency: 100, cycles: CYCLES, samples: SAMPLES },
      { exposeGc: true, timeoutMs: 30 * 60_000 },
    );
    const first = r.samples[0]!;
    const last = r.samples.at(-1)!;
    const handles = (h: Record<string, number>) =>
      Object.entries(h)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none';
    const total = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);
    const markdown = [
      `Measured: ${measuredTree().label}. ${CYCLES.toLocaleString('en-US')} cycles of ${deps.length} targets on 127.0.0.1 in one Node 22 process (${r.node}), concurrency 100: ${MIX.map(([b, n]) => `${n} ${b}`).join(', ')}, the rest answer at once. Hung targets time out at ${HUNG_TIMEOUT_MS} ms. Memory sampled after a forced GC; handles from process.getActiveResourcesInfo() between cycles.`,
      '',
      mdTable(
        ['cycle', 'RSS (MB)', 'heap used (MB)', 'active handles'],
        r.samples.map((s) => [
          s.cycle,
          mb(s.rssBytes),
          mb(s.heapUsedBytes),
          `${total(s.handles)} (${handles(s.handles)})`,
        ]),
      ),
      '',
      `Results over all cycles: ${Object.entries(r.totals)
        .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
        .join(', ')}.`,
      '',
      `Start → end: RSS ${mb(first.rssBytes)} → ${mb(last.rssBytes)} MB, heap ${mb(first.heapUsedBytes)} → ${mb(last.heapUsedBytes)} MB, handles ${total(first.handles)} → ${total(last.handles)}. Elapsed ${fmt(r.elapsedMs / 1000, 1)} s (${fmt(r.elapsedMs / CYCLES, 1)} ms per cycle), CPU ${fmt(r.totalCpuMs / 1000, 1)} s, peak RSS ${mb(r.maxRssBytes)} MB.`,
    ].join('\n');
    return { title: 'Soak', markdown, data: r };
  } finally {
    await targets.stop();
  }
}
