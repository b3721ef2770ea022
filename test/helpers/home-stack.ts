// A config's home Region as `cdk synth` emits it (asset bundling skipped): every home stack's resources in one
// template, for tests that run the simulator on the alarms depmon really deploys rather than on a second
// rendering of the plan. The same synth as `depmon simulate` (infra/home-region.ts `synthHomeRegion`).
import { synthHomeRegion } from '#infra/home-region';
import type { AlarmPlan } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';

export function synthHomeStack(
  config: MonitorConfig,
  configFile = 'monitor.config.json',
): { template: unknown; plan: AlarmPlan } {
  const { template, plan } = synthHomeRegion(config, configFile);
  return { template, plan };
}
