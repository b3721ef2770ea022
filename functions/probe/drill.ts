// Drills in the probe: after the real probes of a round, a dependency under an active drill in this region is
// reported down with reason DRILL (its real result kept in the detail), so the real metrics, alarms, notify
// and channels fire. The drill store failing to read means no drill: logged, never a failure of its own.
import type { ProbeResult } from '#shared/probe';
import { activeDrills, type Drill, type ProbeSettings } from '#shared/runtime';

export type { Drill };

export async function readDrills(
  rt: {
    readonly drills?: () => Promise<readonly Drill[]>;
    readonly log: (r: Record<string, unknown>) => void;
  },
  settings: Pick<ProbeSettings, 'tier' | 'shard' | 'probeRegion'>,
): Promise<readonly Drill[]> {
  if (!rt.drills) return [];
  try {
    return await rt.drills();
  } catch (e) {
    rt.log({
      level: 'warn',
      msg: 'drill-store-unreadable',
      tier: settings.tier,
      shard: settings.shard,
      region: settings.probeRegion,
      error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    });
    return [];
  }
}

export function applyDrills(
  results: readonly ProbeResult[],
  drills: readonly Drill[],
  nowMs: number,
  region: string,
): ProbeResult[] {
  const active = new Map(activeDrills(drills, nowMs, region).map((d) => [d.dependency, d]));
  if (active.size === 0) return [...results];
  return results.map((r) => {
    const d = active.get(r.dependency);
    if (!d) return r;
    const { reason: _r, detail: _d, ...rest } = r;
    return {
      ...rest,
      status: 'down',
      reason: 'DRILL',
      detail: `[DRILL] until ${d.end} by ${d.by} (real result: ${r.status}${r.reason ? ` ${r.reason}` : ''})`,
    };
  });
}
