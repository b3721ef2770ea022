// The cost model against bills computed by hand, and the bundled bank example.

import { describe, expect, it } from 'vitest';
import { buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfigInput, parseConfig } from '#shared/config';
import {
  alarmCountsFromPlan,
  billOf,
  costReport,
  customMetricsUsd,
  formatCostReport,
  shardsOf,
} from '#shared/cost';
import { PROBE_MEMORY_MB, probeTimeoutSeconds } from '#shared/runtime';
import bank from '../../../examples/bank/monitor.config.ts';

const line = (
  lines: readonly {
    item: string;
    region: string;
    monthlyUsd: number;
    quantity: number;
    steadyStateMonthlyUsd?: number;
  }[],
  item: string,
  region?: string,
) => {
  const hit = lines.find((l) => l.item.startsWith(item) && (region === undefined || l.region === region));
  if (!hit) throw new Error(`no line "${item}"`);
  return hit;
};

const miniInput: MonitorConfigInput = {
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
};
const mini = parseConfig(miniInput);

describe('billOf, one dependency, one region, 60 s', () => {
  it('prices every line as computed by hand', () => {
    // Prepare: 43,800 invocations a month of one function; a round = 100 + 300 + 100 ms at 0.25 GB.
    // Act
    const bill = billOf(mini);

    // Assess
    expect(line(bill.lines, 'probe requests').quantity).toBe(43_800);
    expect(line(bill.lines, 'probe requests').monthlyUsd).toBeCloseTo(0.00876, 6);
    expect(line(bill.lines, 'probe compute').quantity).toBe(5475);
    expect(line(bill.lines, 'probe compute').monthlyUsd).toBeCloseTo(5475 * 0.0000133334, 6);
    expect(line(bill.lines, 'PutMetricData').quantity).toBe(43_800);
    expect(line(bill.lines, 'PutMetricData').monthlyUsd).toBeCloseTo(0.438, 6);
    // Status + one heartbeat.
    expect(line(bill.lines, 'custom metrics').quantity).toBe(2);
    expect(line(bill.lines, 'custom metrics').monthlyUsd).toBeCloseTo(0.6, 6);
    expect(line(bill.lines, 'standard-resolution alarms').monthlyUsd).toBeCloseTo(0.3, 6);
    expect(line(bill.lines, 'high-resolution alarms').monthlyUsd).toBe(0);
    expect(line(bill.lines, 'composite alarms').monthlyUsd).toBeCloseTo(1.0, 6);
    expect(line(bill.lines, 'dashboard').monthlyUsd).toBe(3);
    // KMS: two keys in us-east-1, the topics' and the probe region's alert topic's (+ 100 changes × 4 requests
    // at $0.03 per 10,000); from year 3 each bills its two rotations too.
    expect(line(bill.lines, 'customer-managed keys').quantity).toBe(2);
    expect(line(bill.lines, 'customer-managed keys').monthlyUsd).toBeCloseTo(2.0012, 6);
    expect(line(bill.lines, 'customer-managed keys').steadyStateMonthlyUsd).toBeCloseTo(6.0012, 6);
    expect(line(bill.lines, 'operational alarms').quantity).toBe(5); // probe: failure queue + one function's Errors; home: 3 delivery alarms
    expect(line(bill.lines, 'operational alarms').monthlyUsd).toBeCloseTo(0.5, 6);
    // The items the first bill left out: schedules, the notify tick and its Scan, DescribeAlarms in incidents.
    expect(line(bill.lines, 'schedules (2 × 1/min)').monthlyUsd).toBeCloseTo(0.0876, 6); // probe + notify tick
    expect(line(bill.lines, 'notify tick requests').monthlyUsd).toBeCloseTo(0.00876, 6);
    expect(line(bill.lines, 'paging-state Scan').monthlyUsd).toBeCloseTo(438_000 * 0.125e-6, 6);
    expect(line(bill.lines, 'DescribeAlarms').quantity).toBe(1 * (24 * 60 + 100)); // 5 alarms: one page
    expect(line(bill.lines, 'probe function logs stored').quantity).toBeCloseTo(
      3 * line(bill.lines, 'probe function logs ingested').quantity,
      5,
    );
    expect(bill.lines.some((l) => l.item.startsWith('PutMetricData bodies'))).toBe(false); // home = probe region
    expect(bill.totalUsd).toBeCloseTo(
      bill.lines.reduce((a, l) => a + l.monthlyUsd, 0),
      5,
    );
    expect(bill.steadyStateTotalUsd - bill.totalUsd).toBeCloseTo(4, 5); // two keys, two rotations each
    expect(bill.perDependencyUsd).toBe(bill.totalUsd);
    expect(bill.alarms.source).toBe('alarm plan');
  });

  it('compares with one canary and one plain-HTTP Route 53 check', () => {
    // Act
    const r = costReport(mini);

    // Assess: 43,800 runs × $0.0012; a check without HTTPS or matching, plus its alarm.
    expect(r.synthetics.totalUsd).toBeCloseTo(52.56, 6);
    expect(r.route53.totalUsd).toBeCloseTo(0.85, 6);
    expect(r.route53.uncovered).toEqual([]);
    expect(r.prices).toMatchObject({ region: 'us-east-1', takenOn: '2026-12-01', regional: {} });
  });
});

