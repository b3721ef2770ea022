// How much the detection bench's p95 depends on its one CloudWatch timing seed: the bench's 12 random scenarios
// (scenario seed 6) on the bank example, one profile at one interval, through `depmon simulate --json --jitter K`
// for several timing seeds K, scored exactly as the bench scores them. Prints p50/p95, false pages and missed
// outages per seed, then the spread of the p95s. Loopback only (the simulator's stand-ins).
//
//   npx tsx --conditions=depmon-source bench/lib/detection-seeds.ts [PROFILE] [INTERVAL] [SEEDS]
//   e.g. fast 15 1-10
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '#shared/config';
import bank from '../../examples/bank/monitor.config.ts';
import { randomScenarios, score, simulate } from '../sections/detection.ts';
import { pool } from './blackbox.ts';
import { OUT_DIR, percentile } from './machine.ts';

const [profile = 'fast', interval = '15', seedRange = '1-10'] = process.argv.slice(2);
const [lo, hi] = seedRange.split('-').map(Number) as [number, number];
const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
if (
  !['fast', 'economical'].includes(profile) ||
  !(Number(interval) >= 10) ||
  seeds.some((s) => !Number.isInteger(s))
) {
  console.error('usage: detection-seeds.ts [fast|economical] [INTERVAL >= 10] [FIRST-LAST seeds]');
  process.exit(2);
}

const dir = path.join(OUT_DIR, 'detection-seeds');
mkdirSync(dir, { recursive: true });
const input = { ...bank, intervalSeconds: Number(interval), policy: { ...bank.policy, detection: profile } };
const tag = `${profile}-${interval}s`;
writeFileSync(path.join(dir, `bank-${tag}.json`), JSON.stringify(input, null, 2));
const config = parseConfig(input);
const scenarios = randomScenarios(12).map((s) => {
  const file = path.join(dir, `${s.name}-${tag}.json`);
  writeFileSync(
    file,
    JSON.stringify({ ...s, name: `${s.name}-${tag}`, config: `./bank-${tag}.json` }, null, 2),
  );
  return { s, file };
});

const p95s: number[] = [];
for (const seed of seeds) {
  const runs = await pool(scenarios, 2, async ({ s, file }) => {
    const r = await simulate(file, ['--jitter', String(seed)]);
    if (!r.ok) throw new Error(`${s.name} with --jitter ${seed}: ${r.error}`);
    return score(s, r.pages, config, 0);
  });
  const secs = runs.flatMap((x) => x.detections.map((d) => d.seconds));
  const p95 = percentile(secs, 95);
  p95s.push(p95);
  const falsePages = runs.reduce((a, x) => a + x.falsePages.length, 0);
  const missed = runs.reduce((a, x) => a + x.missed, 0);
  console.log(
    `${profile} @${interval} s, --jitter ${seed}: p50 ${percentile(secs, 50).toFixed(0)} s, p95 ${p95.toFixed(0)} s, ${falsePages} false pages, ${missed} missed`,
  );
}
console.log(
  `p95 over ${seeds.length} timing seeds: min ${Math.min(...p95s).toFixed(0)} s, median ${percentile(p95s, 50).toFixed(0)} s, max ${Math.max(...p95s).toFixed(0)} s`,
);
