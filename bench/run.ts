// `npm run bench [-- SECTION...]`: runs the benchmark sections (all by default) and, when every chosen section
// ran, rewrites their parts of bench/RESULTS.md, keeping the parts of sections not run this time. A section that
// cannot run fails the command: exit 1, one line saying why, RESULTS.md untouched. A missed target is a result,
// written down, not a failure. `npm run bench:smoke` (`--smoke`) runs every section at a tiny size on the working
// tree and writes only bench/out/smoke/: it is part of `npm test`, so a change that breaks a bench fails the tests.
// Loopback only; every loop is bounded.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BENCH_DIR,
  commitLabel,
  load,
  loadText,
  machine,
  OUT_DIR,
  ROOT,
  type RunOptions,
  type SectionResult,
} from './lib/machine.ts';

type Section = { run: (log: (s: string) => void, opts: RunOptions) => Promise<SectionResult> };
const SECTIONS: Record<string, { title: string; load: () => Promise<Section> }> = {
  engine: { title: 'a. Probe engine vs blackbox exporter', load: () => import('./sections/engine.ts') },
  latency: { title: 'b. Latency accuracy', load: () => import('./sections/latency.ts') },
  coldstart: {
    title: 'c. Lambda bundles: size and cold start',
    load: () => import('./sections/coldstart.ts'),
  },
  detection: { title: 'd. Detection time', load: () => import('./sections/detection.ts') },
  cost: { title: 'e. Monthly cost', load: () => import('./sections/cost.ts') },
  soak: { title: 'f. Soak', load: () => import('./sections/soak.ts') },
  bounds: { title: 'g. Time bounds', load: () => import('./sections/bounds.ts') },
  hostile: { title: 'h. Hostile input', load: () => import('./sections/hostile.ts') },
  scale: {
    title: 'i. Scale: synth, bundles, notify and simulate at size',
    load: () => import('./sections/scale.ts'),
  },
};

const RESULTS = path.join(BENCH_DIR, 'RESULTS.md');
const marker = (name: string, end = false) => `<!-- ${end ? '/' : ''}section:${name} -->`;

function existingSections(): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(RESULTS)) return out;
  const text = readFileSync(RESULTS, 'utf8');
  for (const name of Object.keys(SECTIONS)) {
    const a = text.indexOf(marker(name));
    const b = text.indexOf(marker(name, true));
    if (a >= 0 && b > a) out.set(name, text.slice(a + marker(name).length, b).trim());
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  const smoke = args.includes('--smoke');
  const argv = args.filter((a) => a !== '--smoke');
  const unknown = argv.filter((a) => !(a in SECTIONS));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown section(s) ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}\n`,
    );
    return 2;
  }
  // The smoke run guards the tree being worked on, not the last commit.
  if (smoke) process.env.BENCH_TREE ??= 'worktree';
  const outDir = smoke ? path.join(OUT_DIR, 'smoke') : OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const chosen = argv.length > 0 ? argv : Object.keys(SECTIONS);
  const m = machine();
  const commit = commitLabel();
  const command = `npm run bench${smoke ? ':smoke' : ''}${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  const ran = new Map<string, string>();
  const t00 = performance.now();
  for (const name of chosen) {
    const s = SECTIONS[name]!;
    const log = (line: string) => process.stderr.write(`[bench${smoke ? ' smoke' : ''} ${name}] ${line}\n`);
    const startedAt = new Date();
    const before = load();
    const t0 = performance.now();
    log('start');
    let r: SectionResult;
    try {
      r = await (await s.load()).run(log, { smoke });
    } catch (e) {
      // One line: the message, never a stack (a bundled child's stack is a line of minified code).
      const why = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 500);
      process.stderr.write(`bench: section ${name} could not run: ${why}\n`);
      if (!smoke) process.stderr.write(`bench: ${path.relative(ROOT, RESULTS)} left as it was\n`);
      return 1;
    }
    const after = load();
    const secs = (performance.now() - t0) / 1000;
    writeFileSync(
      path.join(outDir, `${name}.json`),
      `${JSON.stringify({ commit, load: { before, after }, data: r.data }, null, 2)}\n`,
    );
    log(`done in ${secs.toFixed(1)} s`);
    const body = `## ${s.title}\n\n_Run ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} by \`${command}\` on commit ${commit}, ${secs.toFixed(0)} s, Node ${m.node}${m.node22 ? ` (bundles run on ${m.node22})` : ''}, ${m.cpu}; ${loadText(before)} at the start, ${loadText(after)} at the end._\n\n${r.markdown}`;
    ran.set(name, body);
    if (smoke) writeFileSync(path.join(outDir, `${name}.md`), `${body}\n`);
  }
  if (smoke) {
    process.stderr.write(
      `bench smoke: ${chosen.length} section(s) ran in ${((performance.now() - t00) / 1000).toFixed(1)} s (${path.relative(ROOT, outDir)}/)\n`,
    );
    return 0;
  }
  // Re-read before writing: another `npm run bench -- SECTION` may have written its part meanwhile.
  const sections = existingSections();
  for (const [name, body] of ran) sections.set(name, body);
  writeResults(m, sections);
  return 0;
}

function writeResults(m: ReturnType<typeof machine>, sections: Map<string, string>): void {
  const head = [
    '# depmon benchmarks',
    '',
    'Written by `npm run bench` (all sections) or `npm run bench -- SECTION…` (engine, latency, coldstart,',
    'detection, cost, soak, bounds, hostile, scale): a run rewrites only its own sections, and only when every one of them ran.',
    'Everything runs on 127.0.0.1. Each section names the commit it measured and the machine load while it ran.',
    '',
    `Machine of the latest run: ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.memoryGiB} GiB memory, Linux ${m.kernel}, Node ${m.node}${m.node22 ? `, Node 22 for bundles: ${m.node22}` : ''}.`,
    'The machine is shared (2 cores, other work running at the same time): wall times are noisy.',
    '',
  ];
  const parts = Object.keys(SECTIONS).map((name) => {
    const body = sections.get(name) ?? `## ${SECTIONS[name]!.title}\n\nNot run yet.`;
    return `${marker(name)}\n${body}\n${marker(name, true)}\n`;
  });
  writeFileSync(RESULTS, `${head.join('\n')}\n${parts.join('\n')}`);
  // The repository's formatter owns markdown layout too; keep RESULTS.md as `npm run lint` wants it.
  spawnSync(path.join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', RESULTS], { stdio: 'ignore' });
}

process.exitCode = await main(process.argv.slice(2));
