// The runner sends one heartbeat per probe shard the template's heartbeat alarms watch. Shards are capped by
// what fits in a round (40 http checks with 5 s timeouts at a 10 s interval are two shards, not one): a shard
// left without heartbeats would read as blind and keep every external-outage page of its tier from firing.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config';
import { parseScenario, runScenario } from '#shared/simulate';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const config = parseConfig({
  name: 'wide',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
  intervalSeconds: 10,
  dependencies: [
    {
      id: 'core',
      name: 'Core',
      tier: 'first-party',
      critical: true,
      http: { url: 'https://core.wide.example/' },
    },
    ...Array.from({ length: 40 }, (_, i) => ({
      id: `partner-${i}`,
      name: `Partner ${i}`,
      tier: 'third-party' as const,
      group: 'vendor',
      http: { url: `https://api-${i}.vendor.example/health` },
    })),
  ],
  channels: [{ id: 'ops', type: 'email', address: 'ops@wide.example' }],
});

describe('runScenario shards', () => {
  it('heartbeats every shard of the synthesized template, so a partner outage still pages', async () => {
    // Prepare
    const { template, plan } = synthHomeStack(config, 'wide.json');
    const scenario = parseScenario(
      { durationMinutes: 5, events: [{ at: '1m', dependency: 'partner-0', state: 'down' }] },
      'outage.yaml',
      '/tmp',
    );
    // Act
    const r = await runScenario({ scenario, config, template, plan });
    // Assess
    expect(plan.shards.filter((s) => s.tier === 'third-party')).toHaveLength(2);
    expect(r.pages.filter((p) => !p.resolved).map((p) => p.kind)).toEqual(['external-outage']);
    expect(r.alarms.filter((a) => a.alarm.includes('blind'))).toEqual([]);
  }, 120_000);
});
