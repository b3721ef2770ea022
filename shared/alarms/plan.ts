// The alarm plan: every CloudWatch alarm depmon creates, as plain data built from a config.
// infra/home-stack.ts renders it 1:1 (nothing else invents alarms), the simulator evaluates the
// rendered template, and the paging core looks alarms up here to know what a state change means.
import {
  ConfigError,
  type ConfigProblem,
  type Dependency,
  type MonitorConfig,
  type PageKind,
  type Tier,
} from '#shared/config';
import {
  DEGRADED_VOTES_EXPRESSION,
  type Dimension,
  DOWN_VOTES_EXPRESSION,
  dependencyDimensions,
  heartbeatDimensions,
  METRIC_HEARTBEAT,
  METRIC_STATUS,
} from '#shared/metrics';
import { confirmDelayMs, planShards } from '#shared/runtime';
import {
  ALARM_NAME_MAX_CHARS,
  type AlarmLimits,
  type BasicStatistic,
  CLOUDWATCH_LIMITS,
  type ComparisonOperator,
  HIGH_RESOLUTION_PERIODS,
  type TreatMissingData,
} from './cloudwatch.ts';
import {
  alarmIs,
  allOf,
  anyOf,
  atLeast,
  not,
  parseRule,
  ruleAlarms,
  ruleElementCount,
  ruleLimitProblems,
} from './rule.ts';

/**
 * How long an external-outage composite waits for core-outage to go into ALARM before it acts: for periods of
 * 60 s or more, 59 s, one second under the alarms' evaluation interval. CloudWatch does
 * not evaluate every alarm at the same instant: core's down alarm can run up to 59 s after a partner's in the
 * same minute (AWS recommends a 60 s wait for this reason), so the wait must outlast that. It must also end
 * before the partner's alarm is next evaluated, because a change during the wait restarts it: a wait of a whole
 * interval would swallow every page of a partner whose alarm changes at each evaluation (flapping must page once).
 *
 * Periods under 60 s (the fast profile's 10 s; the economical profile's below a 60 s interval) wait 0 s here:
 * the paging core holds each external page until the probes' own data shows core up (`coreVerdict`,
 * shared/pages/core-evidence.ts), which covers both CloudWatch's evaluation order and a core datum still being
 * ingested, which no fixed wait bounds. One-minute periods keep their 59 s: they fill once a minute, so core's
 * evidence comes no sooner, and the paging core still checks it after the wait.
 */
export const suppressorWaitSeconds = (period: number): number => (period < 60 ? 0 : 59);
/** How long external-outage stays quiet after core-outage leaves ALARM (seconds): core recovery settles first. */
export const SUPPRESSOR_EXTENSION_SECONDS = 120;

/** What an alarm stands for. Roles with a `pageKind` have actions (to the alarm topic); the rest are inputs. */
export type MetricAlarmRole = 'down' | 'degraded' | 'heartbeat';
export type CompositeAlarmRole =
  | 'core-outage'
  | 'core-outage-part'
  | 'external-outage'
  | 'external-outage-part'
  | 'blind-region'
  | 'blind-third-party';

interface AlarmCommon {
  /** Explicit, stable AlarmName: `<config.name>-<role>-<subject>`. */
  readonly name: string;
  readonly description: string;
  /** The page kind this alarm's ALARM/OK transitions produce; undefined: no actions (an input to a composite). */
  readonly pageKind?: PageKind;
  /** Dependencies this alarm is about (a group's members for external-outage). */
  readonly dependencies: readonly string[];
  readonly tier?: Tier;
  /** Third-party group (external-outage), or the dependency id for an ungrouped one. */
  readonly group?: string;
  /** Probe region (heartbeat, blind-region). */
  readonly region?: string;
}

export interface MetricAlarmSpec extends AlarmCommon {
  readonly type: 'metric';
  readonly role: MetricAlarmRole;
  readonly shard?: number;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  readonly statistic: Extract<BasicStatistic, 'Sum' | 'Maximum'>;
  /**
   * A metric-math expression over the metric's statistic (its id is METRIC_INPUT_ID) that the alarm compares
   * instead of the statistic itself; still one metric, so one alarm metric on the bill. Undefined: the statistic.
   */
  readonly expression?: string;
  /** Seconds: 10, 20, 30 (high resolution) or a multiple of 60. */
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
}

