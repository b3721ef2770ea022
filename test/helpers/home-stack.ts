// A config's home stack as `cdk synth` emits it (asset bundling skipped), for tests that run the simulator on
// the alarms depmon really deploys rather than on a second rendering of the plan.

import { HomeStack } from '#infra/home-stack';
import type { AlarmPlan } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { testApp } from './cdk.ts';

export function synthHomeStack(
  config: MonitorConfig,
  configFile = 'monitor.config.json',
): { template: unknown; plan: AlarmPlan } {
  const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new HomeStack(app, 'Home', { config, configFile, env: { region: config.homeRegion } });
  return { template: app.synth().getStackByName(stack.stackName).template, plan: stack.plan };
}
