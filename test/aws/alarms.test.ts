// The pacer that keeps notify's CloudWatch reads under a request rate: at most `tps` calls start in any second,
// with a margin for the network's jitter, on an injected clock (no real waiting, no timing).
import { describe, expect, it } from 'vitest';
import { PACE_MARGIN_MS, pacer } from '#aws/alarms';

describe('pacer', () => {
  it('lets the first tps calls go at once, then spaces each a second and the margin after the call tps before', async () => {
    // Prepare
    const clock = { now: 0 };
    const pace = pacer(3, {
      now: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms;
      },
    });
    const starts: number[] = [];

    // Act: seven calls, each taking 10 ms.
    for (let i = 0; i < 7; i++) {
      await pace();
      starts.push(clock.now);
      clock.now += 10;
    }

    // Assess
    const second = 1000 + PACE_MARGIN_MS;
    expect(starts).toEqual([0, 10, 20, second, second + 10, second + 20, 2 * second]);
    for (const s of starts)
      expect(starts.filter((t) => t >= s && t < s + 1000 + PACE_MARGIN_MS).length).toBeLessThanOrEqual(3);
  });

  it('does not wait when the calls are already slower than the rate', async () => {
    // Prepare
    const clock = { now: 0 };
    let slept = 0;
    const pace = pacer(2, {
      now: () => clock.now,
      sleep: async (ms) => {
        slept += ms;
      },
    });

    // Act
    for (let i = 0; i < 5; i++) {
      await pace();
      clock.now += 800;
    }

    // Assess
    expect(slept).toBe(0);
  });

  it('continues from the request times another pacer handed on, and hands on its own', async () => {
    // Prepare: an earlier holder made 3 calls at 0, 10 and 20 ms; this one starts at 500 ms on the same clock.
    const clock = { now: 500 };
    const time = {
      now: () => clock.now,
      sleep: async (ms: number) => {
        clock.now += ms;
      },
    };
    const pace = pacer(3, time, [0, 10, 20]);
    const starts: number[] = [];

    // Act
    for (let i = 0; i < 2; i++) {
      await pace();
      starts.push(clock.now);
    }

    // Assess: each waits for the earlier holder's call 3 places before it, and the times are handed on.
    const second = 1000 + PACE_MARGIN_MS;
    expect(starts).toEqual([second, second + 10]);
    expect(pace.starts()).toEqual([20, second, second + 10]);
  });
});