export interface CompositeAlarmSpec extends AlarmCommon {
  readonly type: 'composite';
  readonly role: CompositeAlarmRole;
  /** The AlarmRule text exactly as CloudFormation receives it (alarm names, not ARNs). */
  readonly rule: string;
  /** Alarms the rule references (CloudFormation DependsOn them). */
  readonly children: readonly string[];
  readonly suppressor?: {
    readonly alarm: string;
    readonly waitSeconds: number;
    readonly extensionSeconds: number;
  };
}

export type AlarmSpec = MetricAlarmSpec | CompositeAlarmSpec;

export interface RoutePlan {
  readonly id: string;
  /** SNS topic name: `<config.name>-<route id>`. */
  readonly topicName: string;
  readonly kinds: readonly PageKind[];
  readonly channels: readonly string[];
}

export interface AlarmPlan {
  /** Metric alarms first, then composites in dependency order (children before parents). */
  readonly alarms: readonly AlarmSpec[];
  readonly routes: readonly RoutePlan[];
  /** The alarm topic's name (CloudWatch → notify). */
  readonly alarmTopicName: string;
  /** Alarm period in seconds and probe rounds per period (2 when a 15 s interval is watched in 30 s periods). */
  readonly period: number;
  readonly roundsPerPeriod: number;
  /** The probe shards the heartbeat alarms watch. */
  readonly shards: readonly ShardLayout[];
}

export interface BuildAlarmPlanOptions {
  /** Names the config in errors. @default "config" */
  readonly configFile?: string;
  /**
   * The probe functions' shards (tier, 0-based shard, dependency ids), exactly as the probe stacks deploy
   * them: one heartbeat alarm per region and shard. @default defaultShards(config)
   */
  readonly shards?: readonly ShardLayout[];
  /** CloudWatch limits; overridable so tests can reach them with small configs. */
  readonly limits?: Partial<AlarmLimits>;
}

export interface ShardLayout {
  readonly tier: Tier;
  readonly shard: number;
  readonly dependencies: readonly string[];
}

/** Alarm period for a probe interval: the interval itself where CloudWatch allows it, 30 s for 15 s rounds. */
export function alarmPeriod(intervalSeconds: number): { period: number; roundsPerPeriod: number } {
  if (intervalSeconds >= 60 || (HIGH_RESOLUTION_PERIODS as readonly number[]).includes(intervalSeconds)) {
    return { period: intervalSeconds, roundsPerPeriod: 1 };
  }
  const period = HIGH_RESOLUTION_PERIODS.find((p) => p % intervalSeconds === 0) ?? 60;
  return { period, roundsPerPeriod: period / intervalSeconds };
}

/** The page group of a third-party dependency: its `group`, or its own id when it has none. */
export const groupOf = (d: Dependency): string => d.group ?? d.id;

/** Alarm names, one place. */
export const alarmNames = {
  down: (c: MonitorConfig, dep: string) => `${c.name}-down-${dep}`,
  degraded: (c: MonitorConfig, dep: string) => `${c.name}-degraded-${dep}`,
  heartbeat: (c: MonitorConfig, region: string, tier: Tier, shard: number) =>
    `${c.name}-heartbeat-${region}-${tier}-${shard}`,
  blindRegion: (c: MonitorConfig, region: string) => `${c.name}-blind-${region}`,
  blindThirdParty: (c: MonitorConfig) => `${c.name}-blind-third-party`,
  coreOutage: (c: MonitorConfig) => `${c.name}-core-outage`,
  externalOutage: (c: MonitorConfig, group: string) => `${c.name}-external-outage-${group}`,
} as const;

/**
 * Builds the plan. Throws ConfigError naming `configFile` when the config would break a CloudWatch limit
 * that splitting cannot absorb (alarm names too long, a core alarm referenced by too many composites).
 */
