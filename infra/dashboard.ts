// The on-call dashboards, laid out for 3 a.m. at any size. The overview answers "whose outage is it?" first: the
// paging alarms in the order of the question (core-outage, then external-outage, then monitor-blind), then the
// probes' pulse per region, then what fails from each region (probe logs), and links to the detail pages. The
// detail pages (shared/runtime `detailPages`) show each tier by section (critical core, each partner group):
// the section's alarms, which members the regions see failing, and their latency (p99 of the opt-in `Latency`
// metric, else the probe logs), one line per dependency in a shared graph rather than one graph per dependency,
// then what to do (owner, fallback, runbook of each member).
import { Arn, ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IWidget,
  LegendPosition,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type AlarmPlan, type AlarmSpec, alarmNames } from '#shared/alarms';
import type { Dependency, MonitorConfig, Tier } from '#shared/config';
import {
  DOWN_VOTES_EXPRESSION,
  dependencyDimensions,
  heartbeatDimensions,
  METRIC_HEARTBEAT,
  METRIC_LATENCY,
  METRIC_STATUS,
} from '#shared/metrics';
import {
  type DashboardSection,
  type DetailPage,
  detailPages,
  planShards,
  tierSections,
} from '#shared/runtime';

/** Dashboards are 24 grid units wide (CloudWatch dashboard body structure). */
const GRID_WIDTH = 24;
/** A dashboard holds at most 500 widgets (CloudWatch dashboard body structure). */
export const DASHBOARD_MAX_WIDGETS = 500;
/** An alarm status widget lists at most 100 alarms (CloudWatch dashboard body structure, alarm widget). */
export const ALARM_STATUS_MAX_ALARMS = 100;
/** Metrics on one dashboard, math inputs included, and on one widget (CloudWatch service quotas, "Dashboards"). */
export const DASHBOARD_MAX_METRICS = 2500;
export const WIDGET_MAX_METRICS = 500;
/** Log groups one Logs Insights query may name (CloudWatch Logs quotas). */
export const LOG_QUERY_MAX_GROUPS = 50;
/**
 * depmon's own cap on a dashboard body. AWS documents no byte limit for it that we could find; the body sits
 * inline in the stack's template (CloudFormation: 1 MB), so every page stays far below that.
 */
export const DASHBOARD_BODY_BUDGET_BYTES = 256 * 1024;

/**
 * Log group of a probe function shard, in its probe region. Metrics are shared across regions (one
 * `Status` series per dependency), so "which region sees it failing" comes from these logs.
 */
export const probeLogGroupName = (config: Pick<MonitorConfig, 'name'>, tier: Tier, shard: number): string =>
  `/depmon/${config.name}/probe-${tier}-${shard}`;

/** Dashboard names: the overview is `depmon-<name>`, a detail page `depmon-<name>-<tier>-<n>`. */
export const dashboardName = (config: Pick<MonitorConfig, 'name'>, page?: DetailPage): string =>
  page ? `depmon-${config.name}-${page.key}` : `depmon-${config.name}`;

/**
 * Detail pages per dashboard stack: a page's body holds about 420 bytes per dependency (alarm ARNs are
 * CloudFormation joins), so 4 pages of DASHBOARD_PAGE_MAX_DEPENDENCIES stay near 400 KB of a 1 MB template.
 */
export const PAGES_PER_DASHBOARD_STACK = 4;

export interface DashboardStackProps extends StackProps {
  readonly config: MonitorConfig;
  readonly plan: AlarmPlan;
  /** Render the overview (`depmon-<name>`). @default false */
  readonly overview?: boolean;
  /** The detail pages this stack holds. @default none */
  readonly pages?: readonly DetailPage[];
}

/**
 * Dashboards, deployed after the alarms they show: the overview, or a fixed slice of a tier's detail pages
 * (page n of a tier always lives in the same stack, so a page never moves between stacks).
 */
export class DashboardStack extends Stack {
  readonly overview?: Dashboard;
  readonly details: readonly Dashboard[];

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    const { config, plan } = props;
    const refs = new AlarmRefs(this);
    const byId = new Map(config.dependencies.map((d) => [d.id, d]));
    if (props.overview) {
      const pages = detailPages(config);
      // A small config has no detail pages: its sections follow the overview's own rows.
      const sections =
        pages.length > 0
          ? []
          : (['first-party', 'third-party'] as const).flatMap((tier) =>
              tierSections(config)[tier].map((s) => sectionRow(config, tier, s, byId, refs)),
            );
      this.overview = new Dashboard(this, 'Overview', {
        dashboardName: dashboardName(config),
        defaultInterval: Duration.hours(3),
        widgets: [...overviewRows(config, plan, pages, refs), ...sections],
      });
    }
    const pages = props.pages ?? [];
    this.details = pages.map(
      (page) =>
        new Dashboard(this, `Page-${page.key}`, {
          dashboardName: dashboardName(config, page),
          defaultInterval: Duration.hours(3),
          widgets: page.sections.map((s) => sectionRow(config, page.tier, s, byId, refs)),
        }),
    );
  }
}

