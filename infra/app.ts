// The CDK app (cdk.json: `npx tsx infra/app.ts`): reads the monitor config and builds depmon's stacks.
// Config: `-c config=FILE`, else monitor.config.{ts,json,yaml} in the working directory, else the bundled example.
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConfigError, findConfigFile, loadConfigFile } from '#shared/config';
import { PROJECT_ROOT } from './lambda.ts';
import { DependencyMonitor } from './monitor.ts';

/** The bundled example, used when the working directory has no config. */
export const EXAMPLE_CONFIG = path.join(PROJECT_ROOT, 'examples/bank/monitor.config.ts');

const app = new App();
const named = app.node.tryGetContext('config') as string | undefined;
const file = named ?? findConfigFile(process.cwd()) ?? EXAMPLE_CONFIG;

try {
  const { config, file: shown } = await loadConfigFile(file);
  new DependencyMonitor(app, 'Depmon', {
    config,
    configFile: shown,
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
