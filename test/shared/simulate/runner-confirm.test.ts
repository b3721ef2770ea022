// The runner under the fast profile's second look: at a 60 s interval a failing probe is probed again 20 s later
// in its round, against the scenario's state at that moment, and the round's datums go out after it.
import { describe, expect, it } from 'vitest';
import type { MonitorConfig } from '#shared/config';
import { parseScenario, runScenario } from '#shared/simulate';
import { vendorGroupConfig } from '../../helpers/configs.ts';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const grp = vendorGroupConfig(['a']);
const config: MonitorConfig = { ...grp, policy: { ...grp.policy, detection: 'fast' } };

describe('runScenario with the fast profile at 60 s', () => {
  it('pages on one round confirmed by the second look, and not on a blip the second look no longer sees', async () => {
    // Prepare: the vendor fails for 15 s from the round at 5m (the look at 5m20s finds it up again); core fails
    // from 10m05s, so the round at 11m fails, the look at 11m20s confirms it, and the datums go out then.
    const scenario = parseScenario(
      {
        durationMinutes: 15,
        events: [
          { at: '5m', dependency: 'vendor-a', state: 'down' },
          { at: '5m15s', dependency: 'vendor-a', state: 'up' },
          { at: '10m5s', dependency: 'core', state: 'down' },
        ],
      },
      'confirm.yaml',
      '/tmp',
    );
    const { template, plan } = synthHomeStack(config);

    // Act
    const r = await runScenario({ scenario, config, template, plan });

    // Assess: the 10 s period holding the 11m round closed at 11m10s; its quorum was visible at 11m20s.
    const to = (alarm: string) => r.alarms.filter((a) => a.alarm === alarm && a.to === 'ALARM');
    expect(to('grp-down-core').map((a) => a.atSeconds)).toEqual([11 * 60 + 20]);
    expect(to('grp-down-vendor-a')).toEqual([]);
    expect(r.pages.filter((p) => !p.resolved).map((p) => p.kind)).toEqual(['core-outage']);
  }, 120_000);
});
