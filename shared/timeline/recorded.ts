// The account of a real incident from what AWS recorded, minus the reading: which alarms are depmon's,
// what CloudWatch still keeps of the window (and the notes that say what is missing), and probe onsets
// from the shared `Down` metric's per-period counts. aws/timeline.ts reads; this decides.
import { type AlarmPlan, buildAlarmPlan } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import type { ProbeOnset, ProbeRecovery } from './types.ts';

const DAY_MS = 86_400_000;
/** CloudWatch keeps alarm history for 30 days (CloudWatch user guide, "Viewing alarm history"). */
export const ALARM_HISTORY_RETENTION_DAYS = 30;
/** Metric retention by period (CloudWatch concepts, "Metric retention"): under 60 s for 3 hours, 60 s for
 *  15 days, 300 s for 63 days, 3600 s for 455 days. */
export const METRIC_RETENTION = [
  { maxAgeMs: 3 * 3_600_000, minPeriod: 1 },
  { maxAgeMs: 15 * DAY_MS, minPeriod: 60 },
  { maxAgeMs: 63 * DAY_MS, minPeriod: 300 },
  { maxAgeMs: 455 * DAY_MS, minPeriod: 3600 },
] as const;
/** The roles in depmon's alarm names (`<config.name>-<role>-…`, see #shared/alarms alarmNames). */
const ALARM_ROLES = ['down', 'degraded', 'heartbeat', 'blind', 'core-outage', 'external-outage'] as const;

export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

/** The alarm plan the home stack renders from this config: the exact names, and what each is about. */
export function alarmPlanOf(config: MonitorConfig): AlarmPlan | undefined {
  try {
    return buildAlarmPlan(config);
  } catch {
    return undefined; // a config past CloudWatch's limits cannot have been deployed as is: match by name
  }
}

/** Which alarm names the account reads: those starting with `prefix` when given, else depmon's own. */
export function alarmFilter(
  config: MonitorConfig,
  prefix: string | undefined,
  plan: AlarmPlan | undefined,
): (name: string) => boolean {
  if (prefix !== undefined) return (n) => n.startsWith(prefix);
  const names = new Set(plan?.alarms.map((a) => a.name));
  // Alarms of an earlier version of the config are no longer in the plan: match depmon's naming scheme.
  // The role after the name keeps "bank" from also reading the alarms of a config named "bank-eu".
  const re = new RegExp(`^${escapeRe(config.name)}-(${ALARM_ROLES.map(escapeRe).join('|')})(-|$)`);
  return (n) => names.has(n) || re.test(n);
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An alarm in ALARM since before the window has no transition in it: the account must still say so. */
export function alarmsAlreadyFiring(
  current: readonly { readonly name: string; readonly state?: string; readonly since?: Date }[],
  from: Date,
): string[] {
  const firing = current.filter((a) => a.state === 'ALARM' && a.since && a.since.getTime() < from.getTime());
  return firing.length === 0
    ? []
    : [
        `In ALARM since before the window and still now: ${firing.map((a) => `${a.name} (since ${a.since!.toISOString()})`).join(', ')}.`,
      ];
}

/** Whether any of the window's alarm history is still kept, and the notes on what is not. */
export function alarmHistoryCoverage(window: TimeWindow, now: Date): { read: boolean; notes: string[] } {
  const kept = new Date(now.getTime() - ALARM_HISTORY_RETENTION_DAYS * DAY_MS);
  if (window.to.getTime() < kept.getTime()) {
    return {
      read: false,
      notes: [
        `Alarm history is kept ${ALARM_HISTORY_RETENTION_DAYS} days: the whole window is older, so no alarm transition is in this account (alarm history missing).`,
      ],
    };
  }
  if (window.from.getTime() < kept.getTime()) {
    return {
      read: true,
      notes: [
        `Alarm history is kept ${ALARM_HISTORY_RETENTION_DAYS} days: alarm transitions before ${kept.toISOString()} are missing from this account.`,
      ],
    };
  }
  return { read: true, notes: [] };
}

/**
 * The period to read metrics at: the probe interval where CloudWatch still keeps it, coarser where the
 * window reaches back further. Undefined when the window starts beyond every retention tier.
 */
export function metricPeriod(intervalSeconds: number, ageMs: number): number | undefined {
  const tier = METRIC_RETENTION.find((t) => ageMs <= t.maxAgeMs);
  if (!tier) return undefined;
  // GetMetricData takes 1, 5, 10, 20, 30 or a multiple of 60 s; a period must hold whole rounds.
  const valid = [10, 20, 30, 60].find((p) => p >= tier.minPeriod && p % intervalSeconds === 0) ?? 60;
  return Math.max(valid, tier.minPeriod);
}

/** The period to read the window's probe metrics at (none when nothing is kept), and the notes on it. */
export function probeMetricCoverage(
  intervalSeconds: number,
  window: TimeWindow,
  now: Date,
): { period?: number; notes: string[] } {
  const period = metricPeriod(intervalSeconds, now.getTime() - window.from.getTime());
  if (period === undefined) {
    return {
      notes: [
        'Probe metrics are kept 455 days: the window is older, so there is no probe evidence in this account (probe onsets missing).',
      ],
    };
  }
  const notes: string[] = [];
  if (period > Math.max(60, intervalSeconds)) {
    notes.push(
      `Probe metrics at 1-minute resolution are kept 15 days (5-minute 63 days, 1-hour 455 days): this window is read at ${period / 60}-minute periods, so probe onsets are accurate to ${period / 60} minutes.`,
    );
  }
  notes.push(
    `Probe onsets come from the shared Down metric (${period} s periods): it records how many probe regions saw a failure, not which; each probe-failing event is the first period in which that many regions failed.`,
  );
  return { period, notes };
}

/**
 * Onsets and recoveries from the `Down` series (per dependency, per period start: Sum = failing
 * region-rounds, SampleCount = reporting region-rounds). The account can say how many regions saw a
 * failure and when that number grew, but not which regions.
 */
export function onsetsFromDownCounts(
  series: ReadonlyMap<string, ReadonlyMap<number, { readonly sum: number; readonly count: number }>>,
  roundsPerPeriod: number,
): { onsets: ProbeOnset[]; recoveries: ProbeRecovery[] } {
  const onsets: ProbeOnset[] = [];
  const recoveries: ProbeRecovery[] = [];
  for (const [dependency, s] of series) {
    let worst = 0; // most regions failing so far in the current episode
    for (const [t, { sum, count }] of [...s].sort((a, b) => a[0] - b[0])) {
      if (count === 0) continue; // nobody reported: not evidence either way
      const failing = Math.ceil(sum / roundsPerPeriod - 1e-9);
      const reporting = Math.max(failing, Math.round(count / roundsPerPeriod));
      if (failing > worst) {
        onsets.push({
          dependency,
          at: new Date(t),
          state: 'down',
          failingRegions: failing,
          reportingRegions: reporting,
        });
        worst = failing;
      } else if (failing === 0 && worst > 0) {
        recoveries.push({ dependency, at: new Date(t) });
        worst = 0;
      }
    }
  }
  return { onsets, recoveries };
}

/** Notes that say the account is incomplete: the CLI repeats them on stderr. */
export const isIncompleteNote = (n: string) => /kept|missing|no probe evidence/i.test(n);
