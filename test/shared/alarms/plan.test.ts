import { describe, expect, it } from 'vitest';
import {
  type AlarmSpec,
  buildAlarmPlan,
  type CompositeAlarmSpec,
  type MetricAlarmSpec,
  RULE_MAX_CHILDREN,
} from '#shared/alarms';
import { ConfigError, type MonitorConfigInput, parseConfig } from '#shared/config';
import bankInput from '../../../examples/bank/monitor.config.ts';

const BANK = 'examples/bank/monitor.config.ts';
const bank = (over: Partial<MonitorConfigInput> = {}) =>
  parseConfig({ ...(bankInput as MonitorConfigInput), ...over }, BANK);
const byRole = (alarms: readonly AlarmSpec[], role: string) => alarms.filter((a) => a.role === role);
const named = (alarms: readonly AlarmSpec[], name: string) => alarms.find((a) => a.name === name);

function manyCritical(n: number): MonitorConfigInput['dependencies'] {
  return Array.from({ length: n }, (_, i) => ({
    id: `core-${i}`,
    name: `Core ${i}`,
    tier: 'first-party' as const,
    critical: true,
    http: { url: `https://c${i}.core.bank.example/health` },
  }));
}

describe('buildAlarmPlan on the bank example', () => {
  it('creates per dependency a down and a degraded alarm, per region and shard a heartbeat, and the page composites', () => {
    // Prepare
    const config = bank();
    // Act
    const plan = buildAlarmPlan(config, { configFile: BANK });
    // Assess
    expect(byRole(plan.alarms, 'down')).toHaveLength(10);
    expect(byRole(plan.alarms, 'degraded')).toHaveLength(10);
    expect(byRole(plan.alarms, 'heartbeat').map((a) => a.name)).toEqual([
      'bank-heartbeat-ap-northeast-2-first-party-0',
      'bank-heartbeat-ap-northeast-2-third-party-0',
      'bank-heartbeat-ap-northeast-1-first-party-0',
      'bank-heartbeat-ap-northeast-1-third-party-0',
      'bank-heartbeat-ap-northeast-3-first-party-0',
      'bank-heartbeat-ap-northeast-3-third-party-0',
    ]);
    expect(byRole(plan.alarms, 'blind-region')).toHaveLength(3);
    expect(byRole(plan.alarms, 'external-outage').map((a) => a.name)).toEqual([
      'bank-external-outage-kakao',
      'bank-external-outage-sms-vendor',
      'bank-external-outage-identity-verification',
      'bank-external-outage-card-network',
    ]);
    expect(plan.alarms).toHaveLength(35);
  });

  it('fires down only for a quorum of regions in M of N periods of the probe interval', () => {
    // Prepare
    const plan = buildAlarmPlan(bank(), { configFile: BANK });
    // Act
    const down = named(plan.alarms, 'bank-down-kakao-login') as MetricAlarmSpec;
    // Assess
    expect(down).toMatchObject({
      metricName: 'Status',
      namespace: 'Depmon',
      dimensions: [{ Name: 'Dependency', Value: 'kakao-login' }],
      statistic: 'Sum',
      // Down votes are the thousands of the Status Sum (a degraded vote adds 1, a down vote 1000).
      expression: 'FLOOR(status / 1000)',
      period: 60,
      threshold: 2,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    expect(down.pageKind).toBeUndefined();
    const degraded = named(plan.alarms, 'bank-degraded-kakao-login') as MetricAlarmSpec;
    expect(degraded).toMatchObject({
      metricName: 'Status',
      statistic: 'Sum',
      expression: 'status - 1000 * FLOOR(status / 1000)',
    });
  });

  it('treats a missing heartbeat as breaching: a silent region is blind', () => {
    const plan = buildAlarmPlan(bank(), { configFile: BANK });
    const hb = named(plan.alarms, 'bank-heartbeat-ap-northeast-1-third-party-0') as MetricAlarmSpec;
    expect(hb).toMatchObject({
      metricName: 'Heartbeat',
      dimensions: [
        { Name: 'ProbeRegion', Value: 'ap-northeast-1' },
        { Name: 'Tier', Value: 'third-party' },
        { Name: 'Shard', Value: '0' },
      ],
      statistic: 'Maximum',
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
  });

  it('writes each composite rule exactly', () => {
    const plan = buildAlarmPlan(bank(), { configFile: BANK });
    const rule = (n: string) => (named(plan.alarms, n) as CompositeAlarmSpec).rule;
    expect(rule('bank-core-outage')).toBe(
      '(ALARM("bank-down-core-ledger") OR ALARM("bank-down-core-transfers") OR ALARM("bank-down-core-auth"))',
    );
    expect(rule('bank-external-outage-kakao')).toBe(
      '((ALARM("bank-down-kakaotalk-message-api") OR ALARM("bank-down-kakaotalk-alimtalk-api") OR ALARM("bank-down-kakao-login")) AND NOT ALARM("bank-core-outage") AND NOT ALARM("bank-blind-third-party"))',
    );
    expect(rule('bank-external-outage-card-network')).toBe(
      '(ALARM("bank-down-card-network") AND NOT ALARM("bank-core-outage") AND NOT ALARM("bank-blind-third-party"))',
    );
    expect(rule('bank-blind-third-party')).toBe(
      'AT_LEAST(2, ALARM, ("bank-heartbeat-ap-northeast-2-third-party-0", "bank-heartbeat-ap-northeast-1-third-party-0", "bank-heartbeat-ap-northeast-3-third-party-0"))',
    );
    expect(rule('bank-blind-ap-northeast-1')).toBe(
      '(ALARM("bank-heartbeat-ap-northeast-1-first-party-0") OR ALARM("bank-heartbeat-ap-northeast-1-third-party-0"))',
    );
  });

  it('lets core-outage suppress every external-outage and gives page kinds only to alarms with actions', () => {
    const plan = buildAlarmPlan(bank(), { configFile: BANK });
    for (const a of byRole(plan.alarms, 'external-outage') as CompositeAlarmSpec[]) {
      expect(a.suppressor).toEqual({ alarm: 'bank-core-outage', waitSeconds: 59, extensionSeconds: 120 });
      expect(a.pageKind).toBe('external-outage');
    }
    expect(named(plan.alarms, 'bank-core-outage')?.pageKind).toBe('core-outage');
    expect(named(plan.alarms, 'bank-blind-ap-northeast-3')?.pageKind).toBe('monitor-blind');
    expect(named(plan.alarms, 'bank-blind-third-party')?.pageKind).toBeUndefined();
    // The non-critical first-party dependency is not core: its outage is a notice.
    expect(named(plan.alarms, 'bank-down-core-db-proxy')?.pageKind).toBe('degraded');
  });

  it('uses high-resolution periods under a minute, with two rounds per 30 s period at a 15 s interval', () => {
    const plan = buildAlarmPlan(bank({ intervalSeconds: 15 }), { configFile: BANK });
    const down = named(plan.alarms, 'bank-down-core-ledger') as MetricAlarmSpec;
    expect([plan.period, plan.roundsPerPeriod, down.period, down.threshold]).toEqual([30, 2, 30, 4]);
    // Heartbeats stay at 60 s: sub-minute probers flush once per invocation.
    expect(
      (named(plan.alarms, 'bank-heartbeat-ap-northeast-2-first-party-0') as MetricAlarmSpec).period,
    ).toBe(60);
  });

  it('watches down in 10 s periods with the fast detection profile: one confirmed round at 60 s, 2 of 3 rounds below', () => {
    // Prepare
    const fast = (intervalSeconds: number) =>
      bank({ intervalSeconds, policy: { detection: 'fast' } as MonitorConfigInput['policy'] });

    // Act: [period, N, M, threshold] of a down alarm, and the external-outage suppressor's wait.
    const window = (intervalSeconds: number) => {
      const plan = buildAlarmPlan(fast(intervalSeconds), { configFile: BANK });
      const down = named(plan.alarms, 'bank-down-core-ledger') as MetricAlarmSpec;
      const ext = named(plan.alarms, 'bank-external-outage-kakao') as CompositeAlarmSpec;
      return [
        down.period,
        down.evaluationPeriods,
        down.datapointsToAlarm,
        down.threshold,
        ext.suppressor?.waitSeconds,
      ];
    };

    // Assess: at 60 s each region's vote is confirmed inside its round (a second look 20 s later), so one round
    // in a quorum of regions pages, over a window of two rounds. Below, a round has no room for the second look:
    // N spans at most 3 rounds (at 15 s, 40 s holds 3 rounds); one round per period, so the quorum. The
    // external-outage composite does not wait for core-outage: the paging core waits for core's own data.
    expect(window(60)).toEqual([10, 12, 1, 2, 0]);
    expect(window(30)).toEqual([10, 9, 2, 2, 0]);
    expect(window(20)).toEqual([10, 6, 2, 2, 0]);
    expect(window(15)).toEqual([10, 4, 2, 2, 0]);
    // Degraded notices and heartbeats keep the economical periods.
    const plan = buildAlarmPlan(fast(60), { configFile: BANK });
    expect((named(plan.alarms, 'bank-degraded-core-ledger') as MetricAlarmSpec).period).toBe(60);
    expect(plan.period).toBe(60);
  });

  it('follows the probe stacks’ shard layout when given one', () => {
    const plan = buildAlarmPlan(bank(), {
      configFile: BANK,
      shards: [
        {
          tier: 'first-party',
          shard: 0,
          dependencies: ['core-ledger', 'core-transfers', 'core-auth', 'core-db-proxy'],
        },
        {
          tier: 'third-party',
          shard: 0,
          dependencies: ['kakaotalk-message-api', 'kakaotalk-alimtalk-api', 'kakao-login'],
        },
        {
          tier: 'third-party',
          shard: 1,
          dependencies: ['sms-gateway', 'identity-verification', 'card-network'],
        },
      ],
    });
    expect(byRole(plan.alarms, 'heartbeat')).toHaveLength(9);
    expect((named(plan.alarms, 'bank-blind-third-party') as CompositeAlarmSpec).rule).toBe(
      '(AT_LEAST(2, ALARM, ("bank-heartbeat-ap-northeast-2-third-party-0", "bank-heartbeat-ap-northeast-1-third-party-0", "bank-heartbeat-ap-northeast-3-third-party-0")) OR AT_LEAST(2, ALARM, ("bank-heartbeat-ap-northeast-2-third-party-1", "bank-heartbeat-ap-northeast-1-third-party-1", "bank-heartbeat-ap-northeast-3-third-party-1")))',
    );
  });
});

describe('buildAlarmPlan within CloudWatch limits', () => {
  it('splits core-outage into parts of at most 100 alarms when there are more critical dependencies', () => {
    // Prepare
    const config = bank({ dependencies: manyCritical(250), channels: [], routes: [], maintenance: [] });
    // Act
    const plan = buildAlarmPlan(config, { configFile: BANK });
    // Assess
    const parts = byRole(plan.alarms, 'core-outage-part') as CompositeAlarmSpec[];
    expect(parts.map((p) => p.name)).toEqual([
      'bank-core-outage-part-1',
      'bank-core-outage-part-2',
      'bank-core-outage-part-3',
    ]);
    for (const p of parts) expect(p.children.length).toBeLessThanOrEqual(RULE_MAX_CHILDREN);
    expect(parts.flatMap((p) => p.children)).toHaveLength(250);
    expect((named(plan.alarms, 'bank-core-outage') as CompositeAlarmSpec).rule).toBe(
      '(ALARM("bank-core-outage-part-1") OR ALARM("bank-core-outage-part-2") OR ALARM("bank-core-outage-part-3"))',
    );
    // Parts come before the composite that references them (CloudFormation creates children first).
    const index = (n: string) => plan.alarms.findIndex((a) => a.name === n);
    expect(index('bank-core-outage-part-3')).toBeLessThan(index('bank-core-outage'));
  });

  it('fails naming the config file when an alarm would be referenced by too many composites', () => {
    // Prepare: every external-outage group references core-outage; lower the limit to reach it.
    const config = bank();
    // Act
    const act = () => buildAlarmPlan(config, { configFile: BANK, limits: { maxParentComposites: 3 } });
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'examples/bank/monitor.config.ts: dependencies: alarm "bank-core-outage" would be referenced by 4 composite alarms; CloudWatch allows 3',
    );
  });

  it('fails naming the config file when a group id collides with an ungrouped dependency id', () => {
    const input = bankInput as MonitorConfigInput;
    const config = bank({
      dependencies: [
        ...input.dependencies,
        {
          id: 'kakao',
          name: 'Kakao pay',
          tier: 'third-party',
          http: { url: 'https://pay.kakaopay.example/' },
        },
      ],
    });
    expect(() => buildAlarmPlan(config, { configFile: BANK })).toThrow(
      'examples/bank/monitor.config.ts: dependencies[10].id: "kakao" is also a group id: an ungrouped third-party dependency pages as its own group, so the two would share the alarm "bank-external-outage-kakao"',
    );
  });
});

describe('buildAlarmPlan splits a large partner group', () => {
  it('ORs a group of 150 APIs through parts, keeping the core and blind clauses on the group composite', () => {
    // Prepare
    const input = bankInput as MonitorConfigInput;
    const config = bank({
      channels: [],
      routes: [],
      maintenance: [],
      dependencies: [
        ...input.dependencies.filter((d) => d.tier === 'first-party'),
        ...Array.from({ length: 150 }, (_, i) => ({
          id: `mega-api-${i}`,
          name: `Mega API ${i}`,
          tier: 'third-party' as const,
          group: 'mega',
          http: { url: `https://api${i}.mega.example/health` },
        })),
      ],
    });
    // Act
    const plan = buildAlarmPlan(config, { configFile: BANK });
    // Assess
    const parts = byRole(plan.alarms, 'external-outage-part') as CompositeAlarmSpec[];
    expect(parts.map((p) => p.name)).toEqual([
      'bank-external-outage-mega-part-1',
      'bank-external-outage-mega-part-2',
    ]);
    expect(parts.flatMap((p) => p.children)).toHaveLength(150);
    expect((named(plan.alarms, 'bank-external-outage-mega') as CompositeAlarmSpec).rule).toBe(
      '((ALARM("bank-external-outage-mega-part-1") OR ALARM("bank-external-outage-mega-part-2")) AND NOT ALARM("bank-core-outage") AND NOT ALARM("bank-blind-third-party"))',
    );
  });
});
