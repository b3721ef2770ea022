// The probe clock: rounds per invocation, the round's probing budget and the function timeout, one formula each.
import { describe, expect, it } from 'vitest';
import {
  CONFIRM_DELAY_MS,
  confirmDelayMs,
  probeTimeoutSeconds,
  roundBudgetMs,
  roundsPerInvocation,
} from '#shared/runtime';
import { config } from '../../helpers/configs.ts';

describe('roundsPerInvocation', () => {
  it('fits every interval into one one-minute invocation', () => {
    // Act
    const rounds = [60, 30, 20, 15, 10].map(roundsPerInvocation);
    // Assess
    expect(rounds).toEqual([1, 2, 3, 4, 6]);
  });
});

describe('roundBudgetMs', () => {
  it('leaves the interval less the guard and the egress check for probing', () => {
    // Act
    const withEgress = roundBudgetMs(config({ intervalSeconds: 10 }));
    const withoutEgress = roundBudgetMs(
      config({ intervalSeconds: 10, egress: { url: 'https://sts.{region}.amazonaws.com/', enabled: false } }),
    );
    // Assess: 10 s − 0.5 s guard − 3 s egress timeout; without the egress check, only the guard.
    expect([withEgress, withoutEgress]).toEqual([6500, 9500]);
  });
});

describe('probeTimeoutSeconds', () => {
  it('covers the whole minute of rounds plus a throttled final publish', () => {
    expect(probeTimeoutSeconds(config())).toBe(60 + 11 + 10);
    expect(probeTimeoutSeconds(config({ intervalSeconds: 10 }))).toBe(81);
  });
});

describe('confirmDelayMs', () => {
  it('gives the fast profile a second look where the round holds a failing probe, the delay and its retry', () => {
    // Prepare
    const fast = (intervalSeconds: number, timeoutMs = 5000) =>
      config({
        intervalSeconds,
        policy: { detection: 'fast' },
        dependencies: [
          {
            id: 'core',
            name: 'Core',
            tier: 'first-party',
            critical: true,
            tcp: { host: 'core.t.example', port: 443 },
          },
          { id: 'a', name: 'A', tier: 'third-party', http: { url: 'https://a.t.example/', timeoutMs } },
        ],
      } as Parameters<typeof config>[0]);
    // Act
    const delays = [
      confirmDelayMs(fast(60)),
      confirmDelayMs(fast(60, 20_000)),
      confirmDelayMs(fast(30)),
      confirmDelayMs(fast(15)),
      confirmDelayMs(config({ intervalSeconds: 60 })),
    ];
    // Assess: 60 s holds 5 + 20 + 5 s of its 56.5 s budget, not 20 + 20 + 20; 30 s and 15 s rounds are too short;
    // the economical profile never looks twice.
    expect(delays).toEqual([CONFIRM_DELAY_MS, 0, 0, 0, 0]);
  });
});
