// What a config deploys, counted as the bill prices it: per region the probe functions, schedules, alarms of
// the probe stacks and KMS keys; in the home region the alarm plan's alarms and the dashboards. Two sources that
// must agree: the config (the same plan and shard split `cdk synth` renders) and the synthesized templates
// themselves (`depmon cost` synthesizes and counts them, so it prices the stacks that really synthesize).
import type { AlarmPlan } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { dashboardCount, ENV_TIER, planShards } from '#shared/runtime';
import { type AlarmCounts, alarmCountsFromPlan } from './alarms.ts';

export interface RegionDeployment {
  /** Probe functions (one per shard). */
  readonly probeFunctions: number;
  /** Other functions (notify, the ack link's function). */
  readonly otherFunctions: number;
  /** EventBridge Scheduler schedules (one per probe function; notify's tick). */
  readonly schedules: number;
  /** Alarms on AWS's own metrics (failure queue depth, each probe function's Errors). */
  readonly operationalAlarms: number;
  /** Customer-managed KMS keys. */
  readonly kmsKeys: number;
  /** Secrets Manager secrets depmon creates (the ack link's signing key). */
  readonly secrets: number;
}

export interface Deployment {
  readonly source: 'config' | 'synthesized templates';
  readonly regions: Readonly<Record<string, RegionDeployment>>;
  /** The alarms on depmon's own metrics (the alarm plan), in the home region. */
  readonly alarms: AlarmCounts;
  readonly dashboards: number;
}

/** The deployment as the config describes it: the alarm plan and the probe stacks' shard split. */
/**
 * Alarms the home stack puts on depmon's own delivery (infra/delivery-alarms.ts): notify's Errors, its failure
 * queue and the HTTPS delivery dead-letter queue. The 1,000-dependency cost test checks this against synth.
 */
const HOME_DELIVERY_ALARMS = 3;

export function deploymentOf(config: MonitorConfig, plan: AlarmPlan): Deployment {
  const shards = planShards(config).length;
  const regions: Record<string, RegionDeployment> = {};
  const add = (region: string, d: Partial<RegionDeployment>) => {
    const cur = regions[region] ?? {
      probeFunctions: 0,
      otherFunctions: 0,
      schedules: 0,
      operationalAlarms: 0,
      kmsKeys: 0,
      secrets: 0,
    };
    regions[region] = {
      probeFunctions: cur.probeFunctions + (d.probeFunctions ?? 0),
      otherFunctions: cur.otherFunctions + (d.otherFunctions ?? 0),
      schedules: cur.schedules + (d.schedules ?? 0),
      operationalAlarms: cur.operationalAlarms + (d.operationalAlarms ?? 0),
      kmsKeys: cur.kmsKeys + (d.kmsKeys ?? 0),
      secrets: cur.secrets + (d.secrets ?? 0),
    };
  };
  // Home: notify and its one-minute tick, the ack function and its signing key, the topics' key, and the
  // delivery alarms.
  add(config.homeRegion, {
    otherFunctions: 2,
    schedules: 1,
    kmsKeys: 1,
    secrets: 1,
    operationalAlarms: HOME_DELIVERY_ALARMS,
  });
  for (const region of config.probeRegions) {
    // Per probe region: a function and a schedule per shard; the failure queue's alarm and one Errors alarm
    // per function; the alert topic's key.
    add(region, { probeFunctions: shards, schedules: shards, operationalAlarms: 1 + shards, kmsKeys: 1 });
  }
  // The overview and the detail pages (shared/runtime `detailPages`, as infra's dashboard stacks render them).
  return { source: 'config', regions, alarms: alarmCountsFromPlan(plan), dashboards: dashboardCount(config) };
}

interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
}

/** One synthesized stack: its region and its template (JSON, as CloudFormation receives it). */
export interface SynthesizedStack {
  readonly region: string;
  readonly template: { readonly Resources?: Readonly<Record<string, TemplateResource>> };
}

/**
 * The metrics an alarm reads, each billed as one alarm metric: its own, or each MetricStat of a math alarm
 * (CloudWatch pricing: "each metric in a metric math alarm"). Expressions read no metric of their own.
 */
function alarmMetricsOf(p: Record<string, unknown>): { namespace: unknown; period: number }[] {
  if (!Array.isArray(p.Metrics)) return [{ namespace: p.Namespace, period: Number(p.Period) }];
  return (p.Metrics as { MetricStat?: { Metric?: { Namespace?: unknown }; Period?: unknown } }[]).flatMap(
    (q) =>
      q.MetricStat
        ? [{ namespace: q.MetricStat.Metric?.Namespace, period: Number(q.MetricStat.Period) }]
        : [],
  );
}

/**
 * The deployment as synthesized: resources counted by type in every stack. Alarms on the config's namespace
 * are the plan's (high resolution when their period is under 60 s; a math alarm bills each metric it reads); alarms on AWS's own metrics are the probe
 * stacks' operational ones. A function with a tier in its environment is a probe function.
 */
export function deploymentFromTemplates(stacks: readonly SynthesizedStack[], namespace: string): Deployment {
  const regions: Record<string, RegionDeployment> = {};
  const home = { standard: 0, high: 0, composite: 0, dashboards: 0 };
  for (const { region, template } of stacks) {
    const r = { ...EMPTY_REGION, ...regions[region] };
    for (const res of Object.values(template.Resources ?? {})) countResource(r, home, res, namespace);
    regions[region] = r;
  }
  return {
    source: 'synthesized templates',
    regions,
    alarms: {
      standardAlarmMetrics: home.standard,
      highResolutionAlarmMetrics: home.high,
      compositeAlarms: home.composite,
      source: 'synthesized templates',
    },
    dashboards: home.dashboards,
  };
}

const EMPTY_REGION: RegionDeployment = {
  probeFunctions: 0,
  otherFunctions: 0,
  schedules: 0,
  operationalAlarms: 0,
  kmsKeys: 0,
  secrets: 0,
};

type Counts = { -readonly [K in keyof RegionDeployment]: RegionDeployment[K] };

/** Counts one synthesized resource into its region's deployment or the plan's alarms and dashboards. */
function countResource(
  r: Counts,
  home: { standard: number; high: number; composite: number; dashboards: number },
  res: TemplateResource,
  namespace: string,
): void {
  const p = res.Properties ?? {};
  switch (res.Type) {
    case 'AWS::Lambda::Function': {
      const vars = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      if (vars && ENV_TIER in vars) r.probeFunctions++;
      else r.otherFunctions++;
      break;
    }
    case 'AWS::Scheduler::Schedule':
      r.schedules++;
      break;
    case 'AWS::KMS::Key':
      r.kmsKeys++;
      break;
    case 'AWS::SecretsManager::Secret':
      r.secrets++;
      break;
    case 'AWS::CloudWatch::Alarm': {
      const watched = alarmMetricsOf(p);
      if (!watched.some((m) => m.namespace === namespace)) r.operationalAlarms++;
      else if (watched.some((m) => m.period < 60)) home.high += watched.length;
      else home.standard += watched.length;
      break;
    }
    case 'AWS::CloudWatch::CompositeAlarm':
      home.composite++;
      break;
    case 'AWS::CloudWatch::Dashboard':
      home.dashboards++;
      break;
  }
}
