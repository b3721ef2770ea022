// The monthly AWS bill of a monitor config, itemised line by line, with every usage assumption named.
// Pure: it reads the config (and, when given, the alarm counts of its alarm plan) and the price table.
// The probe functions are priced as the probe stacks deploy them: the same shards, rounds, memory and
// timeout (shared/runtime).
import { buildAlarmPlan } from '#shared/alarms';
import { checkTimeoutMs, type MonitorConfig, type Tier } from '#shared/config';
import { PUT_METRIC_DATA_MAX_DATUMS } from '#shared/metrics';
import {
  NOTIFY_MEMORY_MB,
  PROBE_MEMORY_MB,
  PROBE_SCHEDULE_MINUTES,
  planShards,
  probeTimeoutSeconds,
  roundsPerInvocation,
} from '#shared/runtime';
import { type AlarmCounts, alarmCountsFromPlan } from './alarms.ts';
import {
  customMetricsUsd,
  MINUTES_PER_MONTH,
  PRICE_REGION,
  PRICES,
  PRICES_TAKEN_ON,
  type PriceTable,
} from './prices.ts';

/** Assumed time of one healthy probe from a probe region: DNS + TCP + TLS + first byte to a remote HTTPS API. */
export const ASSUMED_HEALTHY_PROBE_MS = 300;
/** Assumed time of the region's egress check before it votes. */
export const ASSUMED_EGRESS_CHECK_MS = 100;
/** Assumed time of one PutMetricData call to the home region (cross-region from other probe regions). */
export const ASSUMED_PUT_METRIC_DATA_MS = 100;
/** Assumed billed time of one notify invocation (one alarm change: a few DynamoDB and SNS calls). */
export const ASSUMED_NOTIFY_INVOCATION_MS = 1000;
/** Datums per dependency per round: Down, Degraded, Latency (shared/metrics/datums.ts). */
export const DATUMS_PER_DEPENDENCY = 3;
/** Custom metrics per dependency, shared by all regions: Down, Degraded, Latency (shared/metrics/names.ts). */
export const METRICS_PER_DEPENDENCY = 3;
/** Assumed alarm state changes a month (each one SNS publish in, one page out, one page-log write). */
export const ASSUMED_ALARM_TRANSITIONS_PER_MONTH = 100;
/** Assumed bytes of a page-log record in DynamoDB. */
export const ASSUMED_PAGE_LOG_RECORD_BYTES = 2048;
/** Assumed log bytes per probe round (Lambda START/END/REPORT lines plus one summary line). */
export const ASSUMED_LOG_BYTES_PER_ROUND = 1024;
/** Assumed bytes sent out per probe (request + TLS handshake from our side) and per dependency's datums. */
export const ASSUMED_BYTES_OUT_PER_PROBE = 2048;
/** Assumed KMS requests per alarm transition (CloudWatch → encrypted topic, notify → encrypted topics). */
export const KMS_REQUESTS_PER_TRANSITION = 4;

const GB = 1024 ** 3;

export interface CostLine {
  readonly service: string;
  readonly item: string;
  /** A probe region, the home region, or "global". */
  readonly region: string;
  readonly quantity: number;
  readonly unit: string;
  /** Price per unit (for tiered items, the average). */
  readonly unitUsd: number;
  readonly monthlyUsd: number;
}

export interface FunctionShard {
  readonly region: string;
  readonly tier: Tier;
  readonly shard: number;
  readonly targets: number;
  /** Estimated billed duration of one invocation (healthy dependencies), ms. */
  readonly invocationMs: number;
  /** Same, if every probe ran to its timeout, capped at the function timeout. */
  readonly worstCaseInvocationMs: number;
}

export interface Bill {
  readonly name: string;
  readonly dependencies: number;
  readonly probeRegions: readonly string[];
  readonly homeRegion: string;
  readonly intervalSeconds: number;
  readonly functions: readonly FunctionShard[];
  readonly alarms: AlarmCounts;
  readonly customMetrics: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  readonly perDependencyUsd: number;
  /** The Lambda compute line if every probe timed out every round. */
  readonly worstCaseLambdaComputeUsd: number;
  readonly assumptions: readonly string[];
}

export interface BillOptions {
  /** Alarm counts. @default counted from `buildAlarmPlan(config)` */
  readonly alarms?: AlarmCounts;
  /** Names the config in errors from the alarm plan. @default "config" */
  readonly configFile?: string;
  /** @default PRICES */
  readonly prices?: PriceTable;
  /** Custom metrics per dependency, for what-if bills. @default METRICS_PER_DEPENDENCY */
  readonly metricsPerDependency?: number;
  /** Memory of each probe function, as deployed (`DependencyMonitor`'s `probeMemorySize`). @default PROBE_MEMORY_MB */
  readonly probeMemoryMb?: number;
}

