// What the same coverage would cost with AWS's own probers: CloudWatch Synthetics canaries and Route 53
// health checks. Same price table as the depmon bill; what each cannot cover is said, not priced.
import { type Dependency, type MonitorConfig, unknownCheck } from '#shared/config';
import {
  MINUTES_PER_MONTH,
  PRICES,
  type PriceTable,
  ROUTE53_FAST_INTERVAL_SECONDS,
  ROUTE53_STANDARD_INTERVAL_SECONDS,
} from './prices.ts';

export interface AlternativeLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
}

export interface AlternativeBill {
  readonly name: 'CloudWatch Synthetics' | 'Route 53 health checks';
  readonly lines: readonly AlternativeLine[];
  readonly totalUsd: number;
  readonly perDependencyUsd: number;
  /** Dependencies it cannot probe at all, with why. */
  readonly uncovered: readonly { readonly dependency: string; readonly why: string }[];
  readonly notes: readonly string[];
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** One canary per dependency per probe region, running at the config's interval. */
export function syntheticsBill(config: MonitorConfig, prices: PriceTable = PRICES): AlternativeBill {
  const canaries = config.dependencies.length * config.probeRegions.length;
  const runsPerCanary = MINUTES_PER_MONTH * (60 / config.intervalSeconds);
  const runs = canaries * runsPerCanary;
  const lines: AlternativeLine[] = [
    {
      item: `canary runs (${canaries} canaries × ${runsPerCanary} runs)`,
      quantity: runs,
      unit: 'runs',
      unitUsd: prices.syntheticsRun,
      monthlyUsd: round6(runs * prices.syntheticsRun),
    },
  ];
  const totalUsd = round6(lines.reduce((a, l) => a + l.monthlyUsd, 0));
  return {
    name: 'CloudWatch Synthetics',
    lines,
    totalUsd,
    perDependencyUsd: round6(totalUsd / config.dependencies.length),
    uncovered: [],
    notes: [
      `$${prices.syntheticsRun} per run; about $${round2(runsPerCanary * prices.syntheticsRun)} a month per canary at ${config.intervalSeconds} s`,
      'canary runs only: the Lambda behind each canary, its S3 artifacts, and the alarms on its metrics are billed on top',
      'multi-location canaries (June 2026) replicate one canary to several Regions; each location still runs and bills',
    ],
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Which Route 53 optional features a dependency's check needs, and whether Route 53 can probe it at all. */
function route53Check(
  d: Dependency,
  intervalSeconds: number,
): { features: string[] } | { uncovered: string } {
  const fast = intervalSeconds < ROUTE53_STANDARD_INTERVAL_SECONDS ? ['fast interval'] : [];
  const { check } = d;
  switch (check.kind) {
    case 'http': {
      const features = [...fast];
      if (check.url.startsWith('https://')) features.push('HTTPS');
      const matchesBody = check.bodyMatches.length > 0 || check.json.length > 0;
      if (matchesBody) features.push('string matching');
      return { features };
    }
    case 'tcp':
      return { features: fast };
    case 'dns':
      return { uncovered: 'Route 53 health checks do not test DNS resolution' };
    case 'tls':
      return { uncovered: 'Route 53 health checks do not report certificate expiry' };
    default:
      return unknownCheck(check);
  }
}

/**
 * One health check per dependency (Route 53 probes from its own checker locations, not the config's regions),
 * with the optional features the check needs, and one CloudWatch alarm per check to be told about it.
 */
export function route53Bill(config: MonitorConfig, prices: PriceTable = PRICES): AlternativeBill {
  let checks = 0;
  let features = 0;
  const uncovered: { dependency: string; why: string }[] = [];
  const featureCounts = new Map<string, number>();
  for (const d of config.dependencies) {
    const c = route53Check(d, config.intervalSeconds);
    if ('uncovered' in c) {
      uncovered.push({ dependency: d.id, why: c.uncovered });
      continue;
    }
    checks++;
    features += c.features.length;
    for (const f of c.features) featureCounts.set(f, (featureCounts.get(f) ?? 0) + 1);
  }
  const featureList = [...featureCounts].map(([f, n]) => `${n} ${f}`).join(', ') || 'none';
  const lines: AlternativeLine[] = [
    {
      item: 'health checks (non-AWS endpoints)',
      quantity: checks,
      unit: 'checks',
      unitUsd: prices.route53HealthCheck,
      monthlyUsd: round6(checks * prices.route53HealthCheck),
    },
    {
      item: `optional features (${featureList})`,
      quantity: features,
      unit: 'features',
      unitUsd: prices.route53OptionalFeature,
      monthlyUsd: round6(features * prices.route53OptionalFeature),
    },
    {
      item: 'CloudWatch alarm per health check (us-east-1)',
      quantity: checks,
      unit: 'alarm metrics',
      unitUsd: prices.alarmStandardMetric,
      monthlyUsd: round6(checks * prices.alarmStandardMetric),
    },
  ];
  const totalUsd = round6(lines.reduce((a, l) => a + l.monthlyUsd, 0));
  const interval =
    config.intervalSeconds < ROUTE53_STANDARD_INTERVAL_SECONDS
      ? ROUTE53_FAST_INTERVAL_SECONDS
      : ROUTE53_STANDARD_INTERVAL_SECONDS;
  return {
    name: 'Route 53 health checks',
    lines,
    totalUsd,
    perDependencyUsd: round6(totalUsd / config.dependencies.length),
    uncovered,
    notes: [
      `checks every ${interval} s from Route 53's own fixed set of checker locations, not from ${config.probeRegions.join(', ')}`,
      'public endpoints only: an API reachable only inside a VPC cannot be checked',
      `the latency-measurement feature would add $${prices.route53OptionalFeature} per check`,
    ],
  };
}
