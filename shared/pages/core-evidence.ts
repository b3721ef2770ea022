// Whether core banking is known healthy when a partner's outage is about to be paged as external. The claim
// rests on positive evidence from the probes' own data (a quorum of regions saw every critical first-party
// dependency up, in a round at or after the partner began failing), not on the core-outage alarm being OK:
// that alarm lags the data by CloudWatch's ingestion and evaluation, and a partner's alarm can fire first when
// both fail together. The notify function reads the votes with GetMetricData; the simulator from its store.
import { downAlarmWindow } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { PUBLISH_BUDGET_MS } from '#shared/runtime';
import type { SubjectState } from './types.ts';

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
 * The longest an external page waits for core's evidence: one more round, published with its whole retry
 * budget and ingested at CloudWatch's slowest. Past it the page goes out without the "core healthy" claim.
 */
export const coreEvidenceMaxWaitMs = (config: MonitorConfig): number =>
  config.intervalSeconds * 1000 + PUBLISH_BUDGET_MS + CLOUDWATCH_INGESTION_MAX_MS;

/**
 * The period a vote query reads: one round in each. Below a 60 s interval `Status` is high resolution and
 * rounds fall on multiples of 10 s, so 10 s periods; at 60 s and above it is stored per minute, so 60 s.
 */
export const votePeriodSeconds = (config: MonitorConfig): number => (config.intervalSeconds < 60 ? 10 : 60);

/** How far back a vote query reads: the partner's rounds and core's since the partner's alarm acted. */
export const voteLookbackMs = (config: MonitorConfig): number =>
  coreEvidenceMaxWaitMs(config) + 4 * config.intervalSeconds * 1000 + votePeriodSeconds(config) * 1000;

/** An open external incident whose page still waits for core's evidence (notify polls while one does). */
export const waitsForCoreEvidence = (s: SubjectState): boolean => s.heldFor === 'core-evidence' && !s.paged;

/** The critical first-party dependencies: what "core banking" means in a page. */
export const coreDependencyIds = (config: MonitorConfig): string[] =>
  config.dependencies.filter((d) => d.tier === 'first-party' && d.critical).map((d) => d.id);

/**
 * How many failing rounds of a quorum the partner's down alarm needs before it acts: M of its periods, each
 * holding a quorum of votes per round in it (one round a period in the fast profile).
 */
export function roundsToAlarm(config: MonitorConfig): number {
  const w = downAlarmWindow(config);
  return w.datapointsToAlarm * Math.max(1, Math.round(w.threshold / config.policy.quorum));
}

/**
 * The round core must be seen up at or after: the round the partner's alarm acted on, which is the
 * `rounds`-th of the latest run of rounds in which a quorum saw a member down (or the run's last, if shorter:
 * "M of N" may skip one). A region failing alone before the outage does not start the run. The newest such
 * round over the members; the paging core keeps it for the whole wait, so the evidence it asks for does not
 * move on with the partner's later rounds. Undefined: no member is seen down from a quorum yet.
 */
export function partnerAnchor(
  members: readonly string[],
  votes: VoteSeries,
  quorum: number,
  rounds: number,
): number | undefined {
  let newest: number | undefined;
  for (const id of members) {
    const periods = votes.get(id) ?? [];
    let last = periods.length - 1;
    while (last >= 0 && periods[last]!.down < quorum) last--;
    if (last < 0) continue;
    let first = last;
    while (first > 0 && periods[first - 1]!.down >= quorum) first--;
    const start = periods[Math.min(first + rounds - 1, last)]!.start;
    if (newest === undefined || start > newest) newest = start;
  }
  return newest;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * One core dependency's rounds since the anchor, newest first: a quorum down says failing; a quorum up says
 * up; a round with a down vote but no quorum either way says nothing yet and is not skipped (core may be
 * failing in it); a round with no down vote and too few regions in yet gives way to the one before it.
 */
function coreDependencyState(
  periods: readonly VotePeriod[],
  anchor: number,
  quorum: number,
): 'up' | 'failing' | 'unknown' {
  for (let i = periods.length - 1; i >= 0 && periods[i]!.start >= anchor; i--) {
    const p = periods[i]!;
    if (p.down >= quorum) return 'failing';
    if (p.samples - p.down >= quorum) return 'up';
    if (p.down > 0) return 'unknown';
  }
  return 'unknown';
}

/**
 * The verdict on core for a page about a partner whose alarm acted on the round at `anchor` (`partnerAnchor`):
 * healthy when every critical first-party dependency was seen up from a quorum of regions in that round or a
 * later one; failing when one was seen down from a quorum (core-outage will follow, or it was a blip and a
 * later round says so); else unknown (not arrived yet, or too few regions reported).
 */
export function coreVerdict(
  config: MonitorConfig,
  anchor: number | undefined,
  votes: VoteSeries,
): CoreVerdict {
  const core = coreDependencyIds(config);
  if (core.length === 0)
    return { state: 'healthy', detail: 'no critical first-party dependency is configured' };
  if (anchor === undefined)
    return { state: 'unknown', detail: 'no probe data shows the partner failing yet' };
  const { quorum } = config.policy;
  const waiting: string[] = [];
  for (const id of core) {
    const state = coreDependencyState(votes.get(id) ?? [], anchor, quorum);
    if (state === 'failing')
      return {
        state: 'failing',
        detail: `${id} was seen down from a quorum of regions since ${clock(anchor)}`,
      };
    if (state === 'unknown')
      waiting.push(`${id}: not yet seen up from ${quorum} regions since ${clock(anchor)}`);
  }
  if (waiting.length > 0) return { state: 'unknown', detail: waiting.join('; ') };
  return {
    state: 'healthy',
    detail: `every critical first-party dependency was seen up from a quorum of regions since ${clock(anchor)}`,
  };
}