/** The functions that probe each tier in each region: the probe stacks' own split (planShards). */
export function shardsOf(config: MonitorConfig): { tier: Tier; shard: number; targets: number }[] {
  return planShards(config).map((s) => ({ tier: s.tier, shard: s.shard, targets: s.dependencies.length }));
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

type LineInput = Omit<CostLine, 'monthlyUsd'> & { monthlyUsd?: number };

/** A line as billed: quantity × unit price unless the line says otherwise, rounded to a millionth of a dollar. */
const priced = (l: LineInput): CostLine => ({
  ...l,
  monthlyUsd: round6(l.monthlyUsd ?? l.quantity * l.unitUsd),
});

/** What every step of the bill reads: the config, the prices, and the probe functions' deployed shape. */
interface BillBasis {
  readonly config: MonitorConfig;
  readonly prices: PriceTable;
  readonly home: string;
  readonly shards: readonly { tier: Tier; shard: number; targets: number }[];
  readonly roundsPerInvocation: number;
  readonly invocationsPerMonth: number;
  readonly probeMemoryMb: number;
}

const gbOf = (memoryMb: number) => memoryMb / 1024;
const putRequestsPerRound = (targets: number) =>
  Math.ceil((targets * DATUMS_PER_DEPENDENCY + 1) / PUT_METRIC_DATA_MAX_DATUMS);

/** Each shard's function in each region, with the billed duration of a healthy and a worst-case invocation. */
export function probeFunctionsOf(config: MonitorConfig): FunctionShard[] {
  const timeoutMs = probeTimeoutSeconds(config) * 1000;
  const rounds = roundsPerInvocation(config.intervalSeconds);
  const maxTimeout = (tier: Tier) =>
    Math.max(0, ...config.dependencies.filter((d) => d.tier === tier).map(checkTimeoutMs));
  const shards = shardsOf(config);
  return config.probeRegions.flatMap((region) =>
    shards.map((s) => {
      const waves = Math.ceil(s.targets / config.concurrency);
      const put = putRequestsPerRound(s.targets) * ASSUMED_PUT_METRIC_DATA_MS;
      const healthyRound = ASSUMED_EGRESS_CHECK_MS + waves * ASSUMED_HEALTHY_PROBE_MS + put;
      const worstRound = config.egress.timeoutMs + waves * maxTimeout(s.tier) + put;
      // Between rounds the function waits for the next one, and that wait is billed.
      const wait = (rounds - 1) * config.intervalSeconds * 1000;
      return {
        region,
        tier: s.tier,
        shard: s.shard,
        targets: s.targets,
        invocationMs: Math.min(timeoutMs, wait + healthyRound),
        worstCaseInvocationMs: Math.min(timeoutMs, wait + worstRound),
      };
    }),
  );
}

/** Per probe region: the probe functions' requests and compute; and the compute if every probe timed out. */
function probeLambdaLines(
  b: BillBasis,
  functions: readonly FunctionShard[],
): { lines: CostLine[]; worstCaseUsd: number } {
  const gb = gbOf(b.probeMemoryMb);
  const gbSeconds = (fns: readonly FunctionShard[], ms: (f: FunctionShard) => number, usd = 1) =>
    fns.reduce((a, f) => a + (ms(f) / 1000) * gb * b.invocationsPerMonth * usd, 0);
  const lines: CostLine[] = [];
  let worstCaseUsd = 0;
  for (const region of b.config.probeRegions) {
    const fns = functions.filter((f) => f.region === region);
    const compute = gbSeconds(fns, (f) => f.invocationMs);
    lines.push(
      priced({
        service: 'Lambda',
        item: `probe requests (${fns.length} functions × 1/min)`,
        region,
        quantity: fns.length * b.invocationsPerMonth,
        unit: 'requests',
        unitUsd: b.prices.lambdaRequest,
      }),
      priced({
        service: 'Lambda',
        item: `probe compute (arm64, ${b.probeMemoryMb} MB)`,
        region,
        quantity: Math.round(compute),
        unit: 'GB-s',
        unitUsd: b.prices.lambdaGbSecondArm64,
        monthlyUsd: compute * b.prices.lambdaGbSecondArm64,
      }),
    );
    worstCaseUsd += gbSeconds(fns, (f) => f.worstCaseInvocationMs, b.prices.lambdaGbSecondArm64);
  }
  return { lines, worstCaseUsd };
}

/** PutMetricData from every function of every region, and the custom metrics the home region stores. */
function metricLines(
  b: BillBasis,
  metricsPerDependency: number,
): { lines: CostLine[]; customMetrics: number } {
  const { config, prices: P } = b;
  const putRequests = b.shards.reduce(
    (a, s) => a + putRequestsPerRound(s.targets) * b.roundsPerInvocation * b.invocationsPerMonth,
    0,
  );
  const heartbeatMetrics = config.probeRegions.length * b.shards.length;
  const customMetrics = config.dependencies.length * metricsPerDependency + heartbeatMetrics;
  const metricsUsd = customMetricsUsd(customMetrics, P);
  const lines = [
    priced({
      service: 'CloudWatch',
      item: `PutMetricData (${config.probeRegions.length} regions → ${b.home})`,
      region: b.home,
      quantity: putRequests * config.probeRegions.length,
      unit: 'requests',
      unitUsd: P.putMetricDataRequest,
    }),
    priced({
      service: 'CloudWatch',
      item: `custom metrics (${metricsPerDependency}/dependency + ${heartbeatMetrics} heartbeats)`,
      region: b.home,
      quantity: customMetrics,
      unit: 'metrics',
      unitUsd: customMetrics > 0 ? metricsUsd / customMetrics : 0,
      monthlyUsd: metricsUsd,
    }),
  ];
  return { lines, customMetrics };
}

/** The alarm plan's alarms, the probe regions' own alarms, and the dashboard. */
function alarmAndDashboardLines(b: BillBasis, alarms: AlarmCounts): CostLine[] {
  const { config, prices: P, home } = b;
  const cloudwatch = (item: string, l: Omit<LineInput, 'service' | 'item' | 'region'>, region = home) =>
    priced({ service: 'CloudWatch', item, region, ...l });
  return [
    cloudwatch(`standard-resolution alarms (${alarms.source})`, {
      quantity: alarms.standardAlarmMetrics,
      unit: 'alarm metrics',
      unitUsd: P.alarmStandardMetric,
    }),
    cloudwatch(
      'probe-region alarms (failure queue depth, and Errors per probe function)',
      {
        quantity: config.probeRegions.length * (1 + b.shards.length),
        unit: 'alarm metrics',
        unitUsd: P.alarmStandardMetric,
      },
      'each probe region',
    ),
    cloudwatch(`high-resolution alarms (${alarms.source})`, {
      quantity: alarms.highResolutionAlarmMetrics,
      unit: 'alarm metrics',
      unitUsd: P.alarmHighResolutionMetric,
    }),
    cloudwatch(`composite alarms (${alarms.source})`, {
      quantity: alarms.compositeAlarms,
      unit: 'alarms',
      unitUsd: P.alarmComposite,
    }),
    cloudwatch('dashboard', { quantity: 1, unit: 'dashboards', unitUsd: P.dashboard }),
  ];
}

/** The probe functions' logs and the probes' own traffic out of the probe regions. */
function logAndTrafficLines(b: BillBasis, functions: number): CostLine[] {
  const { config, prices: P } = b;
  const roundsPerMonth = b.invocationsPerMonth * b.roundsPerInvocation;
  const logGb = (functions * roundsPerMonth * ASSUMED_LOG_BYTES_PER_ROUND) / GB;
  const outGb =
    (config.dependencies.length * config.probeRegions.length * roundsPerMonth * ASSUMED_BYTES_OUT_PER_PROBE) /
    GB;
  return [
    priced({
      service: 'CloudWatch Logs',
      item: 'probe function logs ingested',
      region: 'all probe regions',
      quantity: round6(logGb),
      unit: 'GB',
      unitUsd: P.logsIngestGb,
      monthlyUsd: logGb * P.logsIngestGb,
    }),
    priced({
      service: 'Data transfer',
      item: 'probe traffic out',
      region: 'all probe regions',
      quantity: round6(outGb),
      unit: 'GB',
      unitUsd: P.dataTransferOutGb,
      monthlyUsd: outGb * P.dataTransferOutGb,
    }),
  ];
}

/** Paging: SNS in and out, the notify function, the page log, and the KMS keys of the encrypted topics. */
function pagingLines(b: BillBasis): CostLine[] {
  const { config, prices: P, home } = b;
  const t = ASSUMED_ALARM_TRANSITIONS_PER_MONTH;
  const email = config.channels.filter((c) => c.type === 'email').length;
  const https = config.channels.filter((c) => c.type === 'https').length;
  const writeUnits = Math.ceil(ASSUMED_PAGE_LOG_RECORD_BYTES / 1024);
  const notifyGbSeconds = gbOf(NOTIFY_MEMORY_MB) * (ASSUMED_NOTIFY_INVOCATION_MS / 1000);
  const keys = 1 + config.probeRegions.length;
  return [
    priced({
      service: 'SNS',
      item: 'publishes (alarm topic in, route topics out)',
      region: home,
      quantity: 2 * t,
      unit: 'publishes',
      unitUsd: P.snsPublish,
    }),
    priced({
      service: 'SNS',
      item: 'email and HTTPS deliveries (SMS priced by country, not included)',
      region: home,
      quantity: t * (email + https),
      unit: 'deliveries',
      unitUsd: email + https > 0 ? P.snsEmailDelivery : 0,
      monthlyUsd: t * (email * P.snsEmailDelivery + https * P.snsHttpsDelivery),
    }),
    priced({
      service: 'Lambda',
      item: 'notify requests and compute',
      region: home,
      quantity: t,
      unit: 'requests',
      unitUsd: P.lambdaRequest + notifyGbSeconds * P.lambdaGbSecondArm64,
    }),
    priced({
      service: 'DynamoDB',
      item: 'page log writes and storage',
      region: home,
      quantity: t,
      unit: 'writes',
      unitUsd: P.dynamoWriteRequest * writeUnits,
      monthlyUsd:
        t * P.dynamoWriteRequest * writeUnits +
        ((12 * t * ASSUMED_PAGE_LOG_RECORD_BYTES) / GB) * P.dynamoStorageGbMonth,
    }),
    priced({
      service: 'KMS',
      item: "customer-managed keys: the alarm topics (home) and each probe region's alert topic",
      region: home,
      quantity: keys,
      unit: 'keys',
      unitUsd: P.kmsKey,
      monthlyUsd: keys * P.kmsKey + t * KMS_REQUESTS_PER_TRANSITION * P.kmsRequest,
    }),
  ];
}

/** Every usage the bill assumes rather than knows, in words. */
function assumptionsOf(b: BillBasis, alarms: AlarmCounts): string[] {
  const { config } = b;
  return [
    `prices: ${PRICE_REGION} list prices checked ${PRICES_TAKEN_ON}, no free tier; other regions differ by a few percent`,
    `a month is ${MINUTES_PER_MONTH} minutes (730 h); each probe function runs once a minute, ${b.roundsPerInvocation} round(s) per invocation`,
    `functions per tier per region = ceil(dependencies of the tier / targetsPerFunction = ${config.targetsPerFunction})`,
    `an invocation lasts: the wait between rounds (billed) + egress check ${ASSUMED_EGRESS_CHECK_MS} ms + ceil(targets / concurrency ${config.concurrency}) × ${ASSUMED_HEALTHY_PROBE_MS} ms + ${ASSUMED_PUT_METRIC_DATA_MS} ms per PutMetricData; worst case every probe runs to its timeout, capped at the function timeout (${probeTimeoutSeconds(config)} s)`,
    `one PutMetricData per ${PUT_METRIC_DATA_MAX_DATUMS} datums per round per function (${DATUMS_PER_DEPENDENCY} datums per dependency + 1 heartbeat)`,
    `alarm counts from the ${alarms.source}`,
    `${ASSUMED_ALARM_TRANSITIONS_PER_MONTH} alarm state changes a month (SNS, notify, page log, KMS); ${ASSUMED_LOG_BYTES_PER_ROUND} B of logs per round; ${ASSUMED_BYTES_OUT_PER_PROBE} B sent per probe`,
    'not included: SMS deliveries, NAT gateways of a VPC you place the first-party function in, GetMetricData from people viewing the dashboard',
  ];
}

/** The monthly bill of a config. */
export function billOf(config: MonitorConfig, options: BillOptions = {}): Bill {
  const alarms =
    options.alarms ??
    alarmCountsFromPlan(buildAlarmPlan(config, { configFile: options.configFile ?? 'config' }));
  const basis: BillBasis = {
    config,
    prices: options.prices ?? PRICES,
    home: config.homeRegion,
    shards: shardsOf(config),
    roundsPerInvocation: roundsPerInvocation(config.intervalSeconds),
    invocationsPerMonth: MINUTES_PER_MONTH / PROBE_SCHEDULE_MINUTES,
    probeMemoryMb: options.probeMemoryMb ?? PROBE_MEMORY_MB,
  };
  const functions = probeFunctionsOf(config);
  const lambda = probeLambdaLines(basis, functions);
  const metrics = metricLines(basis, options.metricsPerDependency ?? METRICS_PER_DEPENDENCY);
  const lines = [
    ...lambda.lines,
    ...metrics.lines,
    ...alarmAndDashboardLines(basis, alarms),
    ...logAndTrafficLines(basis, functions.length),
    ...pagingLines(basis),
  ];
  const totalUsd = round6(lines.reduce((a, l) => a + l.monthlyUsd, 0));
  return {
    name: config.name,
    dependencies: config.dependencies.length,
    probeRegions: config.probeRegions,
    homeRegion: basis.home,
    intervalSeconds: config.intervalSeconds,
    functions,
    alarms,
    customMetrics: metrics.customMetrics,
    lines,
    totalUsd,
    perDependencyUsd: round6(totalUsd / config.dependencies.length),
    worstCaseLambdaComputeUsd: round6(lambda.worstCaseUsd),
    assumptions: assumptionsOf(basis, alarms),
  };
}
