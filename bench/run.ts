// `npm run bench [-- SECTION...]`: runs the benchmark sections (all by default) and rewrites their parts of
// bench/RESULTS.md, keeping the parts of sections not run this time. Loopback only; every loop is bounded.
// Benchmarks report: a missed target is written down, never an exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, machine, OUT_DIR, ROOT, type SectionResult } from './lib/machine.ts';

type Section = { run: (log: (s: string) => void) => Promise<SectionResult> };
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

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => !(a in SECTIONS));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown section(s) ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const chosen = argv.length > 0 ? argv : Object.keys(SECTIONS);
  const m = machine();
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  for (const name of chosen) {
    const s = SECTIONS[name]!;
    const log = (line: string) => process.stderr.write(`[bench ${name}] ${line}\n`);
    const startedAt = new Date();
    const t0 = performance.now();
    log('start');
    let body: string;
    try {
      const r = await (await s.load()).run(log);
      writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(r.data, null, 2)}\n`);
      body = r.markdown;
    } catch (e) {
      body = `Not run: ${e instanceof Error ? e.message : String(e)}`;
      log(body);
    }
    const secs = (performance.now() - t0) / 1000;
    log(`done in ${secs.toFixed(1)} s`);
    // Re-read before writing: another `npm run bench -- SECTION` may have written its part meanwhile.
    const sections = existingSections();
    sections.set(
      name,
      `## ${s.title}\n\n_Run ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} by \`${command}\`, ${secs.toFixed(0)} s, Node ${m.node}${m.node22 ? ` (bundles run on ${m.node22})` : ''}._\n\n${body}`,
    );
    writeResults(m, sections);
  }
}

function writeResults(m: ReturnType<typeof machine>, sections: Map<string, string>): void {
  const head = [
    '# depmon benchmarks',
    '',
    'Written by `npm run bench` (all sections) or `npm run bench -- SECTION…` (engine, latency, coldstart,',
    'detection, cost, soak): a run rewrites only its own sections. Everything runs on 127.0.0.1.',
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

await main(process.argv.slice(2));
