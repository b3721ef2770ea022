// Section a: depmon's probe engine vs the Prometheus blackbox exporter, same 1,000 loopback targets (delays
// 0–200 ms, 5% hung), same timeout, same concurrency, one after the other in one run.
import { BLACKBOX_MISSING, blackboxVersion, pool, startBlackbox } from '../lib/blackbox.ts';
import { httpDep, runEngine } from '../lib/engine.ts';
import { fmt, mb, mdTable, median, type RunOptions, type SectionResult } from '../lib/machine.ts';
import { measuredTree } from '../lib/snapshot.ts';
import { startTargets, type TargetSpec } from '../lib/targets.ts';

const FULL_TARGETS = Number(process.env.BENCH_ENGINE_TARGETS ?? 1000);
const SMOKE_TARGETS = 40;
const HUNG_EVERY = 20; // 5%
const MAX_DELAY_MS = 200;
const TIMEOUT_MS = 1000;
const CONCURRENCY = 100;
/** Measured cycles per prober, after one warm-up cycle each. */
const FULL_CYCLES = Number(process.env.BENCH_ENGINE_CYCLES ?? 3);

export function targetSpec(n: number): TargetSpec[] {
  const healthy = n - Math.floor(n / HUNG_EVERY);
  let k = 0;
  return Array.from({ length: n }, (_, i) =>
    i % HUNG_EVERY === HUNG_EVERY - 1
      ? { delayMs: 0, behaviour: 'hung' as const }
      : { delayMs: Math.round((k++ * MAX_DELAY_MS) / Math.max(1, healthy - 1)), behaviour: 'ok' as const },
  );
}

