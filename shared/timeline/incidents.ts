// The response in the account: acknowledgements, notes and drills as events, and the incidents table (first
// page, acknowledgement, first action, resolution, each with its source; time-to-acknowledge and
// time-to-first-action counted from the first page).
import { incidentId } from '#shared/pages';
import { minutesBetween, stamp } from './time.ts';
import type { EventSource, Incident, IncidentMoment, ResponseEvidence, TimelineEvent } from './types.ts';

/** An event before its stamps: what build.ts sorts and this reads. */
export type Draft = Omit<TimelineEvent, 'at' | 'local' | 'atSeconds' | 'minutesFromOnset'> & {
  readonly time: Date;
};

/** One draft per acknowledgement, note or drill. */
export function responseDraft(r: ResponseEvidence, source: EventSource): Draft {
  const who = r.by || 'unknown';
  const via = r.via ? ` via ${r.via}` : '';
  const common = {
    time: r.at,
    source,
    by: who,
    ...(r.via ? { via: r.via } : {}),
    ...(r.incident ? { incidents: [r.incident] } : {}),
  };
  switch (r.kind) {
    case 'ack':
      return {
        ...common,
        kind: 'ack',
        summary: `Acknowledged by ${who}${via}${r.incident ? ` (${r.incident})` : ''}`,
      };
    case 'note':
      return {
        ...common,
        kind: 'note',
        summary: `Note by ${who}${via}: ${r.text ?? ''}`,
        ...(r.text ? { text: r.text } : {}),
      };
    default:
      return drillDraft(r, common);
  }
}

function drillDraft(r: ResponseEvidence, common: Omit<Draft, 'kind' | 'summary'>): Draft {
  const where = r.regions && r.regions.length > 0 ? `in ${r.regions.join(', ')}` : 'in every probe region';
  const summary =
    r.kind === 'drill-start'
      ? `[DRILL] started by ${common.by}: probes report ${r.dependency} failing (reason DRILL) ${where} until ${r.until?.toISOString() ?? '?'}`
      : `[DRILL] stopped by ${common.by}: ${r.dependency}`;
  return {
    ...common,
    kind: 'drill',
    summary,
    ...(r.dependency ? { dependencies: [r.dependency] } : {}),
    ...(r.regions && r.regions.length > 0 ? { regions: [...r.regions] } : {}),
  };
}

interface Open {
  readonly id: string;
  readonly page: Draft;
  ack?: Draft;
  action?: Draft;
  resolution?: Draft;
}

/**
 * Walks drafts in time order: an alarm's first page sent opens its incident, its resolved page closes it.
 * An ack or note names its incident, or (a scenario's, which need not) answers every incident open at that
 * moment, else the latest one opened. Returns the incidents and, per ack or note, the incidents it answered.
 */
export function incidentsOf(drafts: readonly Draft[]): { incidents: Open[]; answered: Map<Draft, string[]> } {
  const all: Open[] = [];
  const open = new Map<string, Open>();
  const answered = new Map<Draft, string[]>();
  for (const d of drafts) {
    if (d.kind === 'page-sent' && d.alarm) {
      const current = open.get(d.alarm);
      if (!d.resolved && !current) {
        const inc: Open = { id: d.incidents?.[0] ?? incidentId(d.alarm, d.time.toISOString()), page: d };
        open.set(d.alarm, inc);
        all.push(inc);
      } else if (d.resolved && current) {
        current.resolution = d;
        open.delete(d.alarm);
      }
    } else if (d.kind === 'ack' || d.kind === 'note') {
      const targets = targetsOf(d, all, open);
      for (const t of targets) {
        if (d.kind === 'ack') t.ack ??= d;
        else t.action ??= d;
      }
      answered.set(
        d,
        targets.map((t) => t.id),
      );
    }
  }
  return { incidents: all, answered };
}

function targetsOf(d: Draft, all: readonly Open[], open: ReadonlyMap<string, Open>): Open[] {
  const named = d.incidents ?? [];
  if (named.length > 0) return all.filter((i) => named.includes(i.id));
  if (open.size > 0) return [...open.values()];
  const latest = all[all.length - 1];
  return latest ? [latest] : [];
}

/** The incidents table's rows, stamped. */
export function incidentRows(
  opens: readonly Open[],
  timeZone: string,
  secondsFrom: ((at: Date) => number) | undefined,
): Incident[] {
  return opens.map((o) => {
    const first = o.page.time;
    const moment = (d: Draft | undefined, detail: (d: Draft) => string): IncidentMoment | null =>
      d
        ? {
            ...stamp(d.time, timeZone),
            ...(secondsFrom ? { atSeconds: secondsFrom(d.time) } : {}),
            minutesAfterPage: minutesBetween(first, d.time),
            source: d.source,
            detail: detail(d),
          }
        : null;
    const firstPage = moment(o.page, (d) => `${d.severity} ${d.pageKind}: ${d.subject}`)!;
    const acknowledged = moment(o.ack, (d) => `by ${d.by}${d.via ? ` via ${d.via}` : ''}`);
    const firstAction = moment(o.action, (d) => `${d.by}: ${d.text ?? ''}`);
    const resolution = moment(o.resolution, (d) => d.subject ?? d.summary);
    return {
      id: o.id,
      alarm: o.page.alarm ?? '',
      pageKind: o.page.pageKind ?? '',
      severity: o.page.severity ?? '',
      dependencies: o.page.dependencies ?? [],
      firstPage,
      acknowledged,
      firstAction,
      resolution,
      minutesToAcknowledge: acknowledged?.minutesAfterPage ?? null,
      minutesToFirstAction: firstAction?.minutesAfterPage ?? null,
    };
  });
}
