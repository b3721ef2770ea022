// The monthly AWS bill of a monitor config, itemised line by line, with every usage assumption named.
// Pure: it reads the config (and, when given, the alarm counts of its alarm plan) and the price table.
// The probe functions are priced as the probe stacks deploy them: the same shards, rounds, memory and
// timeout (shared/runtime).
import { buildAlarmPlan } from '#shared/alarms';
import { checkTimeoutMs, type MonitorConfig, type Tier } from '#shared/config';
import { datumsPerRound, PUT_METRIC_DATA_MAX_DATUMS } from '#shared/metrics';
import {
  confirmDelayMs,
  NOTIFY_MEMORY_MB,
  PROBE_MEMORY_MB,
  PROBE_SCHEDULE_MINUTES,
  planShards,
  probeTimeoutSeconds,
  roundsPerInvocation,
} from '#shared/runtime';
import type { AlarmCounts } from './alarms.ts';
import { type Deployment, deploymentOf } from './deployment.ts';
import {
  customMetricsUsd,
  FREE_TIER,
  MINUTES_PER_MONTH,
  PRICE_REGION,
  PRICES,
  PRICES_TAKEN_ON,
  type PriceTable,
  pricesFor,
} from './prices.ts';
import {
  datumBytesOf,
  invocationLineBytes,
  LOG_EVENT_OVERHEAD_BYTES,
  PUT_METRIC_DATA_OVERHEAD_BYTES,
  platformLinesBytes,
  probeResultLineBytes,
} from './usage.ts';

/** Assumed time of one healthy probe from a probe region: DNS + TCP + TLS + first byte to a remote HTTPS API. */
export const ASSUMED_HEALTHY_PROBE_MS = 300;
/** Assumed time of the region's egress check before it votes. */
export const ASSUMED_EGRESS_CHECK_MS = 100;
/** Assumed time of one PutMetricData call to the home region (cross-region from other probe regions). */
export const ASSUMED_PUT_METRIC_DATA_MS = 100;
/** Assumed billed time of one notify invocation (one alarm change: a few DynamoDB and SNS calls). */
export const ASSUMED_NOTIFY_INVOCATION_MS = 1000;
/** Assumed alarm state changes a month (each one SNS publish in, one page out, one page-log write). */
export const ASSUMED_ALARM_TRANSITIONS_PER_MONTH = 100;
/** Assumed bytes of a page-log record in DynamoDB. */
export const ASSUMED_PAGE_LOG_RECORD_BYTES = 2048;
/** Retention of the probe and notify log groups (DepmonFunction's default: three months). */
export const LOG_RETENTION_MONTHS = 3;
/** Assumed billed time of one notify tick that finds no open incident (one DynamoDB Scan). */
export const ASSUMED_NOTIFY_TICK_MS = 100;
/** Assumed read units of the tick's strongly consistent Scan of the paging-state table (4 KB each). */
export const ASSUMED_STATE_SCAN_READ_UNITS = 10;
/** Assumed hours a month with an incident open: every tick then reads every alarm's state (DescribeAlarms). */
export const ASSUMED_OPEN_INCIDENT_HOURS = 24;
/** DescribeAlarms returns at most 100 alarms a page (CloudWatch API reference, MaxRecords). */
export const DESCRIBE_ALARMS_PAGE = 100;
/** KMS: a rotating key costs one more key-month for each of its first two yearly rotations (KMS pricing). */
export const KMS_ROTATIONS_BILLED = 2;
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
  /** In the first year (KMS keys not yet rotated). */
  readonly monthlyUsd: number;
  /** From the third year on, where it differs (a rotating KMS key bills its first two rotations). */
  readonly steadyStateMonthlyUsd?: number;
  /** What AWS meters it as, for the free tier. */
  readonly meter?: Meter;
}

type Meter =
  | 'lambdaRequests'
  | 'lambdaGbSeconds'
  | 'schedulerInvocations'
  | 'customMetrics'
  | 'standardAlarms'
  | 'dashboards'
  | 'cloudwatchApiRequests'
  | 'logsGb'
  | 'kmsRequests'
  | 'snsPublishes'
  | 'snsEmails'
  | 'dynamoStorageGb';

export interface FunctionShard {
  readonly region: string;
  readonly tier: Tier;
  readonly shard: number;
  readonly targets: number;
  /** Estimated billed duration of one invocation (healthy dependencies), ms. */
  readonly invocationMs: number;
  /** Same, if every probe ran to its timeout (and, in the fast profile, again after its second-look delay), capped at the function timeout. */
  readonly worstCaseInvocationMs: number;
}

