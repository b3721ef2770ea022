import { describe, expect, it } from 'vitest';
import { confirmFailures, failingIds, type ProbeResult } from '#shared/probe';

const result = (dependency: string, status: ProbeResult['status'], time = 0): ProbeResult => ({
  dependency,
  tier: 'third-party',
  region: 'ap-northeast-1',
  time,
  status,
  latencyMs: 1,
  ...(status === 'down' ? { reason: 'CONNECTION_REFUSED' as const, detail: 'refused' } : {}),
});

describe('confirmFailures', () => {
  it('keeps a dependency down only when the second look fails too, and takes the answer of one that recovered', () => {
    // Prepare
    const first = [result('a', 'up'), result('b', 'down'), result('c', 'down'), result('d', 'degraded')];
    const second = [result('b', 'down', 20_000), result('c', 'up', 20_000)];
    // Act
    const out = confirmFailures(first, second);
    // Assess
    expect(failingIds(first)).toEqual(new Set(['b', 'c']));
    expect(out.map((r) => `${r.dependency}:${r.status}`)).toEqual(['a:up', 'b:down', 'c:up', 'd:degraded']);
    expect(out[1]).toMatchObject({
      time: 0,
      reason: 'CONNECTION_REFUSED',
      detail: 'refused; confirmed on a second look',
    });
    expect(out[2]!.time).toBe(20_000);
  });

  it('leaves a failing dependency the second look did not reach as first seen', () => {
    // Prepare
    const first = [result('b', 'down')];
    // Act
    const out = confirmFailures(first, []);
    // Assess
    expect(out).toEqual(first);
  });
});