/** Makespan of probing `durations` in order with `concurrency` slots: the best any prober can do. */
export function idealCycleMs(durations: readonly number[], concurrency: number): number {
  const slots = new Array<number>(Math.min(concurrency, durations.length)).fill(0);
  for (const d of durations) {
    let best = 0;
    for (let s = 1; s < slots.length; s++) if (slots[s]! < slots[best]!) best = s;
    slots[best]! += d;
  }
  return Math.max(...slots);
}

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const TARGETS = smoke ? SMOKE_TARGETS : FULL_TARGETS;
  const CYCLES = smoke ? 1 : FULL_CYCLES;
  const version = blackboxVersion();
  // The comparison is the section's point: a full run without the exporter fails; a smoke run proves depmon's half.
  if (!version && !smoke) throw new Error(BLACKBOX_MISSING);
  if (!version) log(`${BLACKBOX_MISSING}: exporter half skipped`);
  const spec = targetSpec(TARGETS);
  const targets = await startTargets(spec, 2);
  try {
    const ideal = idealCycleMs(
      spec.map((t) => (t.behaviour === 'hung' ? TIMEOUT_MS : t.delayMs)),
      CONCURRENCY,
    );
    const expectedDown = spec.filter((t) => t.behaviour === 'hung').length;

    log(`engine: depmon, ${TARGETS} targets × ${CYCLES + 1} cycles …`);
    const deps = targets.urls.map((u, i) => httpDep(i, u, TIMEOUT_MS));
    const d = await runEngine({ dependencies: deps, concurrency: CONCURRENCY, cycles: CYCLES + 1 });
    const dm = d.cycles.slice(1);
    const depmon = {
      node: d.node,
      firstCycleMs: d.cycles[0]!.wallMs,
      cycleMs: median(dm.map((c) => c.wallMs)),
      cpuMsPerProbe: median(dm.map((c) => c.cpuMs)) / TARGETS,
      peakRssBytes: d.maxRssBytes,
      down: median(
        dm.map((c) =>
          Object.entries(c.statuses)
            .filter(([k]) => k.startsWith('down'))
            .reduce((a, [, v]) => a + v, 0),
        ),
      ),
      statuses: dm.at(-1)!.statuses,
    };

    if (!version) {
      return {
        title: 'Probe engine vs blackbox exporter',
        markdown: `depmon only: ${BLACKBOX_MISSING}. depmon cycle ${fmt(depmon.cycleMs, 0)} ms, down ${depmon.down} (expected ${expectedDown}).`,
        data: { ideal, depmon },
      };
    }
    log(`engine: blackbox exporter, ${TARGETS} targets × ${CYCLES + 1} cycles …`);
    const bb = await startBlackbox(TIMEOUT_MS, CONCURRENCY);
    const bbCycles: { wallMs: number; cpuMs: number; down: number }[] = [];
    let bbPeak = Number.NaN;
    try {
      for (let c = 0; c <= CYCLES; c++) {
        const cpu0 = bb.cpuMs();
        const t0 = performance.now();
        const res = await pool(targets.urls, CONCURRENCY, (u) => bb.probe(u));
        bbCycles.push({
          wallMs: performance.now() - t0,
          cpuMs: bb.cpuMs() - cpu0,
          down: res.filter((r) => !r.success).length,
        });
      }
    } finally {
      bbPeak = bb.peakRssBytes();
      await bb.stop();
    }
    const bm = bbCycles.slice(1);
    const blackbox = {
      version,
      firstCycleMs: bbCycles[0]!.wallMs,
      cycleMs: median(bm.map((c) => c.wallMs)),
      cpuMsPerProbe: median(bm.map((c) => c.cpuMs)) / TARGETS,
      peakRssBytes: bbPeak,
      down: median(bm.map((c) => c.down)),
    };

    const vsIdeal = depmon.cycleMs / ideal - 1;
    // A prober that calls everything down finishes fast: the comparison only counts when both got it right.
    const valid = depmon.down === expectedDown && blackbox.down === expectedDown;
    const markdown = [
      `Measured: ${measuredTree().label}. ${TARGETS} HTTP targets on 127.0.0.1 in 2 server processes: healthy ones answer after 0–${MAX_DELAY_MS} ms (spread evenly), every ${HUNG_EVERY}th (${expectedDown}) accepts and never answers. Timeout ${TIMEOUT_MS} ms and concurrency ${CONCURRENCY} for both. One warm-up cycle each, then the median of ${CYCLES}. depmon: the bundled engine in a fresh ${depmon.node} process (CPU from process.cpuUsage, peak RSS from resourceUsage().maxRSS). Exporter: ${blackbox.version}, driven through /probe by a ${CONCURRENCY}-connection client in the bench process (CPU from /proc/<pid>/stat, peak RSS from VmHWM).`,
      '',
      mdTable(
        [
          '',
          'cycle (ms)',
          'first cycle (ms)',
          'CPU per probe (ms)',
          'peak RSS (MB)',
          'down (expected ' + expectedDown + ')',
        ],
        [
          [
            'depmon',
            fmt(depmon.cycleMs, 0),
            fmt(depmon.firstCycleMs, 0),
            fmt(depmon.cpuMsPerProbe, 3),
            mb(depmon.peakRssBytes),
            depmon.down,
          ],
          [
            'blackbox exporter',
            fmt(blackbox.cycleMs, 0),
            fmt(blackbox.firstCycleMs, 0),
            fmt(blackbox.cpuMsPerProbe, 3),
            mb(blackbox.peakRssBytes),
            blackbox.down,
          ],
          [
            'ratio depmon / exporter',
            fmt(depmon.cycleMs / blackbox.cycleMs, 2),
            '',
            fmt(depmon.cpuMsPerProbe / blackbox.cpuMsPerProbe, 2),
            fmt(depmon.peakRssBytes / blackbox.peakRssBytes, 2),
            '',
          ],
        ],
      ),
      '',
      valid
        ? ''
        : `**Not comparable: a prober got the targets wrong (depmon ${depmon.down} down, exporter ${blackbox.down} down, expected ${expectedDown}); the verdicts below do not count.**`,
      `Ideal cycle (list-scheduling the same durations in the same order on ${CONCURRENCY} slots): ${fmt(ideal, 0)} ms. depmon's cycle is ${fmt(vsIdeal * 100, 1)}% over it (target ≤ 10%): ${vsIdeal <= 0.1 ? 'met' : 'missed'}. Ahead of the exporter on wall time: ${depmon.cycleMs < blackbox.cycleMs ? 'yes' : 'no'}; on CPU per probe: ${depmon.cpuMsPerProbe < blackbox.cpuMsPerProbe ? 'yes' : 'no'}. Under 200 MB RSS: ${depmon.peakRssBytes < 200 * 1024 * 1024 ? 'yes' : 'no'}.`,
      '',
      `depmon statuses in the last cycle: ${Object.entries(depmon.statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    ].join('\n');
    return {
      title: 'Probe engine vs blackbox exporter',
      markdown,
      data: {
        ideal,
        depmon,
        blackbox,
        bbCycles,
        depmonCycles: d.cycles.map((c) => ({ wallMs: c.wallMs, cpuMs: c.cpuMs })),
      },
    };
  } finally {
    await targets.stop();
  }
}