/** One dependency's share: what only it causes (its metrics, alarms, log lines, datums, probe traffic) plus an equal share of the rest. */
export interface DependencyCost {
  readonly dependency: string;
  readonly ownUsd: number;
  readonly sharedUsd: number;
  readonly monthlyUsd: number;
}

export interface Bill {
  readonly name: string;
  readonly dependencies: number;
  readonly probeRegions: readonly string[];
  readonly homeRegion: string;
  readonly intervalSeconds: number;
  readonly detection: MonitorConfig['policy']['detection'];
  readonly functions: readonly FunctionShard[];
  readonly alarms: AlarmCounts;
  /** Where the resource counts came from. */
  readonly deploymentSource: Deployment['source'];
  readonly customMetrics: number;
  readonly lines: readonly CostLine[];
  /** Year 1. */
  readonly totalUsd: number;
  readonly perDependencyUsd: number;
  /** From year 3 on (KMS keys after their first two rotations). */
  readonly steadyStateTotalUsd: number;
  readonly steadyStatePerDependencyUsd: number;
  /** Whether AWS's always-free allowances were subtracted (as "Free tier" lines). */
  readonly freeTier: boolean;
  readonly perDependency: readonly DependencyCost[];
  /** The Lambda compute line if every probe timed out every round. */
  readonly worstCaseLambdaComputeUsd: number;
  readonly assumptions: readonly string[];
}

export interface BillOptions {
  /** Alarm counts. @default counted from `buildAlarmPlan(config)` */
  readonly alarms?: AlarmCounts;
  /** Names the config in errors from the alarm plan. @default "config" */
  readonly configFile?: string;
  /** Base (us-east-1) prices; each Region applies its own differences. @default PRICES */
  readonly prices?: PriceTable;
  /** Memory of each probe function, as deployed (`DependencyMonitor`'s `probeMemorySize`). @default PROBE_MEMORY_MB */
  readonly probeMemoryMb?: number;
  /** Subtract AWS's always-free allowances. @default false */
  readonly freeTier?: boolean;
  /**
   * What is deployed, counted: `deploymentFromTemplates` of the synthesized stacks (what `depmon cost` passes).
   * @default deploymentOf(config, its alarm plan)
   */
  readonly deployment?: Deployment;
}

/** A probe function of each region: its dependencies and the datums it publishes each round. */
export interface ShardLoad {
  readonly tier: Tier;
  readonly shard: number;
  readonly targets: number;
  /** Each target's `Status` (and `Latency` where it has one) and the heartbeat (shared/metrics/datums.ts). */
  readonly datums: number;
}

