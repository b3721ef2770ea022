// Section b: latency accuracy. Servers with injected delays of 0, 50, 200 and 1000 ms; depmon's measured
// latency, the blackbox exporter's probe_duration_seconds and curl's time_total, each minus the delay.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { ensureBlackbox, pool, startBlackbox } from '../lib/blackbox.ts';
import { httpDep, runEngine } from '../lib/engine.ts';
import { fmt, mdTable, percentile, type SectionResult } from '../lib/machine.ts';
import { measuredTree } from '../lib/snapshot.ts';
import { startTargets } from '../lib/targets.ts';

const DELAYS_MS = [0, 50, 200, 1000] as const;
const PER_DELAY = 10;
const ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 5);
const CONCURRENCY = 10;
const TIMEOUT_MS = 5000;
const TARGET_P99_MS = 2;

const execFileP = promisify(execFile);

function ensureCurl(log: (s: string) => void): string {
  if (!existsSync('/usr/bin/curl')) {
    log('installing curl with apt-get …');
    execFileSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 300_000,
      },
    );
  }
  return execFileSync('curl', ['--version'], { encoding: 'utf8' })
    .split('\n')[0]!
    .split(' ')
    .slice(0, 2)
    .join(' ');
}

type Samples = Map<number, number[]>;
const empty = (): Samples => new Map(DELAYS_MS.map((d) => [d, []]));

export async function run(log: (s: string) => void): Promise<SectionResult> {
  const bbVersion = ensureBlackbox(log);
  const curlVersion = ensureCurl(log);
  const delays = Array.from(
    { length: DELAYS_MS.length * PER_DELAY },
    (_, i) => DELAYS_MS[i % DELAYS_MS.length]!,
  );
  const targets = await startTargets(
    delays.map((delayMs) => ({ delayMs, behaviour: 'ok' as const })),
    2,
  );
  const errors = { depmon: empty(), exporter: empty(), curl: empty() };
  try {
    log('latency: depmon …');
    const deps = targets.urls.map((u, i) => httpDep(i, u, TIMEOUT_MS));
    const d = await runEngine({
      dependencies: deps,
      concurrency: CONCURRENCY,
      cycles: ROUNDS + 1,
      latencies: true,
    });
    for (const c of d.cycles.slice(1))
      c.latencies!.forEach((ms, i) => {
        errors.depmon.get(delays[i]!)!.push(ms - delays[i]!);
      });

    log('latency: blackbox exporter …');
    const bb = await startBlackbox(TIMEOUT_MS, CONCURRENCY);
    try {
      for (let r = 0; r <= ROUNDS; r++) {
        const res = await pool(targets.urls, CONCURRENCY, (u) => bb.probe(u));
        if (r > 0)
          res.forEach((x, i) => {
            errors.exporter.get(delays[i]!)!.push(x.durationMs - delays[i]!);
          });
      }
    } finally {
      await bb.stop();
    }

    log('latency: curl …');
    for (let r = 0; r <= ROUNDS; r++) {
      const res = await pool(targets.urls, CONCURRENCY, async (u) => {
        const { stdout } = await execFileP('curl', [
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
      });
      if (r > 0)
        res.forEach((ms, i) => {
          errors.curl.get(delays[i]!)!.push(ms - delays[i]!);
        });
    }
  } finally {
    await targets.stop();
  }

  const rows: string[][] = [];
  const summary: Record<string, { delay: number | 'all'; p50: number; p99: number }[]> = {};
  for (const [tool, samples] of Object.entries(errors)) {
    summary[tool] = [];
    const all = [...samples.values()].flat();
    for (const [delay, v] of [...samples, ['all', all] as const]) {
      const p50 = percentile(v, 50);
      const p99 = percentile(v, 99);
      summary[tool]!.push({ delay, p50, p99 });
      rows.push([tool, String(delay), String(v.length), fmt(p50, 2), fmt(p99, 2)]);
    }
  }
  const dAll = summary.depmon!.at(-1)!;
  const markdown = [
    `Measured: ${measuredTree().label}. ${PER_DELAY} loopback servers per injected delay (${DELAYS_MS.join(', ')} ms), each probed ${ROUNDS} times per tool after one warm-up round, ${CONCURRENCY} at a time, new connection each probe. Error = measured − injected, in ms (it includes connect, request and the server's timer slack). Tools: depmon's engine (bundled, Node 22 child), ${bbVersion} (\`probe_duration_seconds\`), ${curlVersion} (\`time_total\`).`,
    '',
    mdTable(['tool', 'delay (ms)', 'samples', 'error p50 (ms)', 'error p99 (ms)'], rows),
    '',
    `depmon, all delays: error p99 ${fmt(dAll.p99, 2)} ms (target within ${TARGET_P99_MS} ms): ${Math.abs(dAll.p99) <= TARGET_P99_MS ? 'met' : 'missed'}.`,
  ].join('\n');
  return { title: 'Latency accuracy', markdown, data: summary };
}
