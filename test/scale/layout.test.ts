// Where an alarm lives depends on its own key only: the same dependency's alarms land in the same stack in a
// config of 100 and of 1,000, whatever the order; every composite shares a stack with the metric alarms it names.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { homeRegionStacks } from '#infra/home-region';
import { alarmPlanOf } from '#infra/home-stack';
import { criticalIds, homeLayout, placeAlarm } from '#shared/runtime';
import { scaleConfig } from './configs.ts';

describe('the home layout', () => {
  it('places each alarm by its own key, the same at 100 and 1,000 dependencies and in any order', () => {
    // Prepare
    const small = scaleConfig(100);
    const large = scaleConfig(1000);
    const reversed = { ...large, dependencies: [...large.dependencies].reverse() };
    // Act
    const where = (config: typeof large) => {
      const critical = criticalIds(config);
      return new Map(alarmPlanOf(config, 'x').alarms.map((a) => [a.name, placeAlarm(a, critical)]));
    };
    const a = where(small);
    const b = where(large);
    const c = where(reversed);
    // Assess: down and degraded alarms of the first 100 (grouped ones keep their group at both sizes only
    // if the group is the same, so compare ungrouped partners and core services)
    const same = small.dependencies.filter(
      (d) => d.tier === 'first-party' || large.dependencies.find((x) => x.id === d.id)?.group === d.group,
    );
    expect(same.length).toBeGreaterThan(30);
    for (const d of same)
      for (const name of [`bank-down-${d.id}`, `bank-degraded-${d.id}`])
        expect(b.get(name), name).toBe(a.get(name));
    for (const [name, stack] of b) expect(c.get(name), name).toBe(stack);
  });

  it('keeps every composite with the metric alarms it names, except core-outage and blind-third-party', () => {
    // Act
    const config = scaleConfig(1000);
    const plan = alarmPlanOf(config, 'x');
    const layout = homeLayout(config, plan);
    // Assess
    const stacks = [layout.home, layout.core, ...layout.alarmStacks];
    const stackOf = new Map(stacks.flatMap((s, i) => s.map((a) => [a.name, i] as const)));
    const earlier = new Set(['bank-core-outage', 'bank-blind-third-party']);
    for (const a of plan.alarms) {
      if (a.type !== 'composite') continue;
      for (const child of a.children)
        if (!earlier.has(child)) expect(stackOf.get(child), `${a.name} → ${child}`).toBe(stackOf.get(a.name));
    }
    expect(stacks.flat()).toHaveLength(plan.alarms.length);
  });

  it('refuses an alarm stack count that is not a whole number, naming the setting', () => {
    // Prepare
    const config = scaleConfig(10);
    const props = {
      config,
      configFile: 'cdk.json',
      env: { region: config.homeRegion },
      stackNamePrefix: 'p',
    };
    // Act + Assess
    expect(() => homeRegionStacks(new App(), { ...props, alarmStacks: Number('sixteen') })).toThrow(
      'cdk.json: alarmStacks: expected a whole number of alarm stacks from 1 to 200 (got NaN)',
    );
  });
});