/** Alarms of the plan by name (the alarm stacks render them; a dashboard only points at them). */
class AlarmRefs {
  private readonly made = new Map<string, IAlarm>();
  constructor(private readonly stack: Stack) {}

  get(name: string, composite: boolean): IAlarm {
    const known = this.made.get(name);
    if (known) return known;
    const arn = Arn.format(
      {
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      this.stack,
    );
    const ref = composite
      ? CompositeAlarm.fromCompositeAlarmArn(this.stack, `Ref-${name}`, arn)
      : Alarm.fromAlarmArn(this.stack, `Ref-${name}`, arn);
    this.made.set(name, ref);
    return ref;
  }

  of(a: AlarmSpec): IAlarm {
    return this.get(a.name, a.type === 'composite');
  }
}

/** The overview's rows: headline, the three kinds of paging alarm in order, heartbeats, failing per region. */
function overviewRows(
  config: MonitorConfig,
  plan: AlarmPlan,
  pages: readonly DetailPage[],
  refs: AlarmRefs,
): IWidget[][] {
  const kind = (k: string) => plan.alarms.filter((a) => a.pageKind === k && a.type === 'composite');
  const width = Math.max(6, Math.floor(GRID_WIDTH / config.probeRegions.length));
  return [
    [headline(config, plan, pages)],
    alarmWidgets(`1 · core-outage: our ${config.coreName} is down (SEV1)`, kind('core-outage'), refs),
    coreWhatToDo(config),
    alarmWidgets(
      '2 · external-outage: a partner is down, core healthy (SEV2)',
      kind('external-outage'),
      refs,
    ),
    alarmWidgets("3 · monitor-blind: depmon's own probes stopped in a region", kind('monitor-blind'), refs),
    config.probeRegions.map((region) => heartbeatWidget(config, plan, region, width)),
    config.probeRegions.flatMap((region) => failingWidgets(config, plan, region, width)),
  ].filter((row) => row.length > 0);
}

/** Under the core-outage alarm: what to do for each critical first-party dependency (its page's own table). */
function coreWhatToDo(config: MonitorConfig): TextWidget[] {
  const core = config.dependencies.filter((d) => d.tier === 'first-party' && d.critical);
  const widget = whatToDoWidget(`core-outage: what to do`, core);
  return widget ? [widget] : [];
}

/** Alarm status widgets of at most ALARM_STATUS_MAX_ALARMS, alarms in ALARM listed first. */
function alarmWidgets(title: string, alarms: readonly AlarmSpec[], refs: AlarmRefs): AlarmStatusWidget[] {
  const widgets: AlarmStatusWidget[] = [];
  for (let i = 0; i < alarms.length; i += ALARM_STATUS_MAX_ALARMS) {
    const chunk = alarms.slice(i, i + ALARM_STATUS_MAX_ALARMS);
    widgets.push(
      new AlarmStatusWidget({
        title: i === 0 ? title : `${title} (continued)`,
        width: GRID_WIDTH,
        height: Math.min(8, 2 + Math.ceil(chunk.length / 4)),
        alarms: chunk.map((a) => refs.of(a)),
        sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    );
  }
  return widgets;
}

/** The legend, and a link to every detail page. */
function headline(config: MonitorConfig, plan: AlarmPlan, pages: readonly DetailPage[]): TextWidget {
  const link = (p: DetailPage) => `[${p.key}](#dashboards/dashboard/${dashboardName(config, p)})`;
  if (pages.length === 0) return headlineWidget(config, plan, 'Every dependency, by section: below.');
  const tiers = (['first-party', 'third-party'] as const)
    .map((t) => {
      const own = pages.filter((p) => p.tier === t);
      const n = config.dependencies.filter((d) => d.tier === t).length;
      return own.length > 0 ? `${t} (${n}): ${own.map(link).join(' · ')}` : '';
    })
    .filter(Boolean)
    .join(' — ');
  return headlineWidget(config, plan, `Detail pages: ${tiers}`);
}

function headlineWidget(config: MonitorConfig, plan: AlarmPlan, details: string): TextWidget {
  return new TextWidget({
    width: GRID_WIDTH,
    height: 3,
    markdown:
      `## depmon ${config.name}: whose outage is it?\n` +
      `**core-outage** = our ${config.coreName} (SEV1) · **external-outage** = a partner, core healthy (SEV2) · ` +
      `**blind** = depmon's own probes stopped · down = at least ${config.policy.quorum} of ${config.probeRegions.length} regions for ${config.policy.datapointsToAlarm} of ${config.policy.evaluationPeriods} periods of ${plan.period} s\n\n` +
      details,
  });
}

/** A region's heartbeats, one line per shard. */
function heartbeatWidget(config: MonitorConfig, plan: AlarmPlan, region: string, width: number): GraphWidget {
  return new GraphWidget({
    title: `Heartbeat ${region} (1 = voting, 0 = abstained, gap = blind)`,
    width,
    height: 5,
    leftYAxis: { min: 0, max: 1.2, showUnits: false },
    legendPosition: plan.shards.length > 12 ? LegendPosition.HIDDEN : LegendPosition.BOTTOM,
    left: plan.shards.map(
      ({ tier, shard }) =>
        new Metric({
          namespace: config.namespace,
          metricName: METRIC_HEARTBEAT,
          dimensionsMap: Object.fromEntries(
            heartbeatDimensions(region, tier, shard).map((x) => [x.Name, x.Value]),
          ),
          statistic: 'Maximum',
          period: Duration.minutes(1),
          label: `${tier} #${shard}`,
        }),
    ),
  });
}

/** What fails from one region, from its probe logs: one table per LOG_QUERY_MAX_GROUPS shards. */
function failingWidgets(
  config: MonitorConfig,
  plan: AlarmPlan,
  region: string,
  width: number,
): LogQueryWidget[] {
  const groups = plan.shards.map(({ tier, shard }) => probeLogGroupName(config, tier, shard));
  const widgets: LogQueryWidget[] = [];
  for (let i = 0; i < groups.length; i += LOG_QUERY_MAX_GROUPS) {
    const n = Math.ceil(groups.length / LOG_QUERY_MAX_GROUPS);
    widgets.push(
      new LogQueryWidget({
        title: `Failing from ${region} (probe logs${n > 1 ? `, shards ${i + 1}-${Math.min(groups.length, i + LOG_QUERY_MAX_GROUPS)}` : ''})`,
        region,
        width,
        height: 6,
        logGroupNames: groups.slice(i, i + LOG_QUERY_MAX_GROUPS),
        view: LogQueryVisualizationType.TABLE,
        queryLines: [
          'fields @timestamp, dependency, status, reason, latencyMs',
          'filter msg = "probe-result" and status != "up"',
          'stats count(*) as failures, latest(status) as last, latest(reason) as why, max(@timestamp) as lastSeen by dependency',
          'sort failures desc',
        ],
      }),
    );
  }
  return widgets;
}

/**
 * One section of a detail page: its alarms (the group's external-outage, each member's down and degraded; an
 * ungrouped partner shows its own external-outage instead of its down alarm), the regions failing per member
 * (FLOOR(Status Sum / 1000): failing region-rounds per minute, one line per member), their latency (see
 * `latencyWidgets`); then what to do.
 */
function sectionRow(
  config: MonitorConfig,
  tier: Tier,
  section: DashboardSection,
  byId: ReadonlyMap<string, Dependency>,
  refs: AlarmRefs,
): IWidget[] {
  const deps = section.dependencies.map((id) => byId.get(id)!);
  const alarms = [
    ...(section.group !== undefined
      ? [refs.get(alarmNames.externalOutage(config, section.group), true)]
      : []),
    ...deps.flatMap((d) => [
      tier === 'third-party' && !d.group
        ? refs.get(alarmNames.externalOutage(config, d.id), true)
        : refs.get(alarmNames.down(config, d.id), false),
      refs.get(alarmNames.degraded(config, d.id), false),
    ]),
  ];
  const height = Math.min(12, 4 + Math.ceil(deps.length / 8));
  const todo = whatToDoWidget(`${section.title}: what to do`, deps);
  return [
    new AlarmStatusWidget({
      title: `${section.title}: alarms`,
      width: 8,
      height,
      alarms,
      sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    }),
    new GraphWidget({
      title: `${section.title}: regions failing (down region-rounds per minute)`,
      width: 8,
      height,
      left: deps.map((d, i) => downVotesLine(config, d, i)),
      leftYAxis: { min: 0, showUnits: false },
      legendPosition: deps.length > 12 ? LegendPosition.HIDDEN : LegendPosition.BOTTOM,
    }),
    ...latencyWidgets(config, section, deps, height),
    ...(todo ? [todo] : []),
  ];
}

/** One member's down votes per minute: FLOOR(Sum / 1000) of its `Status` (ids unique within the graph). */
function downVotesLine(config: MonitorConfig, d: Dependency, i: number): MathExpression {
  const id = `s${i}`;
  return new MathExpression({
    expression: DOWN_VOTES_EXPRESSION(id),
    usingMetrics: {
      [id]: new Metric({
        namespace: config.namespace,
        metricName: METRIC_STATUS,
        dimensionsMap: Object.fromEntries(dependencyDimensions(d.id).map((x) => [x.Name, x.Value])),
        statistic: 'Sum',
      }),
    },
    // A graph's period must be 1, 5, 10, 30 s or whole minutes: 20 s alarm periods are shown per minute.
    period: Duration.minutes(1),
    label: d.id,
  });
}

/**
 * The section's latency in the third column: p99 of `Latency` for the members that publish it (`latencyMetric`),
 * one line each; for the others, a table from the probe logs. Half the column each when a section has both.
 */
function latencyWidgets(
  config: MonitorConfig,
  section: DashboardSection,
  deps: readonly Dependency[],
  height: number,
): IWidget[] {
  const metric = deps.filter((d) => d.latencyMetric);
  const logged = deps.filter((d) => !d.latencyMetric).map((d) => d.id);
  const width = metric.length > 0 && logged.length > 0 ? 4 : 8;
  return [
    ...(metric.length > 0 ? [latencyGraph(config, section, metric, width, height)] : []),
    ...(logged.length > 0 ? [latencyLogWidget(config, section, logged, width, height)] : []),
  ];
}

/** p99 of each member's `Latency` per minute, in milliseconds, all regions' rounds together. */
function latencyGraph(
  config: MonitorConfig,
  section: DashboardSection,
  deps: readonly Dependency[],
  width: number,
  height: number,
): GraphWidget {
  return new GraphWidget({
    title: `${section.title}: latency p99 (ms)`,
    width,
    height,
    left: deps.map(
      (d) =>
        new Metric({
          namespace: config.namespace,
          metricName: METRIC_LATENCY,
          dimensionsMap: Object.fromEntries(dependencyDimensions(d.id).map((x) => [x.Name, x.Value])),
          statistic: 'p99',
          period: Duration.minutes(1),
          label: d.id,
        }),
    ),
    leftYAxis: { min: 0, showUnits: false },
    legendPosition: deps.length > 12 ? LegendPosition.HIDDEN : LegendPosition.BOTTOM,
  });
}

/**
 * Latency of members without a `Latency` metric, from one region's probe logs (the home region when it probes):
 * p50, p99 and the worst per member, from the `latencyMs` of their probe-result lines.
 */
function latencyLogWidget(
  config: MonitorConfig,
  section: DashboardSection,
  members: readonly string[],
  width: number,
  height: number,
): LogQueryWidget {
  const region = config.probeRegions.includes(config.homeRegion)
    ? config.homeRegion
    : (config.probeRegions[0] as string);
  const wanted = new Set(members);
  const groups = planShards(config)
    .filter((s) => s.dependencies.some((d) => wanted.has(d.id)))
    .map((s) => probeLogGroupName(config, s.tier, s.shard))
    .slice(0, LOG_QUERY_MAX_GROUPS);
  return new LogQueryWidget({
    title: `${section.title}: latency from ${region} (probe logs, ms)`,
    region,
    width,
    height,
    logGroupNames: groups,
    view: LogQueryVisualizationType.TABLE,
    queryLines: [
      'fields dependency, latencyMs',
      `filter msg = "probe-result" and dependency in ${JSON.stringify(members)}`,
      'stats pct(latencyMs, 50) as p50, pct(latencyMs, 99) as p99, max(latencyMs) as worst by dependency',
      'sort p99 desc',
    ],
  });
}

/** A cell of the what-to-do table holds at most this many characters; the page's email carries the whole text. */
export const WHAT_TO_DO_CELL_MAX = 160;

/** One markdown table cell: on one line, pipes escaped, cut to WHAT_TO_DO_CELL_MAX characters. */
function cell(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const cut = line.length > WHAT_TO_DO_CELL_MAX ? `${line.slice(0, WHAT_TO_DO_CELL_MAX - 1)}…` : line;
  return cut.replace(/\\/g, '\\\\').replace(/\|/g, '\\|') || '—';
}

/**
 * What on-call does when a paging alarm fires: owner, fallback and runbook of each dependency that names one, as a
 * table under the alarms that page for them. No widget when none of them names any.
 */
export function whatToDoWidget(title: string, deps: readonly Dependency[]): TextWidget | undefined {
  const named = deps.filter((d) => d.owner || d.fallback || d.runbook);
  if (named.length === 0) return undefined;
  const rows = named.map(
    (d) => `| ${cell(d.id)} | ${cell(d.owner)} | ${cell(d.fallback)} | ${cell(d.runbook)} |`,
  );
  return new TextWidget({
    width: GRID_WIDTH,
    height: Math.min(12, 3 + named.length),
    markdown: [
      `### ${title}`,
      '| Dependency | Owner | Fallback | Runbook |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n'),
  });
}
