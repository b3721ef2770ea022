// The probe clock: rounds per invocation, the round's probing budget and the function timeout, one formula each.
import { describe, expect, it } from 'vitest';
import { probeTimeoutSeconds, roundBudgetMs, roundsPerInvocation } from '#shared/runtime';
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
