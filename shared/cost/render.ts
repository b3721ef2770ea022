// The cost report as a plain-text table for the terminal, and as markdown for bench/RESULTS.md.
import type { CostReport } from './report.ts';

const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);
const qty = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(3));

function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Human-readable report: the itemised depmon bill, then the alternatives, then the assumptions. */
export function formatCostReport(r: CostReport): string {
  const b = r.depmon;
  const head = `depmon cost: "${b.name}", ${b.dependencies} dependencies, ${b.probeRegions.length} probe regions (${b.probeRegions.join(', ')}), every ${b.intervalSeconds} s, home ${b.homeRegion}, detection "${b.detection}"`;
  const rows = [
    ['service', 'item', 'region', 'quantity', 'unit', 'USD/month'],
    ...b.lines.map((l) => [l.service, l.item, l.region, qty(l.quantity), l.unit, usd(l.monthlyUsd)]),
    ['', `total, year 1${b.freeTier ? ' (free tier subtracted)' : ''}`, '', '', '', usd(b.totalUsd)],
    ['', 'per dependency, year 1', '', '', '', usd(b.perDependencyUsd)],
    ['', 'total from year 3 (KMS keys rotated twice)', '', '', '', usd(b.steadyStateTotalUsd)],
    ['', 'per dependency from year 3', '', '', '', usd(b.steadyStatePerDependencyUsd)],
  ];
  const out = [
    head,
    `prices: ${r.prices.region}, checked ${r.prices.takenOn}${Object.entries(r.prices.regional)
      .map(([region, p]) => `; ${region}: ${p.source}`)
      .join('')}`,
    '',
    table(rows, new Set([3, 5])),
  ];
  out.push('', 'Detection profiles (policy.detection), year 1:');
  for (const p of r.detectionProfiles)
    out.push(
      `  ${p.profile}${p.current ? ' (this config)' : ''}: ${usd(p.totalUsd)} (${usd(p.perDependencyUsd)} per dependency); ${p.detects}`,
    );
  out.push('', 'Same coverage with:');
  const alt = [
    ['', 'USD/month', 'per dependency', 'cannot cover'],
    ['depmon', usd(b.totalUsd), usd(b.perDependencyUsd), '-'],
    ...[r.synthetics, r.route53].map((a) => [
      a.name,
      usd(a.totalUsd),
      usd(a.perDependencyUsd),
      a.uncovered.length > 0 ? a.uncovered.map((u) => u.dependency).join(', ') : '-',
    ]),
  ];
  out.push(table(alt, new Set([1, 2])));
  for (const a of [r.synthetics, r.route53]) {
    out.push('', `${a.name}:`);
    for (const l of a.lines) out.push(`  ${l.item}: ${qty(l.quantity)} ${l.unit} → ${usd(l.monthlyUsd)}`);
    for (const u of a.uncovered) out.push(`  cannot cover ${u.dependency}: ${u.why}`);
    for (const n of a.notes) out.push(`  note: ${n}`);
  }
  out.push('', 'Assumptions:');
  for (const a of b.assumptions) out.push(`  - ${a}`);
  out.push(
    `  - worst case (every probe times out every round): Lambda compute ${usd(b.worstCaseLambdaComputeUsd)} instead of ${usd(
      b.lines.filter((l) => l.unit === 'GB-s').reduce((a, l) => a + l.monthlyUsd, 0),
    )}`,
  );
  return `${out.join('\n')}\n`;
}
