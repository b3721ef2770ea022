// The runner under CloudWatch's timing: a partner that fails together with core, whose down alarm CloudWatch
// evaluates before core's, is still held back by the external-outage suppressor's wait.
import { describe, expect, it } from 'vitest';
import { fixedTiming, parseScenario, runScenario } from '#shared/simulate';
import { vendorGroupConfig } from '../../helpers/configs.ts';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const config = vendorGroupConfig(['a']);

describe('runScenario with the core alarm evaluated after the partner’s', () => {
  it('sends the core-outage page only: the partner page waits for core and is held', async () => {
    // Prepare: core and the vendor fail together at 10m; CloudWatch evaluates the vendor's down alarm on the
    // minute and core's 45 s into it, so for 45 s the external-outage rule (vendor down AND NOT core-outage) holds.
    const scenario = parseScenario(
      {
        durationMinutes: 30,
        events: [
          { at: '10m', dependency: 'core', state: 'down' },
          { at: '10m', dependency: 'vendor-a', state: 'down' },
          { at: '20m', dependency: 'core', state: 'up' },
          { at: '20m', dependency: 'vendor-a', state: 'up' },
        ],
      },
      'together.yaml',
      '/tmp',
    );
    const { template, plan } = synthHomeStack(config);
    const timing = fixedTiming({ 'grp-down-vendor-a': 0, 'grp-down-core': 45 });

    // Act
    const r = await runScenario({ scenario, config, template, plan, timing });

    // Assess: the order really was partner first, core 45 s later.
    const to = (alarm: string) => r.alarms.find((a) => a.alarm === alarm && a.to === 'ALARM')?.atSeconds;
    expect(to('grp-down-vendor-a')).toBe(12 * 60);
    expect(to('grp-down-core')).toBe(12 * 60 + 45);
    expect(to('grp-external-outage-vendor')).toBe(12 * 60);
    expect(r.pages.filter((p) => !p.resolved).map((p) => p.kind)).toEqual(['core-outage']);
    expect(r.actions.filter((a) => a.alarm === 'grp-external-outage-vendor' && a.state === 'ALARM')).toEqual([
      expect.objectContaining({ atSeconds: 12 * 60 + 45, suppressed: 'suppressor-alarm' }),
    ]);
  }, 120_000);
});
