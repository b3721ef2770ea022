// `depmon cost [--config FILE] [--json] [--free-tier]`: the config's monthly AWS bill, itemised, beside what the same
// coverage costs with CloudWatch Synthetics and with Route 53 health checks.
import { findConfigFile, loadConfigFile } from '#shared/config';
import { costReport, formatCostReport } from '#shared/cost';
import type { CliIO } from '../main.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCliArgs(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean', default: false },
    'free-tier': { type: 'boolean', default: false },
  });
  const file = values.config ?? findConfigFile(io.cwd);
  if (file === undefined) {
    // Worded as check's: the same missing file, the same message (naming no file that does not exist).
    throw new UsageError(
      `cost: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${io.cwd}; name one with --config FILE`,
    );
  }
  const { config, file: shown } = await loadConfigFile(file, io.cwd);
  const report = costReport(config, { configFile: shown, freeTier: values['free-tier'] });
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatCostReport(report));
  return 0;
}