export function buildAlarmPlan(config: MonitorConfig, options: BuildAlarmPlanOptions = {}): AlarmPlan {
  const { period, roundsPerPeriod } = alarmPeriod(config.intervalSeconds);
  const shards = options.shards ?? defaultShards(config);
  const ctx: PlanContext = {
    config,
    period,
    roundsPerPeriod,
    shards,
    limits: { ...CLOUDWATCH_LIMITS, ...options.limits },
  };
  const blindThirdParty = blindThirdPartyComposite(ctx);
  const core = coreOutageComposite(ctx);
  const composites = [
    ...blindRegionComposites(ctx),
    ...blindThirdParty,
    ...core,
    ...externalOutageComposites(ctx, blindThirdParty.at(-1)?.name),
  ];
  const alarms: AlarmSpec[] = [
    ...downAlarms(ctx),
    ...degradedAlarms(ctx),
    ...heartbeatAlarms(ctx),
    ...composites,
  ];
  const problems = [
    ...groupIdProblems(config),
    ...nameProblems(alarms),
    ...ruleProblems(composites, ctx.limits),
    ...parentProblems(composites, ctx.limits, [
      alarmNames.coreOutage(config),
      alarmNames.blindThirdParty(config),
    ]),
  ];
  if (problems.length > 0) throw new ConfigError(options.configFile ?? 'config', problems);
  return {
    alarms,
    routes: routePlans(config),
    alarmTopicName: `${config.name}-alarms`,
    period,
    roundsPerPeriod,
    shards,
  };
}

/** What every step of buildAlarmPlan reads. */
interface PlanContext {
  readonly config: MonitorConfig;
  readonly period: number;
  readonly roundsPerPeriod: number;
  readonly shards: readonly ShardLayout[];
  readonly limits: AlarmLimits;
}

const regionWord = (n: number) => (n === 1 ? 'region' : 'regions');

/** The id of a math alarm's one input metric in its expression (CloudWatch ids start with a lower-case letter). */
export const METRIC_INPUT_ID = 'status';

/** Period of the "fast" detection profile's down alarms: CloudWatch's shortest, evaluated every 10 s. */
export const FAST_DOWN_PERIOD_SECONDS = 10;

/** What a down alarm watches: its period, M of N, and the Sum that counts as a quorum in one period. */
export interface DownAlarmWindow {
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
}

/**
 * The down alarms' window for the config's detection profile. "economical": one period per probe interval
 * (`alarmPeriod`), M of N periods. "fast": 10 s high-resolution periods, each holding at most one round
 * (intervals are at least 10 s), so the threshold is the quorum, M stays M rounds and N spans as many whole
 * 10 s periods as fit in N rounds: still "2 of 3 rounds", but each vote is evaluated within 10 s of its round
 * instead of after its whole period, and no period is left half-filled. Empty periods are missing data, which
 * down alarms treat as not breaching, so they neither vote nor veto. Where the round holds a second look at a
 * failing probe (`confirmDelayMs`: 60 s intervals), the votes are confirmed already and one round pages.
 */
export function downAlarmWindow(config: MonitorConfig): DownAlarmWindow {
  const { policy } = config;
  if (policy.detection === 'fast' && confirmDelayMs(config) > 0) {
    // Each region's vote was already confirmed inside its round: one round failing in a quorum of regions
    // pages. The window spans two rounds, so the alarm holds between rounds (the 10 s periods between them are
    // empty) and a late datum does not let it fall back to OK.
    return {
      period: FAST_DOWN_PERIOD_SECONDS,
      evaluationPeriods: Math.floor((2 * config.intervalSeconds) / FAST_DOWN_PERIOD_SECONDS),
      datapointsToAlarm: 1,
      threshold: policy.quorum,
    };
  }
  if (policy.detection === 'fast') {
    return {
      period: FAST_DOWN_PERIOD_SECONDS,
      evaluationPeriods: Math.max(
        policy.datapointsToAlarm,
        Math.floor((policy.evaluationPeriods * config.intervalSeconds) / FAST_DOWN_PERIOD_SECONDS),
      ),
      datapointsToAlarm: policy.datapointsToAlarm,
      threshold: policy.quorum,
    };
  }
  const { period, roundsPerPeriod } = alarmPeriod(config.intervalSeconds);
  return {
    period,
    evaluationPeriods: policy.evaluationPeriods,
    datapointsToAlarm: policy.datapointsToAlarm,
    threshold: policy.quorum * roundsPerPeriod,
  };
}

