// The monthly AWS bill of a monitor config, itemised line by line, with every usage assumption named.
// Pure: it reads the config (and, when given, the alarm counts of its alarm plan) and the price table.
import { type AlarmPlan, buildAlarmPlan } from '#shared/alarms';
import { checkTimeoutMs, type MonitorConfig, type Tier } from '#shared/config';
import { PUT_METRIC_DATA_MAX_DATUMS } from '#shared/metrics';
import { planShards } from '#shared/runtime';
import {
  customMetricsUsd,
  MINUTES_PER_MONTH,
  PRICE_REGION,
  PRICES,
  PRICES_TAKEN_ON,
  type PriceTable,
} from './prices.ts';

/** EventBridge fires each probe function once a minute; sub-minute intervals run several rounds per invocation. */
export const INVOCATIONS_PER_FUNCTION_PER_MINUTE = 1;
/** The probe function's memory: DepmonFunction's default (infra/lambda.ts). */
export const PROBE_FUNCTION_MEMORY_MB = 256;
/** The function timeout caps a worst-case invocation (infra/lambda.ts). */
export const PROBE_FUNCTION_TIMEOUT_MS = 60_000;
/** Assumed time of one healthy probe from a probe region: DNS + TCP + TLS + first byte to a remote HTTPS API. */
export const ASSUMED_HEALTHY_PROBE_MS = 300;
/** Assumed time of the region's egress check before it votes. */
export const ASSUMED_EGRESS_CHECK_MS = 100;
/** Assumed time of one PutMetricData call to the home region (cross-region from other probe regions). */
export const ASSUMED_PUT_METRIC_DATA_MS = 100;
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

/** Alarm counts the bill prices: from the config's alarm plan, or given by the caller. */
export interface AlarmCounts {
  /** Metrics watched by standard-resolution metric alarms (a math alarm bills each metric it reads). */
  readonly standardAlarmMetrics: number;
  /** Metrics watched by high-resolution (10/20/30 s period) metric alarms. */
  readonly highResolutionAlarmMetrics: number;
  readonly compositeAlarms: number;
  /** Where the counts came from. */
  readonly source: 'alarm plan' | 'given';
}

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
}

/** The functions that probe each tier in each region: the probe stacks' own split (planShards). */
export function shardsOf(config: MonitorConfig): { tier: Tier; shard: number; targets: number }[] {
  return planShards(config).map((s) => ({ tier: s.tier, shard: s.shard, targets: s.dependencies.length }));
}

/**
 * Alarm counts from the config's alarm plan (shared/alarms), the same plan `cdk synth` renders. Every metric alarm
 * in the plan reads one metric, so it bills one alarm metric: high resolution when its period is under 60 s.
 */
