// `depmon cost [--config FILE] [--json] [--free-tier]`: the config's monthly AWS bill, itemised, beside what the
// same coverage costs with CloudWatch Synthetics and with Route 53 health checks. It synthesizes the config's
// stacks (offline, asset bundling skipped) and prices what they hold, so the bill is of what `cdk synth` emits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfigFile, type MonitorConfig, resolveConfigFile } from '#shared/config';
import {
  costReport,
  type Deployment,
  deploymentFromTemplates,
  formatCostReport,
  type SynthesizedStack,
} from '#shared/cost';
import type { CliIO } from '../main.ts';
import { parseCliArgs } from '../usage.ts';

/** CloudFormation's resources per template (CloudFormation quotas). */
const CFN_MAX_RESOURCES = 500;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCliArgs(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean', default: false },
    'free-tier': { type: 'boolean', default: false },
  });
  const { file } = resolveConfigFile({ cwd: io.cwd, command: 'cost', named: values.config });
  const { config, file: shown } = await loadConfigFile(file, io.cwd);
  const { deployment, oversized } = await synthesizedDeployment(config, shown);
  for (const o of oversized)
    io.stderr.write(
      `cost: warning: stack ${o.stack} holds ${o.resources} resources; CloudFormation allows ${CFN_MAX_RESOURCES}\n`,
    );
  const report = costReport(config, { configFile: shown, freeTier: values['free-tier'], deployment });
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatCostReport(report));
  return 0;
}

/**
 * Every stack of the config, synthesized in-process with asset bundling skipped, counted. CDK's own 500-resource
 * check is turned off so a stack too large to deploy is still priced, and named on stderr instead.
 */
export async function synthesizedDeployment(
  config: MonitorConfig,
  configFile: string,
): Promise<{
  deployment: Deployment;
  oversized: { stack: string; resources: number }[];
  stacks: SynthesizedStack[];
}> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'depmon-cost-'));
  try {
    const { DependencyMonitor } = await import('#infra/monitor');
    const app = new App({
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:stackResourceLimit': 0 },
    });
    new DependencyMonitor(app, 'Depmon', { config, configFile });
    const stacks = app.synth().stacks.map((s) => ({
      name: s.stackName,
      region: s.environment.region,
      template: s.template as SynthesizedStack['template'],
    }));
    const oversized = stacks
      .map((s) => ({ stack: s.name, resources: Object.keys(s.template.Resources ?? {}).length }))
      .filter((s) => s.resources > CFN_MAX_RESOURCES);
    return { deployment: deploymentFromTemplates(stacks, config.namespace), oversized, stacks };
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const why = e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e);
    throw new ConfigError(configFile, [{ path: '', message: `cdk synth failed: ${why}` }]);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
