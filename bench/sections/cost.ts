// Section e: the monthly bill for 10, 100 and 1,000 dependencies (3 probe regions, 60 s), beside Synthetics
// and Route 53, and what it would take to get under $1 per dependency.
import { parseConfig } from '#shared/config';
import { costReport } from '#shared/cost';
import { fmt, mdTable, type RunOptions, type SectionResult } from '../lib/machine.ts';

/**
 * A plausible config of n dependencies: 10% first party, third parties in vendor groups of 10, half with a JSON
 * assertion. Groups of 10, not 5: at 1,000 dependencies, 180 groups would exceed CloudWatch's 150 composite
 * parents per alarm (every external-outage composite references core-outage), and the alarm plan refuses that.
 */
export function syntheticConfig(n: number, intervalSeconds = 60) {
  const firstParty = Math.max(1, Math.round(n / 10));
  return parseConfig({
    name: `bench-${n}`,
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    intervalSeconds,
    channels: [
      { id: 'oncall-email', type: 'email', address: 'oncall@bank.example' },
      { id: 'oncall-sms', type: 'sms', address: '+821000000000' },
    ],
    dependencies: Array.from({ length: n }, (_, i) =>
      i < firstParty
        ? {
            id: `core-${i}`,
            name: `Core ${i}`,
            tier: 'first-party',
            critical: i < 3,
            http: { url: `https://core${i}.bank.example/health` },
          }
        : {
            id: `vendor-${i}`,
            name: `Vendor API ${i}`,
            tier: 'third-party',
            group: `vendor-${Math.floor(i / GROUP_SIZE)}`,
            http: {
              url: `https://api${i}.vendor${Math.floor(i / GROUP_SIZE)}.example/health`,
              ...(i % 2 === 0 ? { json: [{ path: '$.status', equals: 'UP' }] } : {}),
            },
          },
    ),
  });
}

const GROUP_SIZE = 10;
const usd = (n: number) => (n >= 100 ? `$${fmt(n, 0)}` : `$${fmt(n, 2)}`);

export async function run(_log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  for (const n of smoke ? [10] : [10, 100, 1000]) {
    const config = syntheticConfig(n);
    const r = costReport(config);
    const lean = costReport(config, { metricsPerDependency: 1 });
    const metrics = r.depmon.lines.find((l) => l.item.startsWith('custom metrics'))!.monthlyUsd;
    const alarms = r.depmon.lines
      .filter((l) => l.item.includes('alarms'))
      .reduce((a, l) => a + l.monthlyUsd, 0);
    rows.push([
      n,
      usd(r.depmon.totalUsd),
      usd(r.depmon.perDependencyUsd),
      `${usd(metrics)} / ${usd(alarms)}`,
      usd(lean.depmon.perDependencyUsd),
      usd(r.synthetics.totalUsd),
      usd(r.route53.totalUsd),
    ]);
    data.push({
      n,
      depmon: r.depmon,
      lean: lean.depmon.totalUsd,
      synthetics: r.synthetics.totalUsd,
      route53: r.route53.totalUsd,
    });
  }
  const one = costReport(syntheticConfig(smoke ? 10 : 1000));
  const markdown = [
    `\`depmon cost\` on generated configs: 3 probe regions (ap-northeast-2, -1, -3), 60 s, 10% first party, third parties in vendor groups of ${GROUP_SIZE} (half with a JSON assertion), email + SMS channels. Prices: ${one.prices.region}, checked ${one.prices.takenOn}; alarm counts from the ${one.depmon.alarms.source}.`,
    '',
    mdTable(
      [
        'dependencies',
        'depmon / month',
        'per dependency',
        'of which metrics / alarms',
        'per dep., 1 metric/dep.',
        'Synthetics',
        'Route 53',
      ],
      rows,
    ),
    '',
    'Target: under $1 per dependency per month at 3 regions and 60 s. The design as built cannot reach it: each dependency has three custom metrics (Down, Degraded, Latency) at $0.30 each, $0.90 before any alarm, plus a Down and a Degraded alarm ($0.20). Everything else (Lambda, PutMetricData, logs, dashboard, KMS) spreads thin at 100+ dependencies. What would close it: one metric per dependency (a single `Status` series, 0 up / 1 degraded / 1000 down, its Down and Degraded alarms reading it through metric math with FLOOR, and latency kept in a JSON log line for Logs Insights instead of a metric) gives the "1 metric/dep." column. Above 10,000 custom metrics in an account the tier price drops to $0.10. A limit met on the way: every external-outage composite references the core-outage alarm and CloudWatch allows an alarm 150 composite parents, so one config holds at most about 150 third-party groups (the alarm plan refuses more and says so).',
  ].join('\n');
  return { title: 'Monthly cost', markdown, data };
}
