// Section g: the engine's time bounds on the wall clock. The tests check them on a fake clock (the engine's own
// timers decide); here they are timed from outside, under whatever load the machine has: a probe against a
// server that stalls ends within its timeout plus 250 ms, and a cycle ends within its deadline plus 250 ms.
import { runEngine } from '../lib/engine.ts';
import {
  fmt,
  type Load,
  load,
  loadText,
  mdTable,
  type RunOptions,
  type SectionResult,
} from '../lib/machine.ts';
import { measuredTree } from '../lib/snapshot.ts';
import { startTargets, type TargetSpec } from '../lib/targets.ts';

/** The bound the issue set: a probe ends within its own timeout plus this much; a cycle within its deadline plus it. */
const SLACK_MS = 250;
const CYCLE_DEADLINE_MS = 400;

interface Case {
  readonly name: string;
  readonly spec: TargetSpec;
  readonly timeoutMs: number;
  readonly dependency: (port: number, i: number) => object;
}

// The config schema wants one critical first-party dependency (core) in every config.
const base = (i: number, name: string) => ({ id: `b${i}`, name, tier: 'first-party', critical: i === 0 });
const CASES: readonly Case[] = [
  {
    name: 'HTTP: accepts, never answers',
    spec: { delayMs: 0, behaviour: 'hung' },
    timeoutMs: 800,
    dependency: (port, i) => ({
      ...base(i, 'hung'),
      http: { url: `http://127.0.0.1:${port}/`, timeoutMs: 800 },
    }),
  },
  {
    name: 'HTTP: headers, then a byte a second',
    spec: { delayMs: 0, behaviour: 'trickle' },
    timeoutMs: 1500,
    dependency: (port, i) => ({
      ...base(i, 'trickle'),
      http: { url: `http://127.0.0.1:${port}/`, timeoutMs: 1500 },
    }),
  },
  {
    name: 'HTTPS: TCP accepted, no TLS handshake',
    spec: { delayMs: 0, behaviour: 'silent' },
    timeoutMs: 700,
    dependency: (port, i) => ({
      ...base(i, 'tls'),
      http: { url: `https://127.0.0.1:${port}/`, timeoutMs: 700 },
    }),
  },
  {
    name: 'DNS: the server never answers',
    spec: { delayMs: 0, behaviour: 'dns-silent' },
    timeoutMs: 600,
    dependency: (_port, i) => ({ ...base(i, 'dns'), dns: { name: 'api.silent.example', timeoutMs: 600 } }),
  },
];

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const repeats = smoke ? 1 : Number(process.env.BENCH_BOUNDS_REPEATS ?? 20);
  const loads: Load[] = [load()];
  const targets = await startTargets(
    [...CASES.map((c) => c.spec), { delayMs: 0, behaviour: 'hung' }, { delayMs: 0, behaviour: 'ok' }],
    1,
  );
  const port = (i: number) => Number(new URL(targets.urls[i]!).port);
  try {
    log(`bounds: ${CASES.length} stalling servers, each probed alone ${repeats} times …`);
    const dnsIndex = CASES.findIndex((c) => c.spec.behaviour === 'dns-silent');
    const probes = await runEngine({
      dependencies: CASES.map((c, i) => c.dependency(port(i), i)),
      concurrency: 1,
      cycles: repeats,
      each: true,
      resolvers: [`127.0.0.1:${port(dnsIndex)}`],
    });
    loads.push(load());
    log(`bounds: a cycle with a ${CYCLE_DEADLINE_MS} ms deadline, ${repeats} times …`);
    const hung = port(CASES.length);
    const ok = port(CASES.length + 1);
    const cycles = await runEngine({
      dependencies: [
        { ...base(0, 'fast'), http: { url: `http://127.0.0.1:${ok}/`, timeoutMs: 5000 } },
        { ...base(1, 'hung'), http: { url: `http://127.0.0.1:${hung}/`, timeoutMs: 5000 } },
        { ...base(2, 'queued'), http: { url: `http://127.0.0.1:${ok}/`, timeoutMs: 5000 } },
      ],
      concurrency: 1,
      cycles: repeats,
      cycleDeadlineMs: CYCLE_DEADLINE_MS,
    });
    loads.push(load());

    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = {};
    let missed = 0;
    CASES.forEach((c, i) => {
      const walls = probes.cycles.map((cy) => cy.outerMs![i]!);
      const worst = Math.max(...walls);
      const met = worst <= c.timeoutMs + SLACK_MS;
      if (!met) missed++;
      rows.push([
        c.name,
        c.timeoutMs,
        fmt(Math.min(...walls), 1),
        fmt(worst, 1),
        c.timeoutMs + SLACK_MS,
        met ? 'met' : 'missed',
      ]);
      data[c.name] = { timeoutMs: c.timeoutMs, walls };
    });
    const cycleWalls = cycles.cycles.map((cy) => cy.wallMs);
    const worstCycle = Math.max(...cycleWalls);
    const cycleMet = worstCycle <= CYCLE_DEADLINE_MS + SLACK_MS;
    if (!cycleMet) missed++;
    rows.push([
      `cycle of 3 (1 hung), concurrency 1, deadline ${CYCLE_DEADLINE_MS} ms`,
      CYCLE_DEADLINE_MS,
      fmt(Math.min(...cycleWalls), 1),
      fmt(worstCycle, 1),
      CYCLE_DEADLINE_MS + SLACK_MS,
      cycleMet ? 'met' : 'missed',
    ]);
    data.cycle = { deadlineMs: CYCLE_DEADLINE_MS, walls: cycleWalls, statuses: cycles.totals };
    const markdown = [
      `Measured: ${measuredTree().label}. Each stalling server on 127.0.0.1 is probed alone, ${repeats} times, by the bundled engine in a Node 22 child (${probes.node}); the wall time is taken around each \`probeOne\` call, so it includes the engine's cleanup. The cycle row times \`probeAll\` with \`cycleDeadlineMs\`. Bound: timeout (or deadline) + ${SLACK_MS} ms. Machine: ${loadText(loads[0]!)} at the start, ${loadText(loads.at(-1)!)} at the end.`,
      '',
      mdTable(['case', 'timeout (ms)', 'fastest (ms)', 'slowest (ms)', 'bound (ms)', 'bound'], rows),
      '',
      missed === 0 ? 'Every bound met.' : `${missed} bound(s) missed.`,
    ].join('\n');
    return { title: 'Time bounds', markdown, data: { ...data, loads } };
  } finally {
    await targets.stop();
  }
}
