// Drills in production: where a deployment keeps its drills (one SSM parameter in the home Region, JSON), their
// shape, and which are active at a moment in a probe region. The probes and notify read the parameter; the
// CLI (`depmon drill start|stop`) writes it. A drill is active only while now < end: nobody has to clear it.
import type { MonitorConfig } from '#shared/config';

/** One SSM parameter per deployment: `/depmon/<config name>/drills`. */
export const drillParameterName = (config: Pick<MonitorConfig, 'name'>) => `/depmon/${config.name}/drills`;

/** How long probes and notify reuse a read: a drill starts or stops within this of the CLI's write. */
export const DRILL_CACHE_MS = 30_000;
/** Longest drill: an afternoon. */
export const MAX_DRILL_MINUTES = 240;

export interface Drill {
  readonly id: string;
  readonly dependency: string;
  /** Probe regions it applies in; empty: every probe region. */
  readonly regions: readonly string[];
  /** ISO 8601, UTC. */
  readonly start: string;
  readonly end: string;
  readonly by: string;
}

/** The parameter's value; a drill whose fields do not fit is left out (never taken as "all"). */
export function parseDrills(text: string): Drill[] {
  const raw = JSON.parse(text) as { drills?: unknown };
  if (!Array.isArray(raw.drills)) throw new Error('drills parameter: expected {"drills":[…]}');
  return raw.drills.filter(isDrill);
}

function isDrill(d: unknown): d is Drill {
  const x = d as Partial<Drill>;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.id === 'string' &&
    typeof x.dependency === 'string' &&
    Array.isArray(x.regions) &&
    x.regions.every((r) => typeof r === 'string') &&
    typeof x.start === 'string' &&
    typeof x.end === 'string' &&
    !Number.isNaN(Date.parse(x.start)) &&
    !Number.isNaN(Date.parse(x.end)) &&
    typeof x.by === 'string'
  );
}

export const renderDrills = (drills: readonly Drill[]) => JSON.stringify({ drills });

/** The drills in force at `nowMs` (start <= now < end), in `region` when given. */
export function activeDrills(drills: readonly Drill[], nowMs: number, region?: string): Drill[] {
  return drills.filter(
    (d) =>
      Date.parse(d.start) <= nowMs &&
      nowMs < Date.parse(d.end) &&
      (region === undefined || d.regions.length === 0 || d.regions.includes(region)),
  );
}
