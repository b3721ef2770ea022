// Route ids name SNS topics `<name>-<id>`: ids that would collide with depmon's own topics are refused.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '#shared/config';

const base = {
  name: 'mini',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  channels: [{ id: 'ops', type: 'email', address: 'ops@mini.example' }],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      tcp: { host: '127.0.0.1', port: 1 },
    },
  ],
};

describe('routes', () => {
  it.each(['alarms', 'probe-alerts'])(
    'refuses the route id "%s", which names one of depmon\'s own topics',
    (id) => {
      // Prepare
      const raw = {
        ...base,
        routes: [
          { id: 'core', kinds: ['core-outage'], channels: ['ops'] },
          { id, kinds: ['monitor-blind'], channels: ['ops'] },
        ],
      };

      // Act
      const act = () => parseConfig(raw, 'monitor.config.json');

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(
        /^monitor\.config\.json: routes\[1\]\.id: expected a route id other than "alarms" and "probe-alerts"/,
      );
    },
  );

  it('accepts other route ids', () => {
    // Prepare
    const raw = { ...base, routes: [{ id: 'alarms-oncall', kinds: ['core-outage'], channels: ['ops'] }] };

    // Act
    const config = parseConfig(raw, 'monitor.config.json');

    // Assess
    expect(config.routes.map((r) => r.id)).toEqual(['alarms-oncall']);
  });
});