/** Per dependency: down from a quorum of regions for M of N periods (the window of the detection profile). */
function downAlarms({ config }: PlanContext): MetricAlarmSpec[] {
  const { policy, namespace, probeRegions: regions } = config;
  const w = downAlarmWindow(config);
  return config.dependencies.map((d) => {
    // A non-critical first-party dependency is not core: its outage is a notice on the degraded route.
    const pagesAlone = d.tier === 'first-party' && !d.critical;
    return {
      type: 'metric',
      role: 'down',
      name: alarmNames.down(config, d.id),
      ...(pagesAlone ? { pageKind: 'degraded' as const } : {}),
      description: `${d.name} (${d.tier}) down from at least ${policy.quorum} of ${regions.length} probe ${regionWord(regions.length)} for ${w.datapointsToAlarm} of ${w.evaluationPeriods} periods of ${w.period} s.`,
      dependencies: [d.id],
      tier: d.tier,
      ...(d.tier === 'third-party' ? { group: groupOf(d) } : {}),
      namespace,
      metricName: METRIC_STATUS,
      dimensions: dependencyDimensions(d.id),
      // Every region writes the same series: FLOOR(Sum / 1000) over a period = region-rounds that saw it down.
      statistic: 'Sum',
      expression: DOWN_VOTES_EXPRESSION(METRIC_INPUT_ID),
      period: w.period,
      evaluationPeriods: w.evaluationPeriods,
      datapointsToAlarm: w.datapointsToAlarm,
      threshold: w.threshold,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      // No data means no region voted: that is the heartbeat alarms' business, not an outage.
      treatMissingData: 'notBreaching',
    };
  });
}

/** Per dependency: degraded (slow, certificate expiring, an address lost) from a quorum of regions. */
function degradedAlarms({ config, period, roundsPerPeriod }: PlanContext): MetricAlarmSpec[] {
  const { policy, namespace } = config;
  return config.dependencies.map((d) => ({
    type: 'metric',
    role: 'degraded',
    name: alarmNames.degraded(config, d.id),
    description: `${d.name} (${d.tier}) degraded (slow, certificate expiring or an address lost) from at least ${policy.quorum} probe ${regionWord(policy.quorum)} for ${policy.degradedDatapointsToAlarm} of ${policy.degradedEvaluationPeriods} periods.`,
    pageKind: 'degraded',
    dependencies: [d.id],
    tier: d.tier,
    ...(d.tier === 'third-party' ? { group: groupOf(d) } : {}),
    namespace,
    metricName: METRIC_STATUS,
    dimensions: dependencyDimensions(d.id),
    // Sum − 1000 × FLOOR(Sum / 1000) over a period = region-rounds that saw it degraded.
    statistic: 'Sum',
    expression: DEGRADED_VOTES_EXPRESSION(METRIC_INPUT_ID),
    period,
    evaluationPeriods: policy.degradedEvaluationPeriods,
    datapointsToAlarm: policy.degradedDatapointsToAlarm,
    threshold: policy.quorum * roundsPerPeriod,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
  }));
}

/**
 * Per probe region, tier and shard: heartbeat, missing = breaching = blind. Always a 60 s period: sub-minute
 * probers flush once per invocation, and a 10 s high-resolution alarm would call a region blind between
 * flushes. It is also a third of the price.
 */
function heartbeatAlarms({ config, shards }: PlanContext): MetricAlarmSpec[] {
  const { policy, namespace } = config;
  return config.probeRegions.flatMap((region) =>
    shards.map(({ tier, shard, dependencies }) => ({
      type: 'metric' as const,
      role: 'heartbeat' as const,
      name: alarmNames.heartbeat(config, region, tier, shard),
      description: `The ${tier} probe function (shard ${shard}) in ${region} stopped reporting or abstained (its own egress failed) for ${policy.datapointsToAlarm} of ${policy.evaluationPeriods} minutes.`,
      dependencies,
      tier,
      region,
      shard,
      namespace,
      metricName: METRIC_HEARTBEAT,
      dimensions: heartbeatDimensions(region, tier, shard),
      // 1 = voted in at least one round of the minute; 0 = abstained in all; missing = did not run.
      statistic: 'Maximum' as const,
      period: 60,
      evaluationPeriods: policy.evaluationPeriods,
      datapointsToAlarm: policy.datapointsToAlarm,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold' as const,
      treatMissingData: 'breaching' as const,
    })),
  );
}

