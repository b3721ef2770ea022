// Latency thresholds of an http check must be able to fire before its timeout.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '#shared/config';

const withHttp = (http: Record<string, unknown>) => ({
  name: 't',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      http: { url: 'http://127.0.0.1:1/', ...http },
    },
  ],
});

describe('http latency thresholds', () => {
  it('default degradedAfterMs is 2 s, or half a shorter timeout', () => {
    expect(parseConfig(withHttp({})).dependencies[0]!.check).toMatchObject({
      kind: 'http',
      degradedAfterMs: 2000,
    });
    expect(parseConfig(withHttp({ timeoutMs: 1000 })).dependencies[0]!.check).toMatchObject({
      kind: 'http',
      degradedAfterMs: 500,
    });
  });

  it('refuses a degradedAfterMs that the timeout would always beat, naming the field', () => {
    const act = () => parseConfig(withHttp({ timeoutMs: 1000, degradedAfterMs: 5000 }), 'm.json');
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('m.json: dependencies[0].http.degradedAfterMs: expected less than timeoutMs (1000)');
  });

  it('refuses a downAfterMs past the timeout', () => {
    expect(() => parseConfig(withHttp({ timeoutMs: 1000, downAfterMs: 1500 }), 'm.json')).toThrow(
      'dependencies[0].http.downAfterMs: expected at most timeoutMs (1000)',
    );
  });
});