/** The functions that probe each tier in each region: the probe stacks' own split (planShards). */
export function shardsOf(config: MonitorConfig): ShardLoad[] {
  return planShards(config).map((s) => ({
    tier: s.tier,
    shard: s.shard,
    targets: s.dependencies.length,
    datums: s.dependencies.reduce((n, d) => n + datumsPerRound(d), 1),
  }));
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

type LineInput = Omit<CostLine, 'monthlyUsd'> & { monthlyUsd?: number };

/** A line as billed: quantity × unit price unless the line says otherwise, rounded to a millionth of a dollar. */
const priced = (l: LineInput): CostLine => ({
  ...l,
  monthlyUsd: round6(l.monthlyUsd ?? l.quantity * l.unitUsd),
  ...(l.steadyStateMonthlyUsd !== undefined
    ? { steadyStateMonthlyUsd: round6(l.steadyStateMonthlyUsd) }
    : {}),
});

/** What every step of the bill reads: the config, the prices, and the probe functions' deployed shape. */
interface BillBasis {
  readonly config: MonitorConfig;
  readonly base: PriceTable;
  readonly home: string;
  readonly shards: readonly ShardLoad[];
  readonly roundsPerInvocation: number;
  readonly invocationsPerMonth: number;
  readonly probeMemoryMb: number;
  readonly deployment: Deployment;
}

const inRegion = (b: BillBasis, region: string) =>
  b.deployment.regions[region] ?? {
    probeFunctions: 0,
    otherFunctions: 0,
    schedules: 0,
    operationalAlarms: 0,
    kmsKeys: 0,
    secrets: 0,
  };

const pricesOf = (b: BillBasis, region: string) => pricesFor(region, b.base);
const gbOf = (memoryMb: number) => memoryMb / 1024;
const putRequestsPerRound = (s: ShardLoad) => Math.ceil(s.datums / PUT_METRIC_DATA_MAX_DATUMS);

/** Each shard's function in each region, with the billed duration of a healthy and a worst-case invocation. */
export function probeFunctionsOf(config: MonitorConfig): FunctionShard[] {
  const timeoutMs = probeTimeoutSeconds(config) * 1000;
  const rounds = roundsPerInvocation(config.intervalSeconds);
  const confirm = confirmDelayMs(config);
  const maxTimeout = (tier: Tier) =>
    Math.max(0, ...config.dependencies.filter((d) => d.tier === tier).map(checkTimeoutMs));
  const shards = shardsOf(config);
  return config.probeRegions.flatMap((region) =>
    shards.map((s) => {
      const waves = Math.ceil(s.targets / config.concurrency);
      const put = putRequestsPerRound(s) * ASSUMED_PUT_METRIC_DATA_MS;
      const healthyRound = ASSUMED_EGRESS_CHECK_MS + waves * ASSUMED_HEALTHY_PROBE_MS + put;
      // The fast profile's second look (only while something fails): the delay, then every probe again.
      const secondLook = confirm > 0 ? confirm + waves * maxTimeout(s.tier) : 0;
      const worstRound = config.egress.timeoutMs + waves * maxTimeout(s.tier) + secondLook + put;
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

/** Per probe region: the probe functions' requests, compute and schedules; and the compute if every probe timed out. */
function probeLambdaLines(
  b: BillBasis,
  functions: readonly FunctionShard[],
): { lines: CostLine[]; worstCaseUsd: number } {
  const gb = gbOf(b.probeMemoryMb);
  const gbSeconds = (fns: readonly FunctionShard[], ms: (f: FunctionShard) => number) =>
    fns.reduce((a, f) => a + (ms(f) / 1000) * gb * b.invocationsPerMonth, 0);
  const lines: CostLine[] = [];
  let worstCaseUsd = 0;
  for (const region of b.config.probeRegions) {
    const P = pricesOf(b, region);
    const fns = functions.filter((f) => f.region === region);
    const compute = gbSeconds(fns, (f) => f.invocationMs);
    const deployed = inRegion(b, region);
    const invocations = deployed.probeFunctions * b.invocationsPerMonth;
    lines.push(
      priced({
        service: 'Lambda',
        item: `probe requests (${deployed.probeFunctions} functions × 1/min)`,
        region,
        quantity: invocations,
        unit: 'requests',
        unitUsd: P.lambdaRequest,
        meter: 'lambdaRequests',
      }),
      priced({
        service: 'Lambda',
        item: `probe compute (arm64, ${b.probeMemoryMb} MB)`,
        region,
        quantity: Math.round(compute),
        unit: 'GB-s',
        unitUsd: P.lambdaGbSecondArm64,
        monthlyUsd: compute * P.lambdaGbSecondArm64,
        meter: 'lambdaGbSeconds',
      }),
    );
    worstCaseUsd += gbSeconds(fns, (f) => f.worstCaseInvocationMs) * P.lambdaGbSecondArm64;
  }
  return { lines, worstCaseUsd };
}

/** Every schedule of every region fires once a minute: the probe functions' and notify's tick. */
function scheduleLines(b: BillBasis): CostLine[] {
  return Object.entries(b.deployment.regions)
    .filter(([, r]) => r.schedules > 0)
    .map(([region, r]) =>
      priced({
        service: 'EventBridge Scheduler',
        item: `schedules (${r.schedules} × 1/min)`,
        region,
        quantity: r.schedules * b.invocationsPerMonth,
        unit: 'invocations',
        unitUsd: pricesOf(b, region).schedulerInvocation,
        meter: 'schedulerInvocations',
      }),
    );
}

/** Custom metrics of a dependency, shared by all regions: one series per datum it sends (Status, Latency). */
const metricsOf = datumsPerRound;

/** PutMetricData requests a month from the functions of one probe region. */
const putRequestsPerRegion = (b: BillBasis) =>
  b.shards.reduce((a, s) => a + putRequestsPerRound(s) * b.roundsPerInvocation * b.invocationsPerMonth, 0);

/** The custom metrics, their price (CloudWatch's volume tiers over all of them) and what one costs on average. */
interface MetricCount {
  readonly statusAndHeartbeats: number;
  readonly heartbeats: number;
  readonly latency: number;
  readonly total: number;
  readonly usd: number;
  readonly unitUsd: number;
}

function metricCountOf(b: BillBasis): MetricCount {
  const { config } = b;
  const heartbeats = config.probeRegions.length * b.shards.length;
  const total = config.dependencies.reduce((n, d) => n + metricsOf(d), heartbeats);
  const latency = config.dependencies.filter((d) => d.latencyMetric).length;
  const usd = customMetricsUsd(total, pricesOf(b, b.home));
  return {
    statusAndHeartbeats: total - latency,
    heartbeats,
    latency,
    total,
    usd,
    unitUsd: total > 0 ? usd / total : 0,
  };
}

/** PutMetricData from every function of every region, the custom metrics, and the datums' trip between Regions. */
function metricLines(b: BillBasis): { lines: CostLine[]; metrics: MetricCount } {
  const { config } = b;
  const P = pricesOf(b, b.home);
  const m = metricCountOf(b);
  const statusUsd = customMetricsUsd(m.statusAndHeartbeats, P);
  const customMetricLine = (item: string, quantity: number, usd: number) =>
    priced({
      service: 'CloudWatch',
      item,
      region: b.home,
      quantity,
      unit: 'metrics',
      unitUsd: quantity > 0 ? usd / quantity : 0,
      monthlyUsd: usd,
      meter: 'customMetrics',
    });
  const lines = [
    priced({
      service: 'CloudWatch',
      item: `PutMetricData (${config.probeRegions.length} regions → ${b.home})`,
      region: b.home,
      quantity: putRequestsPerRegion(b) * config.probeRegions.length,
      unit: 'requests',
      unitUsd: P.putMetricDataRequest,
      meter: 'cloudwatchApiRequests',
    }),
    customMetricLine(
      `custom metrics (Status per dependency + ${m.heartbeats} heartbeats)`,
      m.statusAndHeartbeats,
      statusUsd,
    ),
    // Priced as the last metrics of the volume tiers: what turning them on adds to the bill.
    ...(m.latency > 0
      ? [
          customMetricLine(
            `custom metrics: Latency (opt-in, ${m.latency} dependencies)`,
            m.latency,
            m.usd - statusUsd,
          ),
        ]
      : []),
    ...crossRegionLines(b),
  ];
  return { lines, metrics: m };
}

/** Probe regions other than home send their datums across Regions, billed at the source Region's rate. */
function crossRegionLines(b: BillBasis): CostLine[] {
  const { config } = b;
  const roundsPerMonth = b.roundsPerInvocation * b.invocationsPerMonth;
  const bodyBytes = config.dependencies.reduce((n, d) => n + datumBytesOf(d), 0);
  const requests = putRequestsPerRegion(b);
  return config.probeRegions
    .filter((r) => r !== b.home)
    .map((region) => {
      const gb = (roundsPerMonth * bodyBytes + requests * PUT_METRIC_DATA_OVERHEAD_BYTES) / GB;
      const RP = pricesOf(b, region);
      return priced({
        service: 'Data transfer',
        item: `PutMetricData bodies to ${b.home}`,
        region,
        quantity: round6(gb),
        unit: 'GB',
        unitUsd: RP.interRegionTransferGb,
        monthlyUsd: gb * RP.interRegionTransferGb,
      });
    });
}

/** The alarm plan's alarms, the probe regions' own alarms, and the dashboard. */
function alarmAndDashboardLines(b: BillBasis, alarms: AlarmCounts): CostLine[] {
  const { home } = b;
  const P = pricesOf(b, home);
  const cloudwatch = (item: string, l: Omit<LineInput, 'service' | 'item' | 'region'>, region = home) =>
    priced({ service: 'CloudWatch', item, region, ...l });
  const lines = [
    cloudwatch(`standard-resolution alarms (${alarms.source})`, {
      quantity: alarms.standardAlarmMetrics,
      unit: 'alarm metrics',
      unitUsd: P.alarmStandardMetric,
      meter: 'standardAlarms',
    }),
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
    cloudwatch('dashboards', {
      quantity: b.deployment.dashboards,
      unit: 'dashboards',
      unitUsd: P.dashboard,
      meter: 'dashboards',
    }),
  ];
  // Every region with alarms of depmon's own: probe regions (failure queue depth, Errors per probe function) and
  // the home region (notify's Errors, its failure queue, the HTTPS delivery dead-letter queue).
  for (const region of new Set([b.config.homeRegion, ...b.config.probeRegions])) {
    if (inRegion(b, region).operationalAlarms === 0) continue;
    lines.push(
      cloudwatch(
        operationalAlarmsLabel(region === b.config.homeRegion, b.config.probeRegions.includes(region)),
        {
          quantity: inRegion(b, region).operationalAlarms,
          unit: 'alarm metrics',
          unitUsd: pricesOf(b, region).alarmStandardMetric,
          meter: 'standardAlarms',
        },
        region,
      ),
    );
  }
  return lines;
}

/** Bytes the probe functions of one region log in a month: a line per result, a summary and Lambda's own lines per invocation. */
function probeLogBytes(b: BillBasis, region: string): number {
  const roundsPerMonth = b.roundsPerInvocation * b.invocationsPerMonth;
  const results = b.config.dependencies.reduce(
    (n, d) => n + probeResultLineBytes(d, region) + LOG_EVENT_OVERHEAD_BYTES,
    0,
  );
  const perInvocation = b.shards.reduce(
    (n, s) =>
      n +
      invocationLineBytes(s.tier, s.shard, region, b.roundsPerInvocation) +
      LOG_EVENT_OVERHEAD_BYTES +
      platformLinesBytes(),
    0,
  );
  return roundsPerMonth * results + b.invocationsPerMonth * perInvocation;
}

/** The probe functions' logs (ingested, and stored for the retention) and the probes' own traffic out. */
function logAndTrafficLines(b: BillBasis): CostLine[] {
  const { config } = b;
  const roundsPerMonth = b.invocationsPerMonth * b.roundsPerInvocation;
  return config.probeRegions.flatMap((region) => {
    const P = pricesOf(b, region);
    const logGb = probeLogBytes(b, region) / GB;
    const outGb = (config.dependencies.length * roundsPerMonth * ASSUMED_BYTES_OUT_PER_PROBE) / GB;
    return [
      priced({
        service: 'CloudWatch Logs',
        item: 'probe function logs ingested',
        region,
        quantity: round6(logGb),
        unit: 'GB',
        unitUsd: P.logsIngestGb,
        monthlyUsd: logGb * P.logsIngestGb,
        meter: 'logsGb',
      }),
      priced({
        service: 'CloudWatch Logs',
        item: `probe function logs stored (${LOG_RETENTION_MONTHS} months' retention, once full)`,
        region,
        quantity: round6(logGb * LOG_RETENTION_MONTHS),
        unit: 'GB-months',
        unitUsd: P.logsStorageGbMonth,
        monthlyUsd: logGb * LOG_RETENTION_MONTHS * P.logsStorageGbMonth,
      }),
      priced({
        service: 'Data transfer',
        item: 'probe traffic out to the internet',
        region,
        quantity: round6(outGb),
        unit: 'GB',
        unitUsd: P.dataTransferOutGb,
        monthlyUsd: outGb * P.dataTransferOutGb,
      }),
    ];
  });
}

/** A rotating customer-managed key: one key-month in year 1, one more for each of its first two rotations after. */
function kmsKeyLine(P: PriceTable, region: string, item: string, keys: number, requests: number): CostLine {
  const requestsUsd = requests * P.kmsRequest;
  return priced({
    service: 'KMS',
    item,
    region,
    quantity: keys,
    unit: 'keys',
    unitUsd: P.kmsKey,
    monthlyUsd: keys * P.kmsKey + requestsUsd,
    steadyStateMonthlyUsd: keys * P.kmsKey * (1 + KMS_ROTATIONS_BILLED) + requestsUsd,
    meter: 'kmsRequests',
  });
}

/** The notify function's one-minute tick: the schedule, the invocation, the state Scan, and DescribeAlarms while an incident is open. */
function notifyTickLines(b: BillBasis, alarmCount: number): CostLine[] {
  const { home } = b;
  const P = pricesOf(b, home);
  const ticks = MINUTES_PER_MONTH;
  const tickGbSeconds = ticks * gbOf(NOTIFY_MEMORY_MB) * (ASSUMED_NOTIFY_TICK_MS / 1000);
  const openTicks = ASSUMED_OPEN_INCIDENT_HOURS * 60 + ASSUMED_ALARM_TRANSITIONS_PER_MONTH;
  const describePages = Math.ceil(alarmCount / DESCRIBE_ALARMS_PAGE);
  const logGb = ((ticks + ASSUMED_ALARM_TRANSITIONS_PER_MONTH) * platformLinesBytes()) / GB;
  return [
    priced({
      service: 'Lambda',
      item: 'notify tick requests',
      region: home,
      quantity: ticks,
      unit: 'requests',
      unitUsd: P.lambdaRequest,
      meter: 'lambdaRequests',
    }),
    priced({
      service: 'Lambda',
      item: `notify tick compute (${ASSUMED_NOTIFY_TICK_MS} ms at ${NOTIFY_MEMORY_MB} MB)`,
      region: home,
      quantity: Math.round(tickGbSeconds),
      unit: 'GB-s',
      unitUsd: P.lambdaGbSecondArm64,
      monthlyUsd: tickGbSeconds * P.lambdaGbSecondArm64,
      meter: 'lambdaGbSeconds',
    }),
    priced({
      service: 'DynamoDB',
      item: `paging-state Scan per tick (${ASSUMED_STATE_SCAN_READ_UNITS} read units)`,
      region: home,
      quantity: ticks * ASSUMED_STATE_SCAN_READ_UNITS,
      unit: 'read units',
      unitUsd: P.dynamoReadRequest,
    }),
    priced({
      service: 'CloudWatch',
      item: `DescribeAlarms while an incident is open (${describePages} pages × ${openTicks} invocations)`,
      region: home,
      quantity: describePages * openTicks,
      unit: 'requests',
      unitUsd: P.putMetricDataRequest,
      meter: 'cloudwatchApiRequests',
    }),
    priced({
      service: 'CloudWatch Logs',
      item: 'notify function logs ingested and stored',
      region: home,
      quantity: round6(logGb),
      unit: 'GB',
      unitUsd: P.logsIngestGb,
      monthlyUsd: logGb * (P.logsIngestGb + LOG_RETENTION_MONTHS * P.logsStorageGbMonth),
      meter: 'logsGb',
    }),
  ];
}

/** Paging: SNS in and out, the notify function, the page log, GetMetricData, and the KMS keys of the encrypted topics. */
function pagingLines(b: BillBasis): CostLine[] {
  return [...snsLines(b), ...pageHandlingLines(b), ...topicKeyLines(b), ...secretLines(b)];
}

/** Each alarm change: one publish into the alarm topic, one out to a route topic, and its email/HTTPS deliveries. */
function snsLines(b: BillBasis): CostLine[] {
  const { config, home } = b;
  const P = pricesOf(b, home);
  const t = ASSUMED_ALARM_TRANSITIONS_PER_MONTH;
  const email = config.channels.filter((c) => c.type === 'email').length;
  const https = config.channels.filter((c) => c.type === 'https').length;
  return [
    priced({
      service: 'SNS',
      item: 'publishes (alarm topic in, route topics out)',
      region: home,
      quantity: 2 * t,
      unit: 'publishes',
      unitUsd: P.snsPublish,
      meter: 'snsPublishes',
    }),
    priced({
      service: 'SNS',
      item: 'email and HTTPS deliveries (SMS priced by country, not included)',
      region: home,
      quantity: t * (email + https),
      unit: 'deliveries',
      unitUsd: email + https > 0 ? P.snsEmailDelivery : 0,
      monthlyUsd: t * (email * P.snsEmailDelivery + https * P.snsHttpsDelivery),
      meter: 'snsEmails',
    }),
  ];
}

/** Members of the largest page group: a group alarm's page asks GetMetricData for each member's Status. */
function largestGroup(config: MonitorConfig): number {
  const groupSizes = new Map<string, number>();
  for (const d of config.dependencies) {
    const g = d.tier === 'third-party' ? (d.group ?? d.id) : d.id;
    groupSizes.set(g, (groupSizes.get(g) ?? 0) + 1);
  }
  return Math.max(1, ...groupSizes.values());
}

/** Each alarm change handled by notify: its invocation, the failing-region counts, and the page-log record. */
function pageHandlingLines(b: BillBasis): CostLine[] {
  const { config, home } = b;
  const P = pricesOf(b, home);
  const t = ASSUMED_ALARM_TRANSITIONS_PER_MONTH;
  const writeUnits = Math.ceil(ASSUMED_PAGE_LOG_RECORD_BYTES / 1024);
  const notifyGbSeconds = gbOf(NOTIFY_MEMORY_MB) * (ASSUMED_NOTIFY_INVOCATION_MS / 1000);
  const metricsPerChange = largestGroup(config);
  return [
    priced({
      service: 'Lambda',
      item: 'notify requests and compute (alarm changes)',
      region: home,
      quantity: t,
      unit: 'requests',
      unitUsd: P.lambdaRequest + notifyGbSeconds * P.lambdaGbSecondArm64,
    }),
    priced({
      service: 'CloudWatch',
      item: `GetMetricData for failing-region counts (≤ ${metricsPerChange} metrics per change)`,
      region: home,
      quantity: t * metricsPerChange,
      unit: 'metrics',
      unitUsd: P.getMetricDataMetric,
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
  ];
}

/**
 * GetSecretValue calls on the ack link's signing key a month: notify and the ack function each cache it five
 * minutes, so at most one read per warm container per five minutes (assumed: one container each, always warm).
 */
const ASSUMED_SECRET_READS_PER_MONTH = 2 * 12 * 730;

/** The secrets depmon creates (the ack link's signing key), per region, and their reads. */
function secretLines(b: BillBasis): CostLine[] {
  return Object.entries(b.deployment.regions)
    .filter(([, r]) => r.secrets > 0)
    .map(([region, r]) => {
      const P = pricesOf(b, region);
      const reads = r.secrets * ASSUMED_SECRET_READS_PER_MONTH;
      return priced({
        service: 'Secrets Manager',
        item: `the ack link's signing key (${reads.toLocaleString('en-US')} reads a month, cached 5 minutes)`,
        region,
        quantity: r.secrets,
        unit: 'secrets',
        unitUsd: P.secretsManagerSecret,
        monthlyUsd: r.secrets * P.secretsManagerSecret + reads * P.secretsManagerRequest,
      });
    });
}

/** The customer-managed keys of the encrypted topics, per region; the home key also serves each change's requests. */
function topicKeyLines(b: BillBasis): CostLine[] {
  return Object.entries(b.deployment.regions)
    .filter(([, r]) => r.kmsKeys > 0)
    .map(([region, r]) =>
      kmsKeyLine(
        pricesOf(b, region),
        region,
        'customer-managed keys of the encrypted topics (rotating yearly)',
        r.kmsKeys,
        region === b.home ? ASSUMED_ALARM_TRANSITIONS_PER_MONTH * KMS_REQUESTS_PER_TRANSITION : 0,
      ),
    );
}

/** AWS's always-free allowances, as negative lines, meter by meter (never more than the meter's own lines). */
function freeTierLines(lines: readonly CostLine[]): CostLine[] {
  const out: CostLine[] = [];
  for (const [meter, allowance] of Object.entries(FREE_TIER) as [Meter, number][]) {
    const mine = lines.filter((l) => l.meter === meter);
    const quantity = mine.reduce((n, l) => n + l.quantity, 0);
    const usd = mine.reduce((n, l) => n + l.monthlyUsd, 0);
    if (quantity <= 0 || usd <= 0) continue;
    const free = Math.min(quantity, allowance);
    out.push(
      priced({
        service: 'Free tier',
        item: `${meter}: ${allowance.toLocaleString('en-US')} free a month`,
        region: 'account',
        quantity: free,
        unit: mine[0]!.unit,
        unitUsd: usd / quantity,
        monthlyUsd: -(free * usd) / quantity,
      }),
    );
  }
  return out;
}

/**
 * Each dependency's share: what it alone causes (its custom metrics at the bill's average metric price, its down
 * and degraded alarms as planned, its log lines, datums and probe traffic in every region), plus an equal share
 * of everything else. The shares add up to the bill.
 */
function perDependencyOf(b: BillBasis, totalUsd: number, metricUnitUsd: number): DependencyCost[] {
  const { config } = b;
  const plan = buildAlarmPlan(config);
  const roundsPerMonth = b.roundsPerInvocation * b.invocationsPerMonth;
  const own = config.dependencies.map((d) => {
    let usd = metricsOf(d) * metricUnitUsd;
    for (const a of plan.alarms) {
      if (a.type !== 'metric' || (a.role !== 'down' && a.role !== 'degraded') || a.dependencies[0] !== d.id)
        continue;
      const P = pricesOf(b, b.home);
      usd += a.period < 60 ? P.alarmHighResolutionMetric : P.alarmStandardMetric;
    }
    for (const region of config.probeRegions) {
      const P = pricesOf(b, region);
      const logGb = (roundsPerMonth * (probeResultLineBytes(d, region) + LOG_EVENT_OVERHEAD_BYTES)) / GB;
      usd += logGb * (P.logsIngestGb + LOG_RETENTION_MONTHS * P.logsStorageGbMonth);
      usd += ((roundsPerMonth * ASSUMED_BYTES_OUT_PER_PROBE) / GB) * P.dataTransferOutGb;
      if (region !== b.home) usd += ((roundsPerMonth * datumBytesOf(d)) / GB) * P.interRegionTransferGb;
    }
    return { dependency: d.id, ownUsd: usd };
  });
  const ownTotal = own.reduce((n, o) => n + o.ownUsd, 0);
  const shared = (totalUsd - ownTotal) / Math.max(1, own.length);
  return own.map((o) => ({
    dependency: o.dependency,
    ownUsd: round6(o.ownUsd),
    sharedUsd: round6(shared),
    monthlyUsd: round6(o.ownUsd + shared),
  }));
}

/** Every usage the bill assumes rather than knows, in words. */
function assumptionsOf(b: BillBasis, alarms: AlarmCounts): string[] {
  const { config } = b;
  const regions = [...new Set([b.home, ...config.probeRegions])];
  return [
    `prices: ${PRICE_REGION} list prices checked ${PRICES_TAKEN_ON}, with each region's own logs and data-transfer prices (${regions.join(', ')}); sources in shared/cost/prices.ts`,
    `a month is ${MINUTES_PER_MONTH} minutes (730 h); each probe function runs once a minute, ${b.roundsPerInvocation} round(s) per invocation`,
    `functions per tier per region = ceil(dependencies of the tier / targetsPerFunction = ${config.targetsPerFunction})`,
    `an invocation lasts: the wait between rounds (billed) + egress check ${ASSUMED_EGRESS_CHECK_MS} ms + ceil(targets / concurrency ${config.concurrency}) × ${ASSUMED_HEALTHY_PROBE_MS} ms + ${ASSUMED_PUT_METRIC_DATA_MS} ms per PutMetricData; worst case every probe runs to its timeout, capped at the function timeout (${probeTimeoutSeconds(config)} s)`,
    `one PutMetricData per ${PUT_METRIC_DATA_MAX_DATUMS} datums per round per function (Status per dependency, Latency per dependency that has it: ${config.dependencies.filter((d) => d.latencyMetric).length} of ${config.dependencies.length}, + 1 heartbeat); bodies uncompressed plus ${PUT_METRIC_DATA_OVERHEAD_BYTES} B per request cross Regions`,
    `alarm counts from the ${alarms.source} (detection profile "${config.policy.detection}")`,
    `logs: one probe-result line per dependency per round per region as the probe function writes it (healthy results; a failing one adds its detail), an invocation line and Lambda's START/END/REPORT per invocation, +${LOG_EVENT_OVERHEAD_BYTES} B per event; stored uncompressed for ${LOG_RETENTION_MONTHS} months`,
    `${ASSUMED_ALARM_TRANSITIONS_PER_MONTH} alarm state changes a month (SNS, notify, page log, KMS, GetMetricData); incidents open ${ASSUMED_OPEN_INCIDENT_HOURS} h a month (DescribeAlarms on every tick then); ${ASSUMED_BYTES_OUT_PER_PROBE} B sent per probe`,
    `KMS: year 1 bills each key once; a rotating key adds one key-month for each of its first two yearly rotations, so from year 3 on it costs ${1 + KMS_ROTATIONS_BILLED}×`,
    'not included: SMS deliveries, NAT gateways of a VPC you place the first-party function in, GetMetricData from people viewing the dashboard, Logs Insights queries',
  ];
}

/** The monthly bill of a config. */
function operationalAlarmsLabel(home: boolean, probe: boolean): string {
  const parts = [
    ...(home ? ['delivery: notify errors, its failure queue, the HTTPS delivery DLQ'] : []),
    ...(probe ? ['probes: failure queue depth, Errors per function'] : []),
  ];
  return `operational alarms (${parts.join('; ')})`;
}

export function billOf(config: MonitorConfig, options: BillOptions = {}): Bill {
  const plan = buildAlarmPlan(config, { configFile: options.configFile ?? 'config' });
  const deployment = options.deployment ?? deploymentOf(config, plan);
  const alarms = options.alarms ?? deployment.alarms;
  const basis: BillBasis = {
    config,
    base: options.prices ?? PRICES,
    home: config.homeRegion,
    shards: shardsOf(config),
    roundsPerInvocation: roundsPerInvocation(config.intervalSeconds),
    invocationsPerMonth: MINUTES_PER_MONTH / PROBE_SCHEDULE_MINUTES,
    probeMemoryMb: options.probeMemoryMb ?? PROBE_MEMORY_MB,
    deployment,
  };
  const functions = probeFunctionsOf(config);
  const lambda = probeLambdaLines(basis, functions);
  const metrics = metricLines(basis);
  const billed = [
    ...lambda.lines,
    ...scheduleLines(basis),
    ...metrics.lines,
    ...alarmAndDashboardLines(basis, alarms),
    ...logAndTrafficLines(basis),
    ...notifyTickLines(basis, plan.alarms.length),
    ...pagingLines(basis),
  ];
  const freeTier = options.freeTier ?? false;
  const lines = [...billed, ...(freeTier ? freeTierLines(billed) : [])];
  const totalUsd = round6(lines.reduce((a, l) => a + l.monthlyUsd, 0));
  const steadyStateTotalUsd = round6(
    lines.reduce((a, l) => a + (l.steadyStateMonthlyUsd ?? l.monthlyUsd), 0),
  );
  const n = config.dependencies.length;
  return {
    name: config.name,
    dependencies: n,
    probeRegions: config.probeRegions,
    homeRegion: basis.home,
    intervalSeconds: config.intervalSeconds,
    detection: config.policy.detection,
    functions,
    alarms,
    deploymentSource: deployment.source,
    customMetrics: metrics.metrics.total,
    lines,
    totalUsd,
    perDependencyUsd: round6(totalUsd / n),
    steadyStateTotalUsd,
    steadyStatePerDependencyUsd: round6(steadyStateTotalUsd / n),
    freeTier,
    perDependency: perDependencyOf(basis, totalUsd, metrics.metrics.unitUsd),
    worstCaseLambdaComputeUsd: round6(lambda.worstCaseUsd),
    assumptions: assumptionsOf(basis, alarms),
  };
}
