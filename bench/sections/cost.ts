// Section e: the monthly bill for 10, 100 and 1,000 dependencies (3 probe regions, 60 s) for each detection
// profile, beside Synthetics and Route 53, and the itemised floor per dependency against the $1.00 target.
import { parseConfig } from '#shared/config';
import { costReport } from '#shared/cost';
import { fmt, mdTable, type RunOptions, type SectionResult } from '../lib/machine.ts';

/**
 * A plausible config of n dependencies: 10% first party, third parties in vendor groups of 10, half with a JSON
 * assertion. Groups of 10, not 5: at 1,000 dependencies, 180 groups would exceed CloudWatch's 150 composite
 * parents per alarm (every external-outage composite references core-outage), and the alarm plan refuses that.
 */
export function syntheticConfig(
  n: number,
  intervalSeconds = 60,
  detection: 'economical' | 'fast' = 'economical',
) {
  const firstParty = Math.max(1, Math.round(n / 10));
  return parseConfig({
    name: `bench-${n}`,
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    intervalSeconds,
    policy: { detection },
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

/** Per dependency at 1,000: each line that grows with dependencies, and the rest, from the bill itself. */
function floorOf(r: ReturnType<typeof costReport>): (string | number)[][] {
  const n = r.depmon.dependencies;
  const by = (test: (item: string) => boolean) =>
    r.depmon.lines.filter((l) => test(l.item)).reduce((a, l) => a + l.monthlyUsd, 0) / n;
  const metrics = by((i) => i.startsWith('custom metrics'));
  const alarms = by((i) => /resolution alarms \(/.test(i));
  const logs = by((i) => i.startsWith('probe function logs'));
  const traffic = by((i) => i.startsWith('probe traffic') || i.startsWith('PutMetricData bodies'));
  const put = by((i) => i.startsWith('PutMetricData ('));
  const rest = r.depmon.perDependencyUsd - metrics - alarms - logs - traffic - put;
  return [
    ['custom metrics (Status per dependency, Heartbeat per function, at $0.30)', usd4(metrics)],
    ['down, degraded and heartbeat alarms', usd4(alarms)],
    ['probe logs (ingested + 3 months stored)', usd4(logs)],
    ['probe traffic out + datums to the home region', usd4(traffic)],
    ['PutMetricData requests', usd4(put)],
    ['everything else (composites, Lambda, schedules, KMS, dashboard, notify)', usd4(rest)],
    ['**total**', `**${usd4(r.depmon.perDependencyUsd)}**`],
  ];
}

const usd4 = (n: number) => `$${fmt(n, 3)}`;

export async function run(_log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const rows: (string | number)[][] = [];
  const data: unknown[] = [];
  for (const detection of ['economical', 'fast'] as const) {
    for (const n of smoke ? [10] : [10, 100, 1000]) {
      const config = syntheticConfig(n, 60, detection);
      const r = costReport(config);
      rows.push([
        detection,
        n,
        usd(r.depmon.totalUsd),
        usd(r.depmon.perDependencyUsd),
        usd(r.depmon.steadyStatePerDependencyUsd),
        usd(r.synthetics.totalUsd),
        usd(r.route53.totalUsd),
      ]);
      data.push({
        n,
        detection,
        depmon: r.depmon,
        synthetics: r.synthetics.totalUsd,
        route53: r.route53.totalUsd,
      });
    }
  }
  const one = costReport(syntheticConfig(smoke ? 10 : 1000));
  const markdown = [
    `\`depmon cost\` on generated configs: 3 probe regions (ap-northeast-2 home, -1, -3), 60 s, 10% first party, third parties in vendor groups of ${GROUP_SIZE} (half with a JSON assertion), email + SMS channels. Prices: ${one.prices.region} checked ${one.prices.takenOn}, each region's own logs and data-transfer prices; resource counts from the config's alarm plan and shard split (\`depmon cost\` itself counts the synthesized templates; test/cli/cost-synthesized.test.ts shows both agree and that the total is within 5% of an independent model of the templates).`,
    '',
    mdTable(
      [
        'detection',
        'dependencies',
        'depmon / month (year 1)',
        'per dependency (year 1)',
        'per dependency (from year 3)',
        'Synthetics',
        'Route 53',
      ],
      rows,
    ),
    '',
    `Per dependency at ${one.depmon.dependencies.toLocaleString('en-US')} dependencies, economical profile (the cheaper one), from the bill's own lines:`,
    '',
    mdTable(['item', 'per dependency-month'], floorOf(one)),
    '',
    `Target: under $1.00 per dependency-month at 1,000 dependencies, 3 regions, 60 s, counting everything: met by both profiles (economical ${usd(costReport(syntheticConfig(smoke ? 10 : 1000)).depmon.perDependencyUsd)}, fast ${usd(costReport(syntheticConfig(smoke ? 10 : 1000, 60, 'fast')).depmon.perDependencyUsd)} at ${smoke ? 10 : 1000}). Each dependency has one custom metric, \`Status\` (0 up, 1 degraded, 1000 down, all regions in one series), read by its down and degraded alarms through one-metric math (FLOOR(Sum / 1000) and the remainder): $0.30 + 2 × $0.10 before any Lambda, log or byte; the fast profile's down alarm is high resolution (+$0.20). Latency is not a metric by default (it was $0.30 of the $1.29 before): it stays in the probe-result log line, and the dashboard reads it with Logs Insights; the opt-in \`Latency\` metric (\`metrics.latency\`, a dependency's \`latencyMetric\`) adds $0.30 for each dependency that has it. Above 10,000 custom metrics in an account the tier price drops to $0.10. A limit met on the way: every external-outage composite references the core-outage alarm and CloudWatch allows an alarm 150 composite parents, so one config holds at most about 150 third-party groups (the alarm plan refuses more and says so).`,
  ].join('\n');
  return { title: 'Monthly cost', markdown, data };
}
