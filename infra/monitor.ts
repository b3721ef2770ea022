// DependencyMonitor: all of depmon as one construct (the home Region's stacks, infra/home-region.ts, plus one
// probe stack per probe Region), for `infra/app.ts` and for users who embed depmon in their own CDK app.
import type { Stack } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AlarmPlan } from '#shared/alarms';
import { configInput, type MonitorConfig, type MonitorConfigInput, parseConfig } from '#shared/config';
import type { AlarmStack } from './alarms.ts';
import type { DashboardStack } from './dashboard.ts';
import { homeRegionStacks } from './home-region.ts';
import type { HomeStack } from './home-stack.ts';
import { ProbeStack } from './probe-stack.ts';

export interface DependencyMonitorProps {
  /**
   * The monitor config: a parsed `MonitorConfig` or what a user writes in `monitor.config.ts`
   * (`defineMonitor({...})`). It is validated (again) here; a bad one throws a ConfigError.
   */
  readonly config: MonitorConfig | MonitorConfigInput;
  /**
   * Names the config's source in error messages.
   * @default "monitor config"
   */
  readonly configFile?: string;
  /**
   * AWS account of every stack.
   * @default - environment-agnostic account (the CLI's credentials decide at deploy time)
   */
  readonly account?: string;
  /**
   * Alarm stacks in the home Region (each dependency's alarms go to one chosen by a hash of its id or group).
   * Choose it before the first deployment: changing it later moves alarms between stacks.
   * @default DEFAULT_ALARM_STACKS (16: about 3,000 dependencies)
   */
  readonly alarmStacks?: number;
  /**
   * Prefix of the stack names: `<prefix>-home`, `<prefix>-core`, `<prefix>-alarms-<n>`, `<prefix>-dashboards`,
   * `<prefix>-probe-<region>`.
   * @default `depmon-${config.name}`
   */
  readonly stackNamePrefix?: string;
  /**
   * Most dependencies one probe function probes, per tier; more are split across functions.
   * @default config.targetsPerFunction (50)
   */
  readonly targetsPerFunction?: number;
  /**
   * Memory of each probe function in MB (Lambda gives CPU in proportion).
   * @default 256
   */
  readonly probeMemorySize?: number;
  /**
   * Retention of the probe functions' log groups.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
}

export class DependencyMonitor extends Construct {
  readonly config: MonitorConfig;
  /** The alarm plan every home stack renders a share of. */
  readonly plan: AlarmPlan;
  /** Topics, the notify function, tables, heartbeats and monitor-blind composites, in `config.homeRegion`. */
  readonly homeStack: HomeStack;
  /** Critical first-party down alarms and core-outage. */
  readonly coreStack: AlarmStack;
  /** The dependencies' alarms and the external-outage composites, a fixed number of stacks. */
  readonly alarmStacks: readonly AlarmStack[];
  /** The overview first, then the detail pages. */
  readonly dashboardStacks: readonly DashboardStack[];
  /** Every stack of the home Region, in deploy order. */
  readonly homeRegionStacks: readonly Stack[];
  /** One per probe Region, keyed by Region. */
  readonly probeStacks: ReadonlyMap<string, ProbeStack>;

  constructor(scope: Construct, id: string, props: DependencyMonitorProps) {
    super(scope, id);
    const configFile = props.configFile ?? 'monitor config';
    const config = parseConfig(configInput(props.config), configFile);
    this.config = config;
    const prefix = props.stackNamePrefix ?? `depmon-${config.name}`;
    const env = (region: string) => (props.account ? { account: props.account, region } : { region });

    const home = homeRegionStacks(this, {
      config,
      configFile,
      env: env(config.homeRegion),
      stackNamePrefix: prefix,
      // The same shard split as the probe stacks: one heartbeat alarm per deployed probe function.
      ...(props.targetsPerFunction !== undefined ? { targetsPerFunction: props.targetsPerFunction } : {}),
      ...(props.alarmStacks !== undefined ? { alarmStacks: props.alarmStacks } : {}),
    });
    this.plan = home.plan;
    this.homeStack = home.home;
    this.coreStack = home.core;
    this.alarmStacks = home.alarmStacks;
    this.dashboardStacks = home.dashboards;
    this.homeRegionStacks = home.all;
    const probeStacks = new Map<string, ProbeStack>();
    for (const region of config.probeRegions) {
      probeStacks.set(
        region,
        new ProbeStack(this, `Probe-${region}`, {
          config,
          configFile,
          probeRegion: region,
          env: env(region),
          stackName: `${prefix}-probe-${region}`,
          description: `depmon ${config.name}: probe functions in ${region}, reporting to ${config.homeRegion}`,
          ...(props.targetsPerFunction !== undefined ? { targetsPerFunction: props.targetsPerFunction } : {}),
          ...(props.probeMemorySize !== undefined ? { memorySize: props.probeMemorySize } : {}),
          ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
        }),
      );
    }
    this.probeStacks = probeStacks;
  }
}
