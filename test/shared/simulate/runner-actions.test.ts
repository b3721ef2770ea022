// The runner hands each alarm action to the paging core at the action's own time: a group page whose
// suppressor wait ends mid-interval names the member that was down then, not every member of the group.
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '#shared/simulate';
import { vendorGroupConfig } from '../../helpers/configs.ts';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const config = vendorGroupConfig(['a', 'b']);

describe('runScenario alarm actions', () => {
  it('pages a group with the members down when the suppressor wait ends, not all members', async () => {
    // Prepare: vendor-a down at 10m and 12m only. Its down alarm is in ALARM from 13:00 to 14:00; the group
    // composite's actions run when its 59 s suppressor wait ends, at 13:59, a second before the alarm's next
    // evaluation.
    const scenario = parseScenario(
      {
        durationMinutes: 16,
        events: [
          { at: '10m', dependency: 'vendor-a', state: 'down' },
          { at: '11m', dependency: 'vendor-a', state: 'up' },
          { at: '12m', dependency: 'vendor-a', state: 'down' },
          { at: '13m', dependency: 'vendor-a', state: 'up' },
        ],
      },
      'grp.yaml',
      '/tmp',
    );
    const { template, plan } = synthHomeStack(config);

    // Act
    const r = await runScenario({ scenario, config, template, plan });

    // Assess
    expect(r.alarms.filter((a) => a.alarm === 'grp-down-vendor-a').map((a) => [a.atSeconds, a.to])).toEqual([
      [780, 'ALARM'],
      [840, 'OK'],
    ]);
    const first = r.pages.find((p) => !p.resolved);
    expect(first).toMatchObject({ atSeconds: 839, kind: 'external-outage', dependencies: ['vendor-a'] });
    expect(first?.subject).toContain('1 of 2 APIs');
  }, 120_000);
});
