// `depmon cost` end to end through the CLI dispatcher: human table, --json, bad config.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../cli/main.ts';

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  return { io: { stdout, stderr, cwd, env: {} }, out: () => out.join(''), err: () => err.join('') };
}

const dir = mkdtempSync(path.join(tmpdir(), 'depmon-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  path.join(dir, 'monitor.config.json'),
  JSON.stringify({
    name: 'mini',
    homeRegion: 'us-east-1',
    probeRegions: ['us-east-1'],
    dependencies: [
      {
        id: 'ledger',
        name: 'Ledger',
        tier: 'first-party',
        critical: true,
        http: { url: 'http://127.0.0.1:8080/health' },
      },
    ],
  }),
);
writeFileSync(
  path.join(dir, 'bad.json'),
  JSON.stringify({
    name: 'bad',
    homeRegion: 'us-east-1',
    probeRegions: ['us-east-1'],
    dependencies: [{ id: 'x' }],
  }),
);

// Each run synthesizes the stacks (aws-cdk-lib loads once per file: the first run takes longest under load).
describe('depmon cost', { timeout: 180_000 }, () => {
  it('prints the itemised bill and the alternatives for the config in the working directory', async () => {
    // Prepare
    const c = capture(dir);

    // Act
    const code = await main(['cost'], c.io);

    // Assess
    expect(code).toBe(0);
    expect(c.out()).toContain('PutMetricData');
    expect(c.out()).toContain('CloudWatch Synthetics');
    expect(c.out()).toContain('Route 53 health checks');
    // One custom metric per dependency (Status) and one heartbeat; the ack link's signing key: $0.40 a month and
    // 17,520 reads at $0.05 per 10,000.
    expect(c.out()).toMatch(
      /Secrets Manager\s+the ack link's signing key \(17,520 reads a month, cached 5 minutes\).*\$0\.4876/,
    );
    expect(c.out()).toMatch(/total, year 1\s+\$8\.63/);
    expect(c.out()).toContain('economical (this config): $8.63');
  });

  it('prints one JSON object with --json', async () => {
    // Prepare
    const c = capture(dir);

    // Act
    const code = await main(['cost', '--config', 'monitor.config.json', '--json'], c.io);

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(c.out());
    expect(report.depmon.totalUsd).toBeCloseTo(8.63, 2);
    expect(report.synthetics.totalUsd).toBeCloseTo(52.56, 6);
    expect(report.prices.region).toBe('us-east-1');
    // The same lines and totals: year 1, from year 3, per dependency; counted from the synthesized stacks.
    expect(report.depmon.deploymentSource).toBe('synthesized templates');
    expect(report.depmon.totalUsd).toBeCloseTo(
      report.depmon.lines.reduce((a: number, l: { monthlyUsd: number }) => a + l.monthlyUsd, 0),
      5,
    );
    expect(report.depmon.steadyStateTotalUsd).toBeGreaterThan(report.depmon.totalUsd);
    expect(report.depmon.perDependency).toEqual([
      expect.objectContaining({ dependency: 'ledger', monthlyUsd: report.depmon.totalUsd }),
    ]);
    // Both detection profiles: the fast one's down alarm is high resolution ($0.30 instead of $0.10); its second
    // look costs nothing in a healthy month.
    const [economical, fast] = report.detectionProfiles;
    expect(economical).toMatchObject({ profile: 'economical', current: true });
    expect(fast.totalUsd - economical.totalUsd).toBeCloseTo(0.2, 6);
    expect(economical.detects).toMatch(
      /^down from 1 of 1 regions in 2 of 3 periods of 60 s \(standard alarm/,
    );
    // At 60 s the fast profile confirms inside the round (a second look), so one round of 12 periods pages.
    expect(fast.detects).toMatch(
      /in 1 of 12 periods of 10 s \(high-resolution alarm, evaluated every 10 s; .*looked at again 20 s later/,
    );
  });

  it('subtracts the free tier with --free-tier', async () => {
    // Prepare
    const c = capture(dir);

    // Act
    await main(['cost', '--config', 'monitor.config.json', '--json', '--free-tier'], c.io);

    // Assess: one dependency fits the allowances of metrics (10), standard alarms (10) and dashboards (3).
    const report = JSON.parse(c.out());
    const free = report.depmon.lines.filter((l: { service: string }) => l.service === 'Free tier');
    expect(free.map((l: { item: string }) => l.item.split(':')[0])).toEqual(
      expect.arrayContaining(['customMetrics', 'standardAlarms', 'dashboards']),
    );
    expect(report.depmon.freeTier).toBe(true);
    const metrics = report.depmon.lines.find((l: { item: string }) => l.item.startsWith('custom metrics'));
    const freeMetrics = free.find((l: { item: string }) => l.item.startsWith('customMetrics'));
    expect(freeMetrics.monthlyUsd).toBeCloseTo(-metrics.monthlyUsd, 6);
  });

  it('exits 2 naming the file and field of a bad config', async () => {
    // Prepare
    const c = capture(dir);

    // Act
    const code = await main(['cost', '--config', 'bad.json'], c.io);

    // Assess
    expect(code).toBe(2);
    expect(c.err()).toContain('bad.json: dependencies[0].name');
    expect(c.err()).not.toContain('    at ');
  });

  it('exits 2 when there is no config to find', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'depmon-cost-empty-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const c = capture(dir);

    // Act
    const code = await main(['cost'], c.io);

    // Assess: the same words as check, naming no file that does not exist.
    expect(code).toBe(2);
    expect(c.err()).toBe(
      `depmon: cost: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${dir}; name one with --config FILE\n`,
    );
  });
});
