// Section b: latency accuracy. Servers with injected delays of 0, 50, 200 and 1000 ms; depmon's measured
// latency, the blackbox exporter's probe_duration_seconds and curl's time_total, each minus the delay. The three
// tools run side by side in one run: round by round, in a rotating order, so they share the machine's load.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { BLACKBOX_MISSING, type Blackbox, blackboxVersion, pool, startBlackbox } from '../lib/blackbox.ts';
import { type EngineSession, httpDep, startEngineSession } from '../lib/engine.ts';
import {
  fmt,
  type Load,
  load,
  loadText,
  mdTable,
  percentile,
  type RunOptions,
  type SectionResult,
} from '../lib/machine.ts';
import { measuredTree } from '../lib/snapshot.ts';
import { startTargets } from '../lib/targets.ts';

const FULL = {
  delays: [0, 50, 200, 1000],
  perDelay: 10,
  rounds: Number(process.env.BENCH_LATENCY_ROUNDS ?? 5),
};
const SMOKE = { delays: [0, 50], perDelay: 2, rounds: 1 };
const CONCURRENCY = 10;
const TIMEOUT_MS = 5000;
const TARGET_P99_MS = 2;
const CURL = '/usr/bin/curl';

const execFileP = promisify(execFile);

type Tool = 'depmon' | 'exporter' | 'curl';
type Samples = Map<number, number[]>;

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const size = smoke ? SMOKE : FULL;
  const bbVersion = blackboxVersion();
  // Side by side is the section's point: a full run without the exporter fails; a smoke run skips its column.
  if (!bbVersion && !smoke) throw new Error(BLACKBOX_MISSING);
  if (!bbVersion) log(`${BLACKBOX_MISSING}: exporter skipped`);
  if (!existsSync(CURL)) throw new Error(`curl not installed (${CURL} missing)`);
  const curlVersion = execFileSync(CURL, ['--version'], { encoding: 'utf8' })
    .split('\n')[0]!
    .split(' ')
    .slice(0, 2)
    .join(' ');

  const delays = Array.from(
    { length: size.delays.length * size.perDelay },
    (_, i) => size.delays[i % size.delays.length]!,
  );
  const tools: Tool[] = bbVersion ? ['depmon', 'exporter', 'curl'] : ['depmon', 'curl'];
  const errors = new Map<Tool, Samples>(tools.map((t) => [t, new Map(size.delays.map((d) => [d, []]))]));
  const loads: Load[] = [load()];
  const targets = await startTargets(
    delays.map((delayMs) => ({ delayMs, behaviour: 'ok' as const })),
    2,
  );
  let engine: EngineSession | undefined;
  let bb: Blackbox | undefined;
  try {
    engine = await startEngineSession({
      dependencies: targets.urls.map((u, i) => httpDep(i, u, TIMEOUT_MS)),
      concurrency: CONCURRENCY,
      cycles: 0,
      latencies: true,
    });
    if (bbVersion) bb = await startBlackbox(TIMEOUT_MS, CONCURRENCY);
    const measure: Record<Tool, () => Promise<number[]>> = {
      depmon: async () => (await engine!.cycle()).latencies!,
      exporter: async () =>
        (await pool(targets.urls, CONCURRENCY, (u) => bb!.probe(u))).map((r) => r.durationMs),
      curl: () =>
        pool(targets.urls, CONCURRENCY, async (u) => {
          const { stdout } = await execFileP(CURL, [
            '-s',
            '-o',
            '/dev/null',
            '--max-time',
            '5',
            '-w',
            '%{time_total}',
            u,
          ]);
          return Number(stdout) * 1000;
        }),
    };
    // Round 0 warms every tool up and is not counted; each round starts with a different tool.
    for (let r = 0; r <= size.rounds; r++) {
      log(`latency: round ${r}${r === 0 ? ' (warm-up)' : ''} of ${size.rounds} …`);
      for (let k = 0; k < tools.length; k++) {
        const tool = tools[(r + k) % tools.length]!;
        const ms = await measure[tool]();
        if (r > 0)
          ms.forEach((m, i) => {
            errors
              .get(tool)!
              .get(delays[i]!)!
              .push(m - delays[i]!);
          });
      }
      loads.push(load());
    }
  } finally {
    await bb?.stop();
    await engine?.close();
    await targets.stop();
  }

  const rows: string[][] = [];
  const summary: Record<string, { delay: number | 'all'; p50: number; p99: number }[]> = {};
  for (const [tool, samples] of errors) {
    summary[tool] = [];
    const all = [...samples.values()].flat();
    for (const [delay, v] of [...samples, ['all', all] as const]) {
      const p50 = percentile(v, 50);
      const p99 = percentile(v, 99);
      summary[tool]!.push({ delay, p50, p99 });
      rows.push([tool, String(delay), String(v.length), fmt(p50, 3), fmt(p99, 3)]);
    }
  }
  const allOf = (tool: Tool) => summary[tool]?.at(-1);
  const dAll = allOf('depmon')!;
  const xAll = allOf('exporter');
  const peak = loads.reduce((a, l) => (l.loadavg[0] > a.loadavg[0] ? l : a));
  const markdown = [
    `Measured: ${measuredTree().label}. ${size.perDelay} loopback servers per injected delay (${size.delays.join(', ')} ms), each probed ${size.rounds} times per tool after one warm-up round, ${CONCURRENCY} at a time, new connection each probe. The tools run side by side: round by round, each round starting with a different tool, so all of them see the same load. Error = measured − injected, in ms (it includes connect, request and the server's timer slack). Tools: depmon's engine (bundled, one Node 22 child for the whole run, \`latencyMs\` to the microsecond), ${bbVersion ? `${bbVersion} (\`probe_duration_seconds\`)` : `no exporter (${BLACKBOX_MISSING})`}, ${curlVersion} (\`time_total\`).`,
    '',
    `Machine load: ${loadText(loads[0]!)} at the start, ${loadText(loads.at(-1)!)} at the end, highest 1-minute ${fmt(peak.loadavg[0], 2)} (sampled after each round).`,
    '',
    mdTable(['tool', 'delay (ms)', 'samples', 'error p50 (ms)', 'error p99 (ms)'], rows),
    '',
    `depmon, all delays: error p50 ${fmt(dAll.p50, 3)} ms, p99 ${fmt(dAll.p99, 3)} ms (target within ${TARGET_P99_MS} ms): ${Math.abs(dAll.p99) <= TARGET_P99_MS ? 'met' : 'missed'}.${xAll ? ` Exporter p50 ${fmt(xAll.p50, 3)} ms, p99 ${fmt(xAll.p99, 3)} ms: depmon's p99 error is ${fmt(dAll.p99 / xAll.p99, 2)}× the exporter's.` : ''}`,
  ].join('\n');
  return { title: 'Latency accuracy', markdown, data: { summary, loads } };
}