describe('billOf, sharded third parties at 20 s in two regions', () => {
  const deps = [
    { id: 'core', name: 'Core', tier: 'first-party', critical: true, tcp: { host: '127.0.0.1', port: 5432 } },
    ...Array.from({ length: 120 }, (_, i) => ({
      id: `vendor-${i}`,
      name: `Vendor ${i}`,
      tier: 'third-party',
      http: { url: `https://api${i}.vendor.example/health`, json: [{ path: '$.ok', equals: true }] },
    })),
  ];
  const config = parseConfig({
    name: 'sharded',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1'],
    intervalSeconds: 20,
    dependencies: deps,
  });

  it('splits 120 third parties into 3 shards of 40 and bills the wait between rounds', () => {
    // Act
    const bill = billOf(config);

    // Assess
    expect(shardsOf(config).map((s) => [s.tier, s.targets])).toEqual([
      ['first-party', 1],
      ['third-party', 40],
      ['third-party', 40],
      ['third-party', 40],
    ]);
    // Two rounds waited (40 s), then egress 100 + ceil(40/32)=2 waves × 300 + one PutMetricData 100.
    const shard = bill.functions.find((f) => f.tier === 'third-party')!;
    expect(shard.invocationMs).toBe(40_800);
    expect(line(bill.lines, 'probe requests', 'ap-northeast-1').quantity).toBe(4 * 43_800);
    // 3 rounds per invocation, one request per function per round, both regions.
    expect(line(bill.lines, 'PutMetricData').quantity).toBe(2 * 4 * 3 * 43_800);
    // 121 Status + 2 regions × 4 shards heartbeats.
    expect(line(bill.lines, 'custom metrics').quantity).toBe(129);
    // Sub-minute: down and degraded alarms are high resolution (2 per dependency); the 8 heartbeats stay at 60 s.
    expect(line(bill.lines, 'high-resolution alarms').quantity).toBe(242);
    expect(line(bill.lines, 'high-resolution alarms').monthlyUsd).toBeCloseTo(72.6, 6);
    expect(line(bill.lines, 'standard-resolution alarms').quantity).toBe(8);
  });

  it('prices Synthetics at three runs a minute and Route 53 with HTTPS, matching and the fast interval', () => {
    // Act
    const r = costReport(config);

    // Assess: 121 × 2 canaries × 131,400 runs.
    expect(r.synthetics.totalUsd).toBeCloseTo(242 * 131_400 * 0.0012, 4);
    // 121 checks × $0.75; 120 × (fast + HTTPS + matching) + 1 × fast; one alarm each.
    expect(r.route53.totalUsd).toBeCloseTo(121 * 0.75 + (120 * 3 + 1) * 2 + 121 * 0.1, 6);
  });
});

