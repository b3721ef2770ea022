// `depmon app`: the CDK app, for cdk.json (`"app": "npx depmon app"`, as `depmon init` writes it). It builds
// depmon's stacks from monitor.config.{ts,json,yaml} in the working directory, or `cdk synth -c config=FILE`.
// Run through the depmon command rather than tsx directly: the command's loader reads a TypeScript config.
import type { CliIO } from '../main.ts';
import { UsageError } from '../usage.ts';

export async function run(args: string[], _io: CliIO): Promise<number> {
  if (args.length > 0)
    throw new UsageError('app: takes no arguments (the CDK CLI passes its options in the environment)');
  // The app synthesizes when its module loads (and exits 1 on a bad config, with one message).
  await import('#infra/app');
  return 0;
}
