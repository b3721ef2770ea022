// Builds the incident account: merges alarm transitions, pages and probe onsets into events in time
// order, derives the resolution, and computes the figures (onset, detection, first page, resolution).
import { type Draft, incidentRows, incidentsOf, responseDraft } from './incidents.ts';
import { minutesBetween, stamp, zoneLabel } from './time.ts';
import type {
  Account,
  AccountInput,
  AlarmCatalog,
  AlarmTransition,
  EventKind,
  Figure,
  Figures,
  PageEvidence,
  ProbeOnset,
  ProbeRecovery,
  TimelineEvent,
} from './types.ts';

/** Alarm reasons can run to a kilobyte of datapoints; the summary keeps the start, `reason` keeps all. */
const SUMMARY_REASON_CHARS = 240;

/** Seconds from a rehearsal's start, one decimal. */
const secondsFrom = (start: Date, at: Date) => Math.round((at.getTime() - start.getTime()) / 100) / 10;

/** Order of kinds at the same instant: cause before effect. */
const KIND_ORDER: Readonly<Record<EventKind, number>> = {
  drill: -1,
  'probe-failing': 0,
  'probe-recovered': 1,
  alarm: 2,
  'page-held': 3,
  'page-sent': 4,
  resolution: 5,
  ack: 6,
  note: 7,
};