describe('billOf, priced as the probe stack deploys the functions', () => {
  it('caps a worst-case invocation at the deployed function timeout, not at one minute', () => {
    // Prepare: 10 s rounds and 9 s check timeouts: five rounds waited, then egress 3 s + one 9 s wave + 100 ms.
    const input = bank as MonitorConfigInput;
    const slow = parseConfig({
      ...input,
      intervalSeconds: 10,
      dependencies: input.dependencies.map((d) =>
        d.http ? { ...d, http: { ...d.http, timeoutMs: 9000 } } : d,
      ),
    });
    // Act
    const bill = billOf(slow);
    // Assess
    const worst = Math.max(...bill.functions.map((f) => f.worstCaseInvocationMs));
    expect(worst).toBe(62_100);
    expect(worst).toBeLessThanOrEqual(probeTimeoutSeconds(slow) * 1000);
  });

  it("bills the fast profile's second look only in the worst case: a healthy round never takes it", () => {
    // Prepare
    const fast = parseConfig({ ...miniInput, policy: { detection: 'fast' } });
    // Act
    const [economicalFn] = billOf(mini).functions;
    const [fastFn] = billOf(fast).functions;
    const profiles = costReport(fast).detectionProfiles;
    // Assess: healthy compute is the same; the worst case adds the 20 s delay and every probe again (5 s).
    expect(fastFn!.invocationMs).toBe(economicalFn!.invocationMs);
    expect(fastFn!.worstCaseInvocationMs - economicalFn!.worstCaseInvocationMs).toBe(20_000 + 5_000);
    expect(profiles.find((p) => p.profile === 'fast')!.detects).toMatch(
      /1 of 12 periods of 10 s .*looked at again 20 s later in its round/,
    );
  });

  it('prices the memory the stack deploys, or the override given', () => {
    // Act
    const standard = billOf(mini);
    const doubled = billOf(mini, { probeMemoryMb: 2 * PROBE_MEMORY_MB });
    // Assess
    expect(line(standard.lines, 'probe compute').item).toBe('probe compute (arm64, 256 MB)');
    expect(line(doubled.lines, 'probe compute').quantity).toBe(
      2 * line(standard.lines, 'probe compute').quantity,
    );
  });
});

describe('customMetricsUsd', () => {
  it('applies the volume tiers', () => {
    expect(customMetricsUsd(10_000)).toBeCloseTo(3000, 6);
    expect(customMetricsUsd(10_001)).toBeCloseTo(3000.1, 6);
    expect(customMetricsUsd(250_000 + 1)).toBeCloseTo(3000 + 24_000 + 0.05, 6);
  });
});

describe('the bank example', () => {
  it('bills 10 dependencies in 3 regions and says what Route 53 cannot cover', () => {
    // Prepare
    const config = parseConfig(bank, 'examples/bank/monitor.config.ts');

    // Act
    const r = costReport(config);

    // Assess: one first-party and one third-party function in each of 3 regions.
    expect(r.depmon.dependencies).toBe(10);
    expect(r.depmon.functions).toHaveLength(6);
    expect(line(r.depmon.lines, 'probe requests', 'ap-northeast-3').quantity).toBe(2 * 43_800);
    expect(line(r.depmon.lines, 'custom metrics').quantity).toBe(10 + 6);
    // The alarm plan: down and degraded per dependency, a heartbeat per region and shard, 9 composites.
    expect(r.depmon.alarms).toEqual(alarmCountsFromPlan(buildAlarmPlan(config)));
    expect(line(r.depmon.lines, 'standard-resolution alarms').quantity).toBe(10 + 10 + 6);
    expect(line(r.depmon.lines, 'composite alarms').quantity).toBe(r.depmon.alarms.compositeAlarms);
    expect(r.synthetics.totalUsd).toBeCloseTo(30 * 52.56, 4);
    expect(r.route53.uncovered.map((u) => u.dependency)).toEqual(['card-network']);
    const sum = r.depmon.lines.reduce((a, l) => a + l.monthlyUsd, 0);
    expect(r.depmon.totalUsd).toBeCloseTo(sum, 5);
    expect(formatCostReport(r)).toContain('per dependency');
  });
});