/** One operand of an OR, with what counts toward the composite limits. */
interface Operand {
  readonly expr: string;
  readonly names: readonly string[];
  readonly elements: number;
}

function operand(expr: string): Operand {
  const node = parseRule(expr);
  return { expr, names: ruleAlarms(node), elements: ruleElementCount(node) };
}

const childrenOf = (rule: string): string[] => ruleAlarms(parseRule(rule));

/**
 * An OR over operands as the rule of composite `base`. When it would break a composite limit, the operands go
 * into `…-part-<n>` composites (no actions) and the rule ORs the parts; the parts come first in `parts`.
 */
function splitOr(
  { limits }: PlanContext,
  base: string,
  operands: readonly Operand[],
  part: { role: CompositeAlarmRole; describe: string; common: Omit<AlarmCommon, 'name' | 'description'> },
): { rule: string; parts: CompositeAlarmSpec[] } {
  const fits = (ops: readonly Operand[], extra: number) =>
    ops.reduce((n, o) => n + o.names.length, 0) + extra <= limits.ruleMaxChildren &&
    anyOf(ops.map((o) => o.expr)).length + 512 <= limits.ruleMaxChars &&
    ops.reduce((n, o) => n + o.elements + 1, 0) + 16 <= limits.ruleMaxElements;
  // Room for two more references (core-outage, blind) in the parent rule.
  if (fits(operands, 2)) return { rule: anyOf(operands.map((o) => o.expr)), parts: [] };
  const groups: Operand[][] = [];
  let cur: Operand[] = [];
  for (const o of operands) {
    if (cur.length > 0 && !fits([...cur, o], 0)) {
      groups.push(cur);
      cur = [];
    }
    cur.push(o);
  }
  if (cur.length > 0) groups.push(cur);
  const parts = groups.map((g, i): CompositeAlarmSpec => {
    const rule = anyOf(g.map((o) => o.expr));
    return {
      ...part.common,
      type: 'composite',
      role: part.role,
      name: `${base}-part-${i + 1}`,
      description: `${part.describe} (part ${i + 1} of ${groups.length}; split to stay within CloudWatch's composite limits).`,
      rule,
      children: childrenOf(rule),
    };
  });
  return { rule: anyOf(parts.map((p) => alarmIs(p.name))), parts };
}

/** monitor-blind, per probe region: any heartbeat of that region in ALARM. */
function blindRegionComposites(ctx: PlanContext): CompositeAlarmSpec[] {
  const { config, shards } = ctx;
  if (shards.length === 0) return [];
  return config.probeRegions.flatMap((region) => {
    const name = alarmNames.blindRegion(config, region);
    const common = { dependencies: shards.flatMap((s) => s.dependencies), region };
    const heartbeats = shards.map((s) =>
      operand(alarmIs(alarmNames.heartbeat(config, region, s.tier, s.shard))),
    );
    const { rule, parts } = splitOr(ctx, name, heartbeats, {
      role: 'blind-region',
      describe: `Probes in ${region} stopped reporting`,
      common,
    });
    return [
      ...parts,
      {
        ...common,
        type: 'composite',
        role: 'blind-region',
        name,
        description: `monitor-blind: depmon's probes in ${region} stopped reporting (or abstained); dependencies they cover are watched by the other regions only.`,
        pageKind: 'monitor-blind',
        rule,
        children: childrenOf(rule),
      },
    ];
  });
}

/**
 * "Third-party probes cannot form a quorum": for some third-party shard, so many regions are blind that the
 * rest cannot reach the quorum. No actions; external-outage waits while it is in ALARM. Empty without shards.
 */
