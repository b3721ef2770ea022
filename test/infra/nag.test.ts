import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DependencyMonitor } from '#infra/monitor';
import { loadConfigFile, type MonitorConfig } from '#shared/config';
import { unbundledApp } from '../helpers/cdk.ts';
import { config } from '../helpers/configs.ts';

interface Report {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

function nag(c: MonitorConfig): { report: Report | undefined; error: unknown } {
  const app = unbundledApp({ builtinCloudFormationValidation: false });
  new DependencyMonitor(app, 'Depmon', { config: c, configFile: 'test' });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  let report: Report | undefined;
  try {
    report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
  } catch {
    report = undefined;
  }
  return { report, error };
}

const findings = (r: Report | undefined) =>
  (r?.pluginReports ?? []).flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => `${p.pluginName} ${v.ruleName} ${c.constructPath}`),
    ),
  );

describe('cdk-nag AwsSolutions on the whole app', () => {
  it('finds nothing unacknowledged in the bundled example (home stack and every probe stack)', async () => {
    // Prepare
    const { config: example } = await loadConfigFile('examples/bank/monitor.config.ts');
    // Act
    const { report, error } = nag(example);
    // Assess
    expect(findings(report)).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('finds nothing unacknowledged with vendor channels (secret reads, Incident Manager)', async () => {
    // Prepare
    const { config: example } = await loadConfigFile('examples/bank/monitor.config.ts');
    const withVendors = {
      ...example,
      channels: [
        ...example.channels,
        { id: 'pd', type: 'pagerduty', routingKey: '${secretsmanager:depmon/pagerduty}', region: 'us' },
        {
          id: 'im',
          type: 'incident-manager',
          responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/core',
        },
      ],
      routes: example.routes.map((r) =>
        r.id === 'core-oncall' ? { ...r, channels: [...r.channels, 'pd', 'im'] } : r,
      ),
    } as MonitorConfig;
    // Act
    const { report, error } = nag(withVendors);
    // Assess
    expect(findings(report)).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('finds nothing unacknowledged with VPC placement, Secrets Manager and SSM references', () => {
    // Act
    const { report, error } = nag(config());
    // Assess
    expect(findings(report)).toEqual([]);
    expect(error).toBeUndefined();
  });
});
