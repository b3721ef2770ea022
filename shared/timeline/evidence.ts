// Turns raw evidence into account inputs: page log records into page evidence, and probe samples
// over time (a rehearsal's per-region results) into onsets and recoveries.
import { incidentId, type PageLogRecord, type ResponseRecord } from '#shared/pages';
import type { PageEvidence, ProbeOnset, ProbeRecovery, ProbeState, ResponseEvidence } from './types.ts';

/** An ack, note or drill from the page log as account evidence (a drill's time is its start or stop). */
export function responseFromLogRecord(r: ResponseRecord): ResponseEvidence {
  return {
    at: new Date(r.at),
    kind: r.kind,
    by: r.by,
    via: r.via,
    ...(r.incident ? { incident: r.incident } : {}),
    ...(r.text !== undefined ? { text: r.text } : {}),
    ...(r.dependency ? { dependency: r.dependency } : {}),
    ...(r.regions && r.regions.length > 0 ? { regions: r.regions } : {}),
    ...(r.end ? { until: new Date(r.end) } : {}),
  };
}

/** A page log record (written by the notify function, or by the simulator) as account evidence. */
export function pageFromLogRecord(r: PageLogRecord): PageEvidence {
  return {
    at: new Date(r.at),
    kind: r.kind,
    resolved: r.resolved,
    severity: r.severity,
    dependencies: r.dependencies,
    failingRegions: r.failingRegions,
    outcome: r.outcome,
    ...(r.heldReason ? { heldReason: r.heldReason } : {}),
    ...(r.heldDetail ? { heldDetail: r.heldDetail } : {}),
    ...(r.flapping ? { flapping: true } : {}),
    alarmName: r.alarmName,
    incident: incidentId(r.alarmName, r.since ?? r.alarmTime),
    ...(r.route ? { route: r.route } : {}),
    ...(r.topicArn ? { topicArn: r.topicArn } : {}),
    ...(r.messageId ? { messageId: r.messageId } : {}),
    subject: r.subject,
    text: r.messages.email || r.messages.default,
    sms: r.messages.sms,
  };
}

/** One probe result of one dependency from one region at one moment. */
export interface ProbeSample {
  readonly at: Date;
  readonly dependency: string;
  readonly region: string;
  /** `silent`: the region reported nothing this round (its prober failed). */
  readonly status: 'up' | ProbeState;
  readonly reason?: string;
  readonly detail?: string;
}

/**
 * Walks each dependency × region series in time order: a change from up (or from another failing state)
 * to a failing state is an onset; a change back to up is a recovery. A series starts up.
 */
export function onsetsFromSamples(samples: readonly ProbeSample[]): {
  onsets: ProbeOnset[];
  recoveries: ProbeRecovery[];
} {
  return walkSamples(
    samples,
    (s) => s.at.getTime(),
    (s) => s.at,
  );
}

type SampleLike = Omit<ProbeSample, 'at'>;

/**
 * The walk behind onsetsFromSamples, over any sample shape: `time` orders them, `date` is called only for
 * the samples that change state (a day of 10-second rounds is millions of samples, a few hundred changes).
 */
export function walkSamples<S extends SampleLike>(
  samples: readonly S[],
  time: (s: S) => number,
  date: (s: S) => Date,
): { onsets: ProbeOnset[]; recoveries: ProbeRecovery[] } {
  const series = new Map<string, S[]>();
  for (const s of samples) {
    const key = `${s.dependency}\u0000${s.region}`;
    const list = series.get(key);
    if (list) list.push(s);
    else series.set(key, [s]);
  }
  const onsets: ProbeOnset[] = [];
  const recoveries: ProbeRecovery[] = [];
  for (const list of series.values()) {
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = time(list[i - 1]!) <= time(list[i]!);
    if (!sorted) list.sort((a, b) => time(a) - time(b));
    let prev: ProbeSample['status'] = 'up';
    for (const s of list) {
      if (s.status !== prev) {
        if (s.status === 'up') recoveries.push({ dependency: s.dependency, region: s.region, at: date(s) });
        else
          onsets.push({
            dependency: s.dependency,
            region: s.region,
            at: date(s),
            state: s.status,
            ...(s.reason ? { reason: s.reason } : {}),
            ...(s.detail ? { detail: s.detail } : {}),
          });
      }
      prev = s.status;
    }
  }
  return { onsets, recoveries };
}
