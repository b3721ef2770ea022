// The fast profile's in-round confirmation: a failing probe is looked at again a few seconds later, and a
// region votes a dependency down only if both looks failed (Checkly's retry before alerting, Route 53's
// failure threshold, brought inside one round). The cross-region quorum is the confirmation beyond it.
import type { ProbeResult } from './types.ts';

/** Dependencies whose result in a round is down: the ones to look at again. */
export function failingIds(results: readonly ProbeResult[]): Set<string> {
  return new Set(results.filter((r) => r.status === 'down').map((r) => r.dependency));
}

/**
 * The round's results after the second look: a dependency down in both keeps its first result (the onset's
 * reason and time), noting the confirmation; one that answered the second time takes that answer. A
 * dependency the second look did not reach (the round's deadline) stays as first seen.
 */
export function confirmFailures(
  first: readonly ProbeResult[],
  second: readonly ProbeResult[],
): ProbeResult[] {
  const again = new Map(second.map((r) => [r.dependency, r]));
  return first.map((r) => {
    const s = r.status === 'down' ? again.get(r.dependency) : undefined;
    if (!s) return r;
    if (s.status !== 'down') return s;
    return { ...r, detail: `${r.detail ?? r.reason ?? 'down'}; confirmed on a second look` };
  });
}
