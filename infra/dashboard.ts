// The on-call dashboard in the home region, laid out for 3 a.m.: first the paging alarms (is it core,
// is it a partner, is it us?), then the two tiers side by side (availability and latency p50/p99 per
// dependency), then the probes' own pulse per region, then per-region detail from the probe logs.
import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  Color,
  Column,
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
  Row,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { AlarmPlan } from '#shared/alarms';
import type { Dependency, MonitorConfig, Tier } from '#shared/config';
import {
  dependencyDimensions,
  heartbeatDimensions,
  METRIC_DOWN,
  METRIC_HEARTBEAT,
  METRIC_LATENCY,
} from '#shared/metrics';

/** Dashboards are 24 grid units wide (CloudWatch dashboard body structure). */
const GRID_WIDTH = 24;
/** A dashboard holds at most 500 widgets (CloudWatch dashboard body structure). */
export const DASHBOARD_MAX_WIDGETS = 500;
/** An alarm status widget lists at most 100 alarms (CloudWatch dashboard body structure, alarm widget). */
export const ALARM_STATUS_MAX_ALARMS = 100;

/**
 * Log group of a probe function shard, in its probe region. Metrics are shared across regions (one
 * `Down` series per dependency), so "which region sees it failing" comes from these logs.
 */
export const probeLogGroupName = (config: Pick<MonitorConfig, 'name'>, tier: Tier, shard: number): string =>
  `/depmon/${config.name}/probe-${tier}-${shard}`;

export interface DepmonDashboardProps {
  readonly config: MonitorConfig;
  readonly plan: AlarmPlan;
}

export class DepmonDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DepmonDashboardProps) {
    super(scope, id);
    const { config, plan } = props;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `depmon-${config.name}`,
      defaultInterval: Duration.hours(3),
    });
    // Row 1: what is paging, worst first.
    this.dashboard.addWidgets(headline(config, plan));
    for (const widget of this.pagingAlarms(plan)) this.dashboard.addWidgets(widget);
    // Row 2: the tiers side by side.
    const period = Duration.seconds(plan.period);
    this.dashboard.addWidgets(
      new Row(tierColumn(config, 'first-party', period), tierColumn(config, 'third-party', period)),
    );
    // Row 3: the probes' pulse, per region.
    const width = Math.max(6, Math.floor(GRID_WIDTH / config.probeRegions.length));
    this.dashboard.addWidgets(
      ...config.probeRegions.map((region) => heartbeatWidget(config, plan, region, width)),
    );
    // Row 4: per-region failures, from the probe logs (metrics are shared across regions).
    const logGroups = plan.shards.map(({ tier, shard }) => probeLogGroupName(config, tier, shard));
    if (logGroups.length > 0) {
      this.dashboard.addWidgets(
        ...config.probeRegions.map((region) => failingWidget(region, logGroups, width)),
      );
    }
  }

  /** The alarms that page, worst kind first, in widgets of at most ALARM_STATUS_MAX_ALARMS. */
  private pagingAlarms(plan: AlarmPlan): AlarmStatusWidget[] {
    const paging = plan.alarms.filter((a) => a.pageKind !== undefined);
    const order = ['core-outage', 'external-outage', 'monitor-blind', 'degraded'];
    paging.sort((a, b) => order.indexOf(a.pageKind!) - order.indexOf(b.pageKind!));
    const widgets: AlarmStatusWidget[] = [];
    for (let i = 0; i < paging.length; i += ALARM_STATUS_MAX_ALARMS) {
      const chunk = paging.slice(i, i + ALARM_STATUS_MAX_ALARMS);
      widgets.push(
        new AlarmStatusWidget({
          title: i === 0 ? 'Paging alarms (red = paging now)' : 'Paging alarms (continued)',
          width: GRID_WIDTH,
          height: Math.min(8, 2 + Math.ceil(chunk.length / 4)),
          alarms: chunk.map((a) => this.alarmRef(a.name, a.type === 'composite')),
          sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        }),
      );
    }
    return widgets;
  }

  /** An alarm of the plan by name (the home stack renders it; the dashboard only points at it). */
  private alarmRef(name: string, composite: boolean): IAlarm {
    const arn = Arn.format(
      {
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(this),
    );
    return composite
      ? CompositeAlarm.fromCompositeAlarmArn(this, `Ref-${name}`, arn)
      : Alarm.fromAlarmArn(this, `Ref-${name}`, arn);
  }
}