export function buildAccount(input: AccountInput): Account {
  const { config, window } = input;
  const alarms = input.alarms.filter((a) => inWindow(window, a.at));
  const drafts = evidenceDrafts(input, alarms);
  const notes = [...(input.notes ?? [])];
  addResolution(alarms, drafts, notes);
  drafts.sort((a, b) => a.time.getTime() - b.time.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const { figures, onset } = figuresOf(input, drafts, notes);
  notes.push(...emptinessNotes(input, drafts));
  const tz = config.timeZone;
  const { incidents, answered } = incidentsOf(drafts);
  const start = input.start;
  const events: TimelineEvent[] = drafts.map((d) => {
    const { time, ...rest } = d;
    const ids = answered.get(d);
    return {
      ...stamp(time, tz),
      ...(start ? { atSeconds: secondsFrom(start, time) } : {}),
      minutesFromOnset: onset ? minutesBetween(onset, time) : null,
      ...rest,
      ...(ids && ids.length > 0 ? { incidents: ids } : {}),
    };
  });
  return {
    title: `${input.origin === 'rehearsal' ? 'Rehearsal account' : 'Incident account'}: ${config.name}${input.scenario ? ` (${input.scenario})` : ''}`,
    monitor: config.name,
    origin: input.origin,
    ...(input.scenario ? { scenario: input.scenario } : {}),
    timeZone: tz,
    timeZoneLabel: zoneLabel(tz, window.from),
    window: { from: stamp(window.from, tz), to: stamp(window.to, tz) },
    ...(input.generatedAt ? { generatedAt: input.generatedAt.toISOString() } : {}),
    figures,
    incidents: incidentRows(incidents, tz, start ? (t) => secondsFrom(start, t) : undefined),
    events,
    notes,
  };
}

const inWindow = (window: AccountInput['window'], d: Date) =>
  d.getTime() >= window.from.getTime() && d.getTime() <= window.to.getTime();

/** One draft event per piece of evidence in the window: probe onsets and recoveries, alarms, pages. */
function evidenceDrafts(input: AccountInput, alarms: readonly AlarmTransition[]): Draft[] {
  const simulated = input.origin === 'rehearsal';
  const within = (d: Date) => inWindow(input.window, d);
  const catalog = new Map((input.alarmPlan?.alarms ?? []).map((a) => [a.name, a]));
  return [
    ...groupOnsets(input.onsets.filter((o) => within(o.at))).map((g) => onsetDraft(g, simulated)),
    ...groupRecoveries(input.recoveries.filter((r) => within(r.at))).map((g) => recoveryDraft(g, simulated)),
    ...alarms.filter(touchesAlarm).map((a) => alarmDraft(a, simulated, catalog.get(a.alarm))),
    ...groupBookkeeping(alarms.filter((a) => !touchesAlarm(a))).map((g) =>
      g.length === 1
        ? alarmDraft(g[0]!, simulated, catalog.get(g[0]!.alarm))
        : bookkeepingDraft(g, simulated),
    ),
    ...input.pages.filter((p) => within(p.at)).map((p) => pageDraft(p, simulated)),
    ...(input.responses ?? [])
      .filter((r) => within(r.at))
      .map((r) => responseDraft(r, simulated ? 'scenario' : 'page-log')),
  ];
}

/** The derived resolution event, or a note on why there is none (or why the incident began earlier). */
function addResolution(alarms: readonly AlarmTransition[], drafts: Draft[], notes: string[]): void {
  const res = resolution(alarms);
  if (res.firingAtStart.length > 0) {
    notes.push(
      `Already in ALARM when the window starts: ${res.firingAtStart.join(', ')}; the incident began before the window.`,
    );
  }
  if (res.at) {
    drafts.push({
      time: res.at,
      kind: 'resolution',
      source: 'derived',
      summary: `Resolved: every alarm that fired is out of ALARM (last: ${res.last})`,
      alarm: res.last,
    });
  } else if (res.stillAlarming.length > 0) {
    notes.push(`Not resolved within the window: still in ALARM at its end: ${res.stillAlarming.join(', ')}.`);
  }
}

/** Onset, detection, first page and resolution, from drafts in time order. */
function figuresOf(
  input: AccountInput,
  drafts: readonly Draft[],
  notes: string[],
): { figures: Figures; onset: Date | undefined } {
  // Onset: the first failing probe; without probe evidence, the first alarm stands in (and says so).
  const firstFailing = drafts.find((d) => d.kind === 'probe-failing');
  const firstAlarm = drafts.find((d) => d.kind === 'alarm' && d.to === 'ALARM');
  const onsetEvent = firstFailing ?? firstAlarm;
  const onset = onsetEvent?.time;
  if (!firstFailing && firstAlarm) {
    notes.push(
      'No failing probe recorded in the window: the onset is the first alarm, not the first failing probe.',
    );
  }
  const firstPage = drafts.find((d) => d.kind === 'page-sent' && !d.resolved);
  const resolutionDraft = drafts.find((d) => d.kind === 'resolution');
  const figure = (d: Draft | undefined, detail: (d: Draft) => string): Figure | null =>
    d
      ? {
          ...stamp(d.time, input.config.timeZone),
          ...(input.start ? { atSeconds: secondsFrom(input.start, d.time) } : {}),
          minutesFromOnset: onset ? minutesBetween(onset, d.time) : null,
          detail: detail(d),
        }
      : null;
  return {
    onset,
    figures: {
      onset: figure(onsetEvent, (d) => d.summary),
      detection: figure(firstAlarm, (d) => `first alarm: ${d.alarm}`),
      firstPage: figure(firstPage, (d) => `${d.severity} ${d.pageKind}: ${d.subject}`),
      resolution: figure(resolutionDraft, (d) => d.summary),
    },
  };
}

/** Notes for an account with nothing in it, or with held pages and none sent. */
function emptinessNotes(input: AccountInput, drafts: readonly Draft[]): string[] {
  const notes: string[] = [];
  if (drafts.length === 0) {
    notes.push(
      `Nothing recorded in the window: no alarm transition, no page sent or held, no failing probe between ${input.window.from.toISOString()} and ${input.window.to.toISOString()}.`,
    );
  }
  if (
    drafts.some((d) => d.kind === 'page-held') &&
    !drafts.some((d) => d.kind === 'page-sent' && !d.resolved)
  ) {
    notes.push('Pages were held back and none was sent in the window.');
  }
  return notes;
}

/**
 * The moment after which no alarm that fired in the window is in ALARM any more, up to the window's end.
 * Each alarm's state before the window is its first transition's `from`.
 */
function resolution(alarms: readonly AlarmTransition[]): {
  at?: Date;
  last?: string;
  stillAlarming: string[];
  firingAtStart: string[];
} {
  const sorted = [...alarms].sort((a, b) => a.at.getTime() - b.at.getTime());
  const state = new Map<string, string>();
  for (const a of sorted) if (!state.has(a.alarm)) state.set(a.alarm, a.from);
  const firingAtStart = [...state].filter(([, s]) => s === 'ALARM').map(([n]) => n);
  const fired = new Set(firingAtStart);
  let at: Date | undefined;
  let last: string | undefined;
  for (const a of sorted) {
    state.set(a.alarm, a.to);
    if (a.to === 'ALARM') {
      fired.add(a.alarm);
      at = undefined;
      last = undefined;
    } else if (fired.size > 0 && a.from === 'ALARM' && ![...state.values()].includes('ALARM')) {
      at = a.at;
      last = `${a.alarm} → ${a.to}`;
    }
  }
  const stillAlarming = [...state].filter(([, s]) => s === 'ALARM').map(([n]) => n);
  return { ...(at ? { at, last } : {}), stillAlarming, firingAtStart };
}

/** Transitions into or out of ALARM are each an event of their own; the rest is the monitor's bookkeeping. */
const touchesAlarm = (a: AlarmTransition) => a.from === 'ALARM' || a.to === 'ALARM';

/** Alarms leaving INSUFFICIENT_DATA together (after a deploy, at a rehearsal's start) are one event, not forty. */
function groupBookkeeping(alarms: readonly AlarmTransition[]): AlarmTransition[][] {
  const groups = new Map<string, AlarmTransition[]>();
  for (const a of alarms) {
    const key = `${a.at.getTime()}|${a.from}|${a.to}`;
    const g = groups.get(key);
    if (g) g.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.values()];
}

function bookkeepingDraft(group: readonly AlarmTransition[], simulated: boolean): Draft {
  const a = group[0]!;
  const names = group.map((g) => g.alarm);
  return {
    time: a.at,
    kind: 'alarm',
    source: simulated ? 'simulator' : 'alarm-history',
    summary: `${names.length} alarms: ${a.from} → ${a.to} (${names.join(', ')})`,
    alarms: names,
    from: a.from,
    to: a.to,
  };
}

/** Onsets of several dependencies seen at the same moment in the same way are one event (a platform failing whole). */
function groupOnsets(onsets: readonly ProbeOnset[]): ProbeOnset[][] {
  const groups = new Map<string, ProbeOnset[]>();
  for (const o of onsets) {
    const key = [o.at.getTime(), o.region, o.state, o.reason, o.failingRegions, o.reportingRegions].join('|');
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  }
  return [...groups.values()];
}

function groupRecoveries(recoveries: readonly ProbeRecovery[]): ProbeRecovery[][] {
  const groups = new Map<string, ProbeRecovery[]>();
  for (const r of recoveries) {
    const key = `${r.at.getTime()}|${r.region}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

const unique = (xs: readonly string[]) => [...new Set(xs)];
function onsetDraft(group: readonly ProbeOnset[], simulated: boolean): Draft {
  const o = group[0]!;
  const deps = unique(group.map((g) => g.dependency));
  const what = o.state === 'silent' ? 'stopped reporting' : `saw ${deps.join(', ')} ${o.state}`;
  // A detail (address, port) belongs to one dependency; a group shares only the reason code.
  const why = (group.length > 1 ? [o.reason] : [o.reason, o.detail]).filter(Boolean).join(': ');
  let summary: string;
  if (o.region !== undefined) {
    summary =
      o.state === 'silent'
        ? `Probe region ${o.region} stopped reporting (no results for ${deps.join(', ')})`
        : `First failing probe from ${o.region}: ${deps.join(', ')} ${o.state}${why ? ` (${why})` : ''}`;
  } else if (o.failingRegions !== undefined) {
    summary = `Probes failing in ${o.failingRegions} of ${o.reportingRegions ?? '?'} reporting regions: ${deps.join(', ')} ${o.state} (the shared metric does not say which regions)`;
  } else {
    summary = `A probe region ${what}`;
  }
  return {
    time: o.at,
    kind: 'probe-failing',
    source: simulated ? 'simulator' : 'probe-metrics',
    summary,
    dependencies: deps,
    ...(o.region !== undefined ? { region: o.region } : {}),
    state: o.state,
    ...(o.failingRegions !== undefined ? { failingRegions: o.failingRegions } : {}),
    ...(o.reportingRegions !== undefined ? { reportingRegions: o.reportingRegions } : {}),
    ...(why ? { reason: why } : {}),
  };
}

function recoveryDraft(group: readonly ProbeRecovery[], simulated: boolean): Draft {
  const r = group[0]!;
  const deps = unique(group.map((g) => g.dependency));
  return {
    time: r.at,
    kind: 'probe-recovered',
    source: simulated ? 'simulator' : 'probe-metrics',
    summary:
      r.region !== undefined
        ? `Probes from ${r.region} pass again: ${deps.join(', ')}`
        : `No probe region sees ${deps.join(', ')} failing any more`,
    dependencies: deps,
    ...(r.region !== undefined ? { region: r.region } : {}),
  };
}

function alarmDraft(a: AlarmTransition, simulated: boolean, spec?: AlarmCatalog['alarms'][number]): Draft {
  const reason = a.reason?.trim();
  const pages = spec?.pageKind ? `, pages ${spec.pageKind}` : '';
  const short =
    reason && reason.length > SUMMARY_REASON_CHARS ? `${reason.slice(0, SUMMARY_REASON_CHARS - 1)}…` : reason;
  return {
    time: a.at,
    kind: 'alarm',
    source: simulated ? 'simulator' : 'alarm-history',
    summary: `Alarm ${a.alarm}${pages}: ${a.from} → ${a.to}${short ? ` (${short})` : ''}`,
    alarm: a.alarm,
    from: a.from,
    to: a.to,
    ...(reason ? { reason } : {}),
    ...(spec && spec.dependencies.length > 0 ? { dependencies: [...spec.dependencies] } : {}),
    ...(spec?.region ? { region: spec.region } : {}),
    ...(spec?.pageKind ? { pageKind: spec.pageKind } : {}),
  };
}

function pageDraft(p: PageEvidence, simulated: boolean): Draft {
  const label = `${p.severity} ${p.kind}${p.resolved && p.kind !== 'resolved' ? ' resolved' : ''}${p.flapping ? ' (flapping)' : ''} page`;
  const where = p.route ? ` to ${p.route}` : '';
  const why = [p.heldReason, p.heldDetail].filter(Boolean).join(': ');
  const summary =
    p.outcome === 'sent'
      ? `${label} sent${where}: ${p.subject}`
      : `${label} held back${why ? ` (${why})` : ''}: ${p.subject}`;
  return {
    time: p.at,
    kind: p.outcome === 'sent' ? 'page-sent' : 'page-held',
    source: simulated ? 'simulator' : 'page-log',
    summary,
    dependencies: [...p.dependencies],
    ...(p.failingRegions && p.failingRegions.length > 0 ? { regions: [...p.failingRegions] } : {}),
    ...(p.alarmName ? { alarm: p.alarmName } : {}),
    ...(p.incident ? { incidents: [p.incident] } : {}),
    pageKind: p.kind,
    resolved: p.resolved,
    severity: p.severity,
    subject: p.subject,
    ...(p.text !== undefined ? { text: p.text } : {}),
    ...(p.sms !== undefined ? { sms: p.sms } : {}),
    ...(p.heldReason ? { heldReason: p.heldReason } : {}),
    ...(p.heldDetail ? { heldDetail: p.heldDetail } : {}),
    ...(p.flapping ? { flapping: true } : {}),
    ...(p.route ? { route: p.route } : {}),
    ...(p.topicArn ? { topicArn: p.topicArn } : {}),
    ...(p.messageId ? { messageId: p.messageId } : {}),
  };
}
