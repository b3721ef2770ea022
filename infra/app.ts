// The CDK app (cdk.json: `"app": "npx depmon app"`): reads the monitor config and builds depmon's stacks.
// Config by the one rule (README "Which config file"): `-c config=FILE` (or cdk.json's context), else
// monitor.config.{ts,json,yaml} in the working directory, else a one-line error. The repository's cdk.json names
// the bundled example; nothing falls back to it.
import { App } from 'aws-cdk-lib';
import { CURRENT_VERSION_EXPIRED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';
import { ConfigError, configWarnings, loadConfigFile, resolveConfigFile } from '#shared/config';
import { DependencyMonitor } from './monitor.ts';

/**
 * Every CDK feature flag left unset, pinned to the behaviour it has unset: the templates depmon is tested with,
 * stated rather than implied, so `cdk synth` does not end with "N feature flags are not configured". A value in
 * cdk.json's context or `-c` still wins (the app's own context is the lowest layer).
 */
export function pinnedFeatureFlags(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(FLAGS)
      .filter(([name]) => !CURRENT_VERSION_EXPIRED_FLAGS.includes(name))
      .map(([name, flag]) => [name, flag.unconfiguredBehavesLike?.v2 ?? false]),
  );
}

const app = new App({ context: pinnedFeatureFlags() });
const named = app.node.tryGetContext('config') as string | undefined;
// `-c alarmStacks=N` (or cdk.json context): fixed before the first deployment, see DependencyMonitor.
const alarmStacks = app.node.tryGetContext('alarmStacks') as string | number | undefined;

try {
  const { file } = resolveConfigFile({
    cwd: process.cwd(),
    command: 'cdk synth',
    named,
    flag: '-c config=FILE',
  });
  const { config, file: shown } = await loadConfigFile(file);
  for (const w of configWarnings(config)) process.stderr.write(`depmon: warning: ${shown}: ${w}\n`);
  new DependencyMonitor(app, 'Depmon', {
    config,
    configFile: shown,
    ...(alarmStacks !== undefined ? { alarmStacks: Number(alarmStacks) } : {}),
    // Unset offline: the stacks stay account-agnostic and synth needs no credentials.
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
  });
  app.synth();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
