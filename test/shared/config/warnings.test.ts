// Configs that validate but whose pages reach nobody: one warning line each, never an error.
import { describe, expect, it } from 'vitest';
import { configWarnings, parseConfig } from '#shared/config';

const base = {
  name: 'w',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      tcp: { host: 'l.example', port: 1 },
    },
  ],
};
const email = { id: 'oncall', type: 'email', address: 'oncall@corp.example' };

describe('configWarnings', () => {
  it('warns when there are no channels at all', () => {
    expect(configWarnings(parseConfig(base))).toEqual([
      'channels: none configured, so every page reaches nobody (add channels; without routes, each gets every page)',
    ]);
  });

  it('names the page kinds no route sends anywhere', () => {
    const config = parseConfig({
      ...base,
      channels: [email],
      routes: [{ id: 'sev', kinds: ['core-outage', 'external-outage'], channels: ['oncall'] }],
    });
    expect(configWarnings(config)).toEqual([
      "routes: no route sends degraded, monitor-blind pages, so they reach nobody (add the kinds to a route's kinds)",
    ]);
  });

  it('says nothing when channels exist and every kind is routed (no routes: each channel gets every kind)', () => {
    expect(configWarnings(parseConfig({ ...base, channels: [email] }))).toEqual([]);
  });
});