/** The legend: which page kind means whose outage, and what "down" means for this config. */
function headline(config: MonitorConfig, plan: AlarmPlan): TextWidget {
  return new TextWidget({
    width: GRID_WIDTH,
    height: 2,
    markdown:
      `## depmon ${config.name}: whose outage is it?\n` +
      `**core-outage** = our ${config.coreName} (SEV1) · **external-outage** = a partner, core healthy (SEV2) · ` +
      `**blind** = depmon's own probes stopped · down = at least ${config.policy.quorum} of ${config.probeRegions.length} regions for ${config.policy.datapointsToAlarm} of ${config.policy.evaluationPeriods} periods of ${plan.period} s`,
  });
}

/** One tier's dependencies, critical ones first, so a cut (for very large configs) never hides core. */
function tierColumn(config: MonitorConfig, tier: Tier, period: Duration): Column {
  const perTier = Math.floor((DASHBOARD_MAX_WIDGETS - 20 - 2 * config.probeRegions.length) / 2) - 2;
  const deps = config.dependencies
    .filter((d) => d.tier === tier)
    .sort((a, b) => Number(b.critical) - Number(a.critical));
  const title = tier === 'first-party' ? `First party (${config.coreName})` : 'Third party (partners)';
  const widgets: IWidget[] = [
    new TextWidget({
      width: GRID_WIDTH / 2,
      height: 1,
      markdown: `### ${title}: ${deps.length} dependencies`,
    }),
    ...deps.slice(0, perTier).map((d) => dependencyWidget(config, d, period)),
  ];
  if (deps.length > perTier) {
    widgets.push(
      new TextWidget({
        width: GRID_WIDTH / 2,
        height: 1,
        markdown: `${deps.length - perTier} more not shown (dashboard widget limit): see the alarm list or metric \`${METRIC_DOWN}\``,
      }),
    );
  }
  return new Column(...widgets);
}

/** A region's heartbeats, one line per shard. */
function heartbeatWidget(config: MonitorConfig, plan: AlarmPlan, region: string, width: number): GraphWidget {
  return new GraphWidget({
    title: `Heartbeat ${region} (1 = voting, 0 = abstained, gap = blind)`,
    width,
    height: 5,
    leftYAxis: { min: 0, max: 1.2, showUnits: false },
    legendPosition: LegendPosition.BOTTOM,
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

/** What fails from one region, from its probe logs. */
function failingWidget(region: string, logGroupNames: string[], width: number): LogQueryWidget {
  return new LogQueryWidget({
    title: `Failing from ${region} (probe logs)`,
    region,
    width,
    height: 6,
    logGroupNames,
    view: LogQueryVisualizationType.TABLE,
    queryLines: [
      'fields @timestamp, dependency, status, reason, latencyMs',
      'filter msg = "probe-result" and status != "up"',
      'stats count(*) as failures, latest(status) as last, latest(reason) as why, max(@timestamp) as lastSeen by dependency',
      'sort failures desc',
    ],
  });
}

/** One dependency: availability (% of voting regions that saw it up) and latency p50/p99. */
function dependencyWidget(config: MonitorConfig, d: Dependency, period: Duration): GraphWidget {
  const dims = Object.fromEntries(dependencyDimensions(d.id).map((x) => [x.Name, x.Value]));
  const m = (metricName: string, statistic: string, label: string, color?: string) =>
    new Metric({
      namespace: config.namespace,
      metricName,
      dimensionsMap: dims,
      statistic,
      period,
      label,
      ...(color ? { color } : {}),
    });
  const availability = new MathExpression({
    expression: '100 * (1 - down / votes)',
    usingMetrics: { down: m(METRIC_DOWN, 'Sum', 'down'), votes: m(METRIC_DOWN, 'SampleCount', 'votes') },
    label: 'availability %',
    period,
    color: Color.GREEN,
  });
  return new GraphWidget({
    title: `${d.critical ? '★ ' : ''}${d.name}${d.group ? ` [${d.group}]` : ''}`,
    width: GRID_WIDTH / 2,
    height: 5,
    left: [availability],
    leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
    right: [m(METRIC_LATENCY, 'p50', 'p50 ms', Color.BLUE), m(METRIC_LATENCY, 'p99', 'p99 ms', Color.ORANGE)],
    rightYAxis: { min: 0, label: 'ms', showUnits: false },
    legendPosition: LegendPosition.BOTTOM,
  });
}