function blindThirdPartyComposite(ctx: PlanContext): CompositeAlarmSpec[] {
  const { config, shards } = ctx;
  const regions = config.probeRegions;
  const thirdShards = shards.filter((s) => s.tier === 'third-party').length;
  if (thirdShards === 0) return [];
  const name = alarmNames.blindThirdParty(config);
  const blindNeeded = regions.length - config.policy.quorum + 1;
  const operands = Array.from({ length: thirdShards }, (_, shard) =>
    operand(
      atLeast(
        blindNeeded,
        regions.map((r) => alarmNames.heartbeat(config, r, 'third-party', shard)),
      ),
    ),
  );
  const common = { dependencies: [] as string[], tier: 'third-party' as const };
  const { rule, parts } = splitOr(ctx, name, operands, {
    role: 'blind-third-party',
    describe: 'Third-party probes cannot form a quorum',
    common,
  });
  return [
    ...parts,
    {
      ...common,
      type: 'composite',
      role: 'blind-third-party',
      name,
      description: `Third-party probes cannot form a quorum: at least ${blindNeeded} of ${regions.length} probe regions are blind for some shard. External-outage pages wait while this is in ALARM.`,
      rule,
      children: childrenOf(rule),
    },
  ];
}

/** core-outage (SEV1): any critical first-party dependency down. */
function coreOutageComposite(ctx: PlanContext): CompositeAlarmSpec[] {
  const { config } = ctx;
  const core = config.dependencies.filter((d) => d.tier === 'first-party' && d.critical);
  const name = alarmNames.coreOutage(config);
  const common = { dependencies: core.map((d) => d.id), tier: 'first-party' as const };
  const { rule, parts } = splitOr(
    ctx,
    name,
    core.map((d) => operand(alarmIs(alarmNames.down(config, d.id)))),
    { role: 'core-outage-part', describe: 'Any critical first-party dependency down', common },
  );
  return [
    ...parts,
    {
      ...common,
      type: 'composite',
      role: 'core-outage',
      name,
      description: `core-outage (SEV1): a critical first-party dependency is down (${core.map((d) => d.id).join(', ')}).`,
      pageKind: 'core-outage',
      rule,
      children: childrenOf(rule),
    },
  ];
}

/** Third-party dependencies by page group (a dependency without `group` is its own group), in config order. */
function thirdPartyGroups(config: MonitorConfig): Map<string, Dependency[]> {
  const groups = new Map<string, Dependency[]>();
  for (const d of config.dependencies) {
    if (d.tier !== 'third-party') continue;
    const g = groupOf(d);
    groups.set(g, [...(groups.get(g) ?? []), d]);
  }
  return groups;
}

/**
 * external-outage (SEV2), per third-party group: any member down AND NOT core-outage AND NOT
 * blind-third-party, with core-outage as its ActionsSuppressor (core incidents hold partner pages back).
 */
function externalOutageComposites(
  ctx: PlanContext,
  blindThirdParty: string | undefined,
): CompositeAlarmSpec[] {
  const { config } = ctx;
  const coreName = alarmNames.coreOutage(config);
  return [...thirdPartyGroups(config)].flatMap(([group, members]) => {
    const name = alarmNames.externalOutage(config, group);
    const common = { dependencies: members.map((d) => d.id), tier: 'third-party' as const, group };
    const { rule: anyDown, parts } = splitOr(
      ctx,
      name,
      members.map((d) => operand(alarmIs(alarmNames.down(config, d.id)))),
      { role: 'external-outage-part', describe: `Any of group ${group} down`, common },
    );
    const clauses = [anyDown, not(alarmIs(coreName))];
    if (blindThirdParty) clauses.push(not(alarmIs(blindThirdParty)));
    const rule = allOf(clauses);
    const who =
      members.length === 1
        ? members[0]!.name
        : `partner group ${group} (${members.map((d) => d.id).join(', ')})`;
    return [
      ...parts,
      {
        ...common,
        type: 'composite',
        role: 'external-outage',
        name,
        description: `external-outage (SEV2): ${who} down while core is healthy and the third-party probes can see.`,
        pageKind: 'external-outage',
        rule,
        children: childrenOf(rule),
        suppressor: {
          alarm: coreName,
          // Sized on the down alarms' period: core-outage follows them, as this composite does.
          waitSeconds: suppressorWaitSeconds(downAlarmWindow(config).period),
          extensionSeconds: SUPPRESSOR_EXTENSION_SECONDS,
        },
      },
    ];
  });
}