describe('the opt-in Latency metric', () => {
  const bankWith = (metrics: { latency: boolean }, smsGateway?: boolean): MonitorConfigInput => ({
    ...structuredClone(bank),
    metrics,
    dependencies: bank.dependencies.map((d) =>
      d.id === 'sms-gateway' && smsGateway !== undefined ? { ...d, latencyMetric: smsGateway } : d,
    ),
  });

  it('bills one more custom metric per dependency that has it, on its own line, and its datums between Regions', () => {
    // Prepare
    const off = billOf(parseConfig(bankWith({ latency: false })));
    // Act
    const on = billOf(parseConfig(bankWith({ latency: true })));
    // Assess: 10 Latency metrics at $0.30; Status and heartbeats as before
    expect(off.lines.some((l) => l.item.startsWith('custom metrics: Latency'))).toBe(false);
    expect(line(on.lines, 'custom metrics: Latency (opt-in, 10 dependencies)')).toMatchObject({
      quantity: 10,
      monthlyUsd: 3,
    });
    expect(line(on.lines, 'custom metrics (Status').quantity).toBe(
      line(off.lines, 'custom metrics (Status').quantity,
    );
    expect(on.customMetrics - off.customMetrics).toBe(10);
    // The same PutMetricData requests (a round's 11 datums become 21: still one request), bigger bodies.
    expect(line(on.lines, 'PutMetricData (').quantity).toBe(line(off.lines, 'PutMetricData (').quantity);
    for (const region of ['ap-northeast-1', 'ap-northeast-3']) {
      const bodies = (b: typeof on) => line(b.lines, 'PutMetricData bodies', region).quantity;
      // 10 Latency datums of about 150 B each, 43,800 rounds a month
      expect(bodies(on) - bodies(off)).toBeGreaterThan((43_800 * 10 * 120) / 1024 ** 3);
      expect(bodies(on) - bodies(off)).toBeLessThan((43_800 * 10 * 200) / 1024 ** 3);
    }
    // Each dependency's own share: $0.30 more, and a fraction of a cent of transfer.
    for (const [i, d] of on.perDependency.entries()) {
      const more = d.ownUsd - off.perDependency[i]!.ownUsd;
      expect(more).toBeGreaterThan(0.3);
      expect(more).toBeLessThan(0.302);
    }
    // The bill: $3.00 of metrics and about a cent of transfer.
    expect(on.totalUsd - off.totalUsd).toBeGreaterThan(3);
    expect(on.totalUsd - off.totalUsd).toBeLessThan(3.02);
  });

  it('bills only the dependencies that have it: on for all but one, or off for all but one', () => {
    // Act
    const allButSms = billOf(parseConfig(bankWith({ latency: true }, false)));
    const onlySms = billOf(parseConfig(bankWith({ latency: false }, true)));
    // Assess
    expect(line(allButSms.lines, 'custom metrics: Latency').quantity).toBe(9);
    expect(line(onlySms.lines, 'custom metrics: Latency (opt-in, 1 dependencies)').monthlyUsd).toBeCloseTo(
      0.3,
      6,
    );
    const sms = (b: typeof onlySms) => b.perDependency.find((d) => d.dependency === 'sms-gateway')!.ownUsd;
    const ledger = (b: typeof onlySms) => b.perDependency.find((d) => d.dependency === 'core-ledger')!.ownUsd;
    expect(sms(onlySms) - ledger(onlySms)).toBeGreaterThan(sms(allButSms) - ledger(allButSms));
  });
});
