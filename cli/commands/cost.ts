// `depmon cost [--config FILE] [--json]`: the config's monthly AWS bill, itemised, beside what the same
// coverage costs with CloudWatch Synthetics and with Route 53 health checks.
import { ConfigError, findConfigFile, loadConfigFile } from '#shared/config';
import { costReport, formatCostReport } from '#shared/cost';
import type { CliIO } from '../main.ts';
import { parseCliArgs } from '../usage.ts';

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCliArgs(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean', default: false },
  });
  const file = values.config ?? findConfigFile(io.cwd);
  if (file === undefined) {
    throw new ConfigError('monitor.config.ts', [
      {
        path: '',
        message: `no config file found in ${io.cwd}`,
        hint: 'name one with --config FILE, or create monitor.config.ts, .json or .yaml',
      },
    ]);
  }
  const { config, file: shown } = await loadConfigFile(file, io.cwd);
  const report = costReport(config, { configFile: shown });
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatCostReport(report));
  return 0;
}