/** An ungrouped third-party dependency whose id is also a group id would share that group's alarm. */
function groupIdProblems(config: MonitorConfig): ConfigProblem[] {
  const namedGroups = new Set(config.dependencies.flatMap((d) => (d.group ? [d.group] : [])));
  return config.dependencies.flatMap((d, i) =>
    d.tier === 'third-party' && !d.group && namedGroups.has(d.id)
      ? [
          {
            path: `dependencies[${i}].id`,
            message: `"${d.id}" is also a group id: an ungrouped third-party dependency pages as its own group, so the two would share the alarm "${alarmNames.externalOutage(config, d.id)}"`,
            hint: `give it group "${d.id}" to page with that group, or rename it`,
          },
        ]
      : [],
  );
}

/** Alarm names too long for CloudWatch, or used twice. */
function nameProblems(alarms: readonly AlarmSpec[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  for (const a of alarms) {
    if (a.name.length > ALARM_NAME_MAX_CHARS)
      problems.push({
        path: 'name',
        message: `alarm name "${a.name.slice(0, 60)}…" is ${a.name.length} characters; CloudWatch allows ${ALARM_NAME_MAX_CHARS}`,
      });
    const prev = seen.get(a.name);
    if (prev !== undefined)
      problems.push({
        path: 'dependencies',
        message: `two alarms would share the name "${a.name}" (${prev} and ${a.role}); a group id must not equal an ungrouped third-party dependency's id`,
        hint: 'rename the group or the dependency',
      });
    seen.set(a.name, a.role);
  }
  return problems;
}

/** Composite rules that splitting could not bring within CloudWatch's limits. */
function ruleProblems(composites: readonly CompositeAlarmSpec[], limits: AlarmLimits): ConfigProblem[] {
  return composites.flatMap((a) =>
    ruleLimitProblems(a.rule, parseRule(a.rule), limits).map((p) => ({
      path: 'dependencies',
      message: `composite alarm "${a.name}": its rule ${p}`,
    })),
  );
}

/** Alarms referenced (as child or suppressor) by more composites than CloudWatch allows. */
function parentProblems(
  composites: readonly CompositeAlarmSpec[],
  limits: AlarmLimits,
  sharedByGroups: readonly string[],
): ConfigProblem[] {
  const parents = new Map<string, number>();
  for (const a of composites)
    for (const c of new Set([...a.children, ...(a.suppressor ? [a.suppressor.alarm] : [])]))
      parents.set(c, (parents.get(c) ?? 0) + 1);
  return [...parents]
    .filter(([, n]) => n > limits.maxParentComposites)
    .map(([child, n]) => ({
      path: 'dependencies',
      message: `alarm "${child}" would be referenced by ${n} composite alarms; CloudWatch allows ${limits.maxParentComposites}`,
      hint: sharedByGroups.includes(child)
        ? 'every external-outage group references it: put third parties of one vendor into one `group`'
        : undefined,
    }));
}

/** One SNS topic per configured route. */
function routePlans(config: MonitorConfig): RoutePlan[] {
  return config.routes.map((r) => ({
    id: r.id,
    topicName: `${config.name}-${r.id}`,
    kinds: [...r.kinds],
    channels: [...r.channels],
  }));
}

/** The shards the probe stacks deploy with the config's own `targetsPerFunction` (see planShards). */
export function defaultShards(config: MonitorConfig): ShardLayout[] {
  return planShards(config).map(({ tier, shard, dependencies }) => ({
    tier,
    shard,
    dependencies: dependencies.map((d) => d.id),
  }));
}

/** The plan's alarm by name. */
export function findAlarm(plan: AlarmPlan, name: string): AlarmSpec | undefined {
  return plan.alarms.find((a) => a.name === name);
}

/** The routes a page kind goes to (every route that lists it). */
export function routesFor(plan: AlarmPlan, kind: PageKind): RoutePlan[] {
  return plan.routes.filter((r) => r.kinds.includes(kind));
}
