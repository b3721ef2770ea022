// DependencyMonitor: all of depmon as one construct (a home stack plus one probe stack per probe
// Region), for `infra/app.ts` and for users who embed depmon in their own CDK app.
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { configInput, type MonitorConfig, type MonitorConfigInput, parseConfig } from '#shared/config';
import { HomeStack } from './home-stack.ts';
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
   * Prefix of the stack names: `<prefix>-home`, `<prefix>-probe-<region>`.
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
  /** Alarms, topics, the notify function and the dashboard, in `config.homeRegion`. */
  readonly homeStack: HomeStack;
  /** One per probe Region, keyed by Region. */
  readonly probeStacks: ReadonlyMap<string, ProbeStack>;

  constructor(scope: Construct, id: string, props: DependencyMonitorProps) {
    super(scope, id);
    const configFile = props.configFile ?? 'monitor config';
    const config = parseConfig(configInput(props.config), configFile);
    this.config = config;
    const prefix = props.stackNamePrefix ?? `depmon-${config.name}`;
    const env = (region: string) => (props.account ? { account: props.account, region } : { region });

    this.homeStack = new HomeStack(this, 'Home', {
      config,
      configFile,
      env: env(config.homeRegion),
      stackName: `${prefix}-home`,
      description: `depmon ${config.name}: alarms, pages and dashboard (home region)`,
      // The same shard split as the probe stacks: one heartbeat alarm per deployed probe function.
      ...(props.targetsPerFunction !== undefined ? { targetsPerFunction: props.targetsPerFunction } : {}),
    });
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
