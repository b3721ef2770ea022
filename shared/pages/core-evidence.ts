// Whether core banking is known healthy when a partner's outage is about to be paged as external. The claim
// rests on positive evidence from the probes' own data (a quorum of regions saw every critical first-party
// dependency up, in a round at or after the partner began failing), not on the core-outage alarm being OK:
// that alarm lags the data by CloudWatch's ingestion and evaluation, and a partner's alarm can fire first when
// both fail together. The notify function reads the votes with GetMetricData; the simulator from its store.
import { downAlarmWindow } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { PUBLISH_BUDGET_MS } from '#shared/runtime';

/** One period of a dependency's `Status` series: region-rounds that voted down, and region-rounds in all. */
export interface VotePeriod {
  /** Period start, epoch ms. */
  readonly start: number;
  /** FLOOR(Sum / 1000): region-rounds that saw it down. */
  readonly down: number;
  /** SampleCount: region-rounds that reported it (up, degraded or down). */
  readonly samples: number;
}

/** Each dependency's periods that have data, oldest first, as CloudWatch has them now. */
export type VoteSeries = ReadonlyMap<string, readonly VotePeriod[]>;

export type CoreVerdict =
  | { readonly state: 'healthy'; readonly detail: string }
  | { readonly state: 'failing' | 'unknown'; readonly detail: string };

/** CloudWatch's own share of the ingestion delay, on top of depmon's publish: AWS publishes no bound. */
export const CLOUDWATCH_INGESTION_MAX_MS = 10_000;

/** How often a held external page's core evidence is read again (notify polls; the simulator re-checks). */
export const CORE_EVIDENCE_POLL_MS = 2_000;

/**
 * How long after it began waiting a page is polled for: the notify function polls within its delivery budget
 * (`DELIVERY_BUDGET_MS`, 20 s, less one poll), then leaves the rest to its one-minute tick. The simulator polls
 * the same way, then releases at its ticks.
 */
export const CORE_EVIDENCE_POLL_BUDGET_MS = 20_000 - CORE_EVIDENCE_POLL_MS;

/**
 * The longest an external page waits for core's evidence: one more round (or vote period, if longer),
 * published with its whole retry budget and ingested at CloudWatch's slowest. Past it the page goes out without the "core healthy" claim.
 */
export const coreEvidenceMaxWaitMs = (config: MonitorConfig): number =>
  Math.max(config.intervalSeconds, voteWindow(config).periodSeconds) * 1000 +
  PUBLISH_BUDGET_MS +
  CLOUDWATCH_INGESTION_MAX_MS;

/** What a vote query reads: the down alarms' period and how many rounds one period holds. */
export function voteWindow(config: MonitorConfig): { periodSeconds: number; roundsPerPeriod: number } {
  const w = downAlarmWindow(config);
  return { periodSeconds: w.period, roundsPerPeriod: Math.max(1, w.threshold / config.policy.quorum) };
}

/** How far back a vote query reads: the partner's failing streak and core's rounds since it began. */
export const voteLookbackMs = (config: MonitorConfig): number =>
  coreEvidenceMaxWaitMs(config) + 4 * config.intervalSeconds * 1000 + voteWindow(config).periodSeconds * 1000;

/** The critical first-party dependencies: what "core banking" means in a page. */
export const coreDependencyIds = (config: MonitorConfig): string[] =>
  config.dependencies.filter((d) => d.tier === 'first-party' && d.critical).map((d) => d.id);

/**
 * When the members' latest failing streak began: the start of the earliest period of the latest run of periods
 * in which some region saw a member down (the earliest member's; the run may have ended since, when the alarm
 * acts on a failure already over). Undefined: no member is seen failing.
 */
function streakStart(members: readonly string[], votes: VoteSeries): number | undefined {
  let earliest: number | undefined;
  for (const id of members) {
    const periods = votes.get(id) ?? [];
    let i = periods.length - 1;
    while (i >= 0 && periods[i]!.down === 0) i--;
    let start: number | undefined;
    for (; i >= 0 && periods[i]!.down > 0; i--) start = periods[i]!.start;
    if (start !== undefined && (earliest === undefined || start < earliest)) earliest = start;
  }
  return earliest;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * The verdict on core for a page about `members` (a partner or partner group in ALARM): for every critical
 * first-party dependency, the newest period at or after the members began failing that holds a quorum of
 * regions either way decides. Failing when one has a quorum down (core-outage will follow, or it was a blip
 * and a later round says so); healthy when every one has a quorum up; else unknown (not arrived yet, or too
 * few regions reported).
 */
export function coreVerdict(
  config: MonitorConfig,
  members: readonly string[],
  votes: VoteSeries,
): CoreVerdict {
  const core = coreDependencyIds(config);
  if (core.length === 0)
    return { state: 'healthy', detail: 'no critical first-party dependency is configured' };
  const since = streakStart(members, votes);
  if (since === undefined)
    return { state: 'unknown', detail: `no probe data shows ${members.join(', ')} failing yet` };
  const { roundsPerPeriod } = voteWindow(config);
  const { quorum } = config.policy;
  const waiting: string[] = [];
  for (const id of core) {
    const periods = (votes.get(id) ?? []).filter((p) => p.start >= since);
    // The newest period that says something: a quorum down, or a quorum up (a period still filling, or one
    // with regions missing, says neither).
    const conclusive = periods.findLast(
      (p) => p.down / roundsPerPeriod >= quorum || (p.samples - p.down) / roundsPerPeriod >= quorum,
    );
    if (conclusive && conclusive.down / roundsPerPeriod >= quorum)
      return {
        state: 'failing',
        detail: `${id} was seen down from a quorum of regions at ${clock(conclusive.start)}`,
      };
    if (!conclusive)
      waiting.push(
        periods.length === 0
          ? `${id}: no probe data since ${clock(since)} yet`
          : `${id}: fewer than ${quorum} regions have reported it up since ${clock(since)}`,
      );
  }
  if (waiting.length > 0) return { state: 'unknown', detail: waiting.join('; ') };
  return {
    state: 'healthy',
    detail: `every critical first-party dependency was seen up from a quorum of regions since ${clock(since)}`,
  };
}