export function alarmCountsFromPlan(plan: Pick<AlarmPlan, 'alarms'>): AlarmCounts {
  let standard = 0;
  let high = 0;
  let composite = 0;
  for (const a of plan.alarms) {
    if (a.type === 'composite') composite++;
    else if (a.period < 60) high++;
    else standard++;
  }
  return {
    standardAlarmMetrics: standard,
    highResolutionAlarmMetrics: high,
    compositeAlarms: composite,
    source: 'alarm plan',
  };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** The monthly bill of a config. */
export function billOf(config: MonitorConfig, options: BillOptions = {}): Bill {
  const P = options.prices ?? PRICES;
  const alarms =
    options.alarms ??
    alarmCountsFromPlan(buildAlarmPlan(config, { configFile: options.configFile ?? 'config' }));
  const metricsPerDependency = options.metricsPerDependency ?? METRICS_PER_DEPENDENCY;
  const roundsPerInvocation = 60 / config.intervalSeconds;
  const invocationsPerMonth = MINUTES_PER_MONTH * INVOCATIONS_PER_FUNCTION_PER_MINUTE;
  const gb = PROBE_FUNCTION_MEMORY_MB / 1024;
  const home = config.homeRegion;
  const lines: CostLine[] = [];
  const line = (l: Omit<CostLine, 'monthlyUsd' | 'unitUsd'> & { unitUsd: number; monthlyUsd?: number }) =>
    lines.push({ ...l, monthlyUsd: round6(l.monthlyUsd ?? l.quantity * l.unitUsd) });

  const shards = shardsOf(config);
  const maxTimeout = (tier: Tier) =>
    Math.max(0, ...config.dependencies.filter((d) => d.tier === tier).map(checkTimeoutMs));
  const functions: FunctionShard[] = [];
  for (const region of config.probeRegions) {
    for (const s of shards) {
      const waves = Math.ceil(s.targets / config.concurrency);
      const batches = Math.ceil((s.targets * DATUMS_PER_DEPENDENCY + 1) / PUT_METRIC_DATA_MAX_DATUMS);
      const put = batches * ASSUMED_PUT_METRIC_DATA_MS;
      const healthyRound = ASSUMED_EGRESS_CHECK_MS + waves * ASSUMED_HEALTHY_PROBE_MS + put;
      const worstRound = config.egress.timeoutMs + waves * maxTimeout(s.tier) + put;
      // Between rounds the function waits for the next one, and that wait is billed.
      const wait = (roundsPerInvocation - 1) * config.intervalSeconds * 1000;
      functions.push({
        region,
        tier: s.tier,
        shard: s.shard,
        targets: s.targets,
        invocationMs: Math.min(PROBE_FUNCTION_TIMEOUT_MS, wait + healthyRound),
        worstCaseInvocationMs: Math.min(PROBE_FUNCTION_TIMEOUT_MS, wait + worstRound),
      });
    }
  }

  let worstCaseLambdaComputeUsd = 0;
  for (const region of config.probeRegions) {
    const fns = functions.filter((f) => f.region === region);
    const requests = fns.length * invocationsPerMonth;
    line({
      service: 'Lambda',
      item: `probe requests (${fns.length} functions × 1/min)`,
      region,
      quantity: requests,
      unit: 'requests',
      unitUsd: P.lambdaRequest,
    });
    const gbSeconds = fns.reduce((a, f) => a + (f.invocationMs / 1000) * gb * invocationsPerMonth, 0);
    line({
      service: 'Lambda',
      item: `probe compute (arm64, ${PROBE_FUNCTION_MEMORY_MB} MB)`,
      region,
      quantity: Math.round(gbSeconds),
      unit: 'GB-s',
      unitUsd: P.lambdaGbSecondArm64,
      monthlyUsd: gbSeconds * P.lambdaGbSecondArm64,
    });
    worstCaseLambdaComputeUsd += fns.reduce(
      (a, f) => a + (f.worstCaseInvocationMs / 1000) * gb * invocationsPerMonth * P.lambdaGbSecondArm64,
      0,
    );
  }

  const putRequests = shards.reduce(
    (a, s) =>
      a +
      Math.ceil((s.targets * DATUMS_PER_DEPENDENCY + 1) / PUT_METRIC_DATA_MAX_DATUMS) *
        roundsPerInvocation *
        invocationsPerMonth,
    0,
  );
  line({
    service: 'CloudWatch',
    item: `PutMetricData (${config.probeRegions.length} regions → ${home})`,
    region: home,
    quantity: putRequests * config.probeRegions.length,
    unit: 'requests',
    unitUsd: P.putMetricDataRequest,
  });

  const heartbeatMetrics = config.probeRegions.length * shards.length;
  const customMetrics = config.dependencies.length * metricsPerDependency + heartbeatMetrics;
  const metricsUsd = customMetricsUsd(customMetrics, P);
  line({
    service: 'CloudWatch',
    item: `custom metrics (${metricsPerDependency}/dependency + ${heartbeatMetrics} heartbeats)`,
    region: home,
    quantity: customMetrics,
    unit: 'metrics',
    unitUsd: customMetrics > 0 ? metricsUsd / customMetrics : 0,
    monthlyUsd: metricsUsd,
  });
  line({
    service: 'CloudWatch',
    item: `standard-resolution alarms (${alarms.source})`,
    region: home,
    quantity: alarms.standardAlarmMetrics,
    unit: 'alarm metrics',
    unitUsd: P.alarmStandardMetric,
  });
  line({
    service: 'CloudWatch',
    item: 'probe-region alarms (failure queue depth, and Errors per probe function)',
    region: 'each probe region',
    quantity: config.probeRegions.length * (1 + shards.length),
    unit: 'alarm metrics',
    unitUsd: P.alarmStandardMetric,
  });
  line({
    service: 'CloudWatch',
    item: `high-resolution alarms (${alarms.source})`,
    region: home,
    quantity: alarms.highResolutionAlarmMetrics,
    unit: 'alarm metrics',
    unitUsd: P.alarmHighResolutionMetric,
  });
  line({
    service: 'CloudWatch',
    item: `composite alarms (${alarms.source})`,
    region: home,
    quantity: alarms.compositeAlarms,
    unit: 'alarms',
    unitUsd: P.alarmComposite,
  });
  line({
    service: 'CloudWatch',
    item: 'dashboard',
    region: home,
    quantity: 1,
    unit: 'dashboards',
    unitUsd: P.dashboard,
  });

  const logGb =
    (functions.length * invocationsPerMonth * roundsPerInvocation * ASSUMED_LOG_BYTES_PER_ROUND) / GB;
  line({
    service: 'CloudWatch Logs',
    item: 'probe function logs ingested',
    region: 'all probe regions',
    quantity: round6(logGb),
    unit: 'GB',
    unitUsd: P.logsIngestGb,
    monthlyUsd: logGb * P.logsIngestGb,
  });
  const outGb =
    (config.dependencies.length *
      config.probeRegions.length *
      invocationsPerMonth *
      roundsPerInvocation *
      ASSUMED_BYTES_OUT_PER_PROBE) /
    GB;
  line({
    service: 'Data transfer',
    item: 'probe traffic out',
    region: 'all probe regions',
    quantity: round6(outGb),
    unit: 'GB',
    unitUsd: P.dataTransferOutGb,
    monthlyUsd: outGb * P.dataTransferOutGb,
  });

  const t = ASSUMED_ALARM_TRANSITIONS_PER_MONTH;
  line({
    service: 'SNS',
    item: 'publishes (alarm topic in, route topics out)',
    region: home,
    quantity: 2 * t,
    unit: 'publishes',
    unitUsd: P.snsPublish,
  });
  const emailChannels = config.channels.filter((c) => c.type === 'email').length;
  const httpsChannels = config.channels.filter((c) => c.type === 'https').length;
  line({
    service: 'SNS',
    item: 'email and HTTPS deliveries (SMS priced by country, not included)',
    region: home,
    quantity: t * (emailChannels + httpsChannels),
    unit: 'deliveries',
    unitUsd: emailChannels + httpsChannels > 0 ? P.snsEmailDelivery : 0,
    monthlyUsd: t * (emailChannels * P.snsEmailDelivery + httpsChannels * P.snsHttpsDelivery),
  });
  line({
    service: 'Lambda',
    item: 'notify requests and compute',
    region: home,
    quantity: t,
    unit: 'requests',
    unitUsd: P.lambdaRequest + 1 * gb * P.lambdaGbSecondArm64,
  });
  line({
    service: 'DynamoDB',
    item: 'page log writes and storage',
    region: home,
    quantity: t,
    unit: 'writes',
    unitUsd: P.dynamoWriteRequest * Math.ceil(ASSUMED_PAGE_LOG_RECORD_BYTES / 1024),
    monthlyUsd:
      t * P.dynamoWriteRequest * Math.ceil(ASSUMED_PAGE_LOG_RECORD_BYTES / 1024) +
      ((12 * t * ASSUMED_PAGE_LOG_RECORD_BYTES) / GB) * P.dynamoStorageGbMonth,
  });
  line({
    service: 'KMS',
    item: "customer-managed keys: the alarm topics (home) and each probe region's alert topic",
    region: home,
    quantity: 1 + config.probeRegions.length,
    unit: 'keys',
    unitUsd: P.kmsKey,
    monthlyUsd: (1 + config.probeRegions.length) * P.kmsKey + t * KMS_REQUESTS_PER_TRANSITION * P.kmsRequest,
  });

  const totalUsd = round6(lines.reduce((a, l) => a + l.monthlyUsd, 0));
  return {
    name: config.name,
    dependencies: config.dependencies.length,
    probeRegions: config.probeRegions,
    homeRegion: home,
    intervalSeconds: config.intervalSeconds,
    functions,
    alarms,
    customMetrics,
    lines,
    totalUsd,
    perDependencyUsd: round6(totalUsd / config.dependencies.length),
    worstCaseLambdaComputeUsd: round6(worstCaseLambdaComputeUsd),
    assumptions: [
      `prices: ${PRICE_REGION} list prices checked ${PRICES_TAKEN_ON}, no free tier; other regions differ by a few percent`,
      `a month is ${MINUTES_PER_MONTH} minutes (730 h); each probe function runs once a minute, ${roundsPerInvocation} round(s) per invocation`,
      `functions per tier per region = ceil(dependencies of the tier / targetsPerFunction = ${config.targetsPerFunction})`,
      `an invocation lasts: the wait between rounds (billed) + egress check ${ASSUMED_EGRESS_CHECK_MS} ms + ceil(targets / concurrency ${config.concurrency}) × ${ASSUMED_HEALTHY_PROBE_MS} ms + ${ASSUMED_PUT_METRIC_DATA_MS} ms per PutMetricData; worst case every probe runs to its timeout`,
      `one PutMetricData per ${PUT_METRIC_DATA_MAX_DATUMS} datums per round per function (${DATUMS_PER_DEPENDENCY} datums per dependency + 1 heartbeat)`,
      `alarm counts from the ${alarms.source}`,
      `${ASSUMED_ALARM_TRANSITIONS_PER_MONTH} alarm state changes a month (SNS, notify, page log, KMS); ${ASSUMED_LOG_BYTES_PER_ROUND} B of logs per round; ${ASSUMED_BYTES_OUT_PER_PROBE} B sent per probe`,
      'not included: SMS deliveries, NAT gateways of a VPC you place the first-party function in, GetMetricData from people viewing the dashboard',
    ],
  };
}
