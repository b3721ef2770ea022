// The incident account as data: its inputs (alarm transitions, page log records, probe onsets and
// recoveries) and its output (events in time order plus the figures a regulator asks for first).
import type { MonitorConfig } from '#shared/config';

/** Where an event's evidence came from. */
export type EventSource =
  | 'alarm-history'
  | 'page-log'
  | 'probe-metrics'
  | 'simulator'
  /** A rehearsal's scripted response (the scenario file's `response:`). */
  | 'scenario'
  | 'derived';

/** What an event records. */
export type EventKind =
  | 'probe-failing' // the first failing probe of a region (an episode's start, per dependency)
  | 'probe-recovered' // the first passing probe after failing, per dependency and region
  | 'alarm' // an alarm state transition
  | 'page-sent' // a page published to an on-call topic (its text included)
  | 'page-held' // a page the notify function held back (why included)
  | 'resolution' // every alarm that fired is back out of ALARM
  | 'ack' // on-call acknowledged an incident (the page's link, `depmon ack`, a scenario's response)
  | 'note' // on-call recorded an action (`depmon note`, a scenario's response)
  | 'drill'; // a drill started or stopped (`depmon drill`)

/** What a probe region saw at an onset. `silent`: the region stopped reporting (its prober failed). */
export type ProbeState = 'down' | 'degraded' | 'silent';

/** One alarm state change (CloudWatch alarm history "StateUpdate", or the simulator's evaluator). */
export interface AlarmTransition {
  readonly alarm: string;
  readonly at: Date;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
}

/** The part of an alarm plan the account reads. */
export interface AlarmCatalog {
  readonly alarms: readonly {
    readonly name: string;
    readonly description?: string;
    readonly pageKind?: string;
    readonly dependencies: readonly string[];
    readonly region?: string;
  }[];
}

/** The first failing probe of an episode, per dependency and (when known) per region. */
export interface ProbeOnset {
  readonly dependency: string;
  /** The probe region. Undefined when the evidence cannot say (shared metrics record counts, not regions). */
  readonly region?: string;
  readonly at: Date;
  readonly state: ProbeState;
  /** How many regions saw it failing at that moment, when known (from metrics). */
  readonly failingRegions?: number;
  /** How many regions reported at that moment, when known (from metrics). */
  readonly reportingRegions?: number;
  /** Probe reason code (e.g. `TIMEOUT`) and human detail, when known. */
  readonly reason?: string;
  readonly detail?: string;
}

/** The first passing probe after an episode, per dependency and (when known) region. */
export interface ProbeRecovery {
  readonly dependency: string;
  readonly region?: string;
  readonly at: Date;
}

/**
 * A page sent or held back, as the account needs it: a page log record (`pageFromLogRecord`) or a
 * simulator page. `kind` is the page kind (`external-outage`, …); `resolved` marks its resolved form.
 */
export interface PageEvidence {
  readonly at: Date;
  readonly kind: string;
  readonly resolved: boolean;
  readonly severity: string;
  readonly dependencies: readonly string[];
  readonly failingRegions?: readonly string[];
  readonly outcome: 'sent' | 'held';
  readonly heldReason?: string;
  readonly heldDetail?: string;
  /** The page said the dependency is flapping (paged once, resolves only once stable). */
  readonly flapping?: boolean;
  readonly alarmName?: string;
  /** The incident the page belongs to (#shared/pages incidentId of its alarm and `since`), when known. */
  readonly incident?: string;
  readonly route?: string;
  readonly topicArn?: string;
  readonly messageId?: string;
  readonly subject: string;
  /** Full text (email / default form). */
  readonly text?: string;
  readonly sms?: string;
}

/**
 * What people did: an acknowledgement, a note of an action, a drill started or stopped. From the page log
 * (the ack link, `depmon ack`, `depmon note`, `depmon drill`) or a scenario's `response:`.
 */
export interface ResponseEvidence {
  readonly at: Date;
  readonly kind: 'ack' | 'note' | 'drill-start' | 'drill-stop';
  /** Who: the caller's identity (`depmon ack`), the name `--by` gave, or the scenario's `by`. */
  readonly by: string;
  /** The incident it answers; without one it answers every incident open at that moment. */
  readonly incident?: string;
  /** A note's text. */
  readonly text?: string;
  /** How it arrived: `link`, `cli`, `scenario`, or a vendor channel's name. */
  readonly via?: string;
  /** A drill's dependency, regions and end. */
  readonly dependency?: string;
  readonly regions?: readonly string[];
  readonly until?: Date;
}

/** Everything the account is built from. All times are instants; the account renders them in UTC and `config.timeZone`. */
export interface AccountInput {
  readonly config: Pick<MonitorConfig, 'name' | 'timeZone' | 'probeRegions'>;
  /** The period the account covers; evidence outside it is left out. */
  readonly window: { readonly from: Date; readonly to: Date };
  /** `aws`: read from what AWS recorded; `rehearsal`: a simulator run. */
  readonly origin: 'aws' | 'rehearsal';
  /** t = 0 for `atSeconds` (a rehearsal's scenario start). Without it events carry no `atSeconds`. */
  readonly start?: Date;
  readonly scenario?: string;
  readonly alarms: readonly AlarmTransition[];
  /** What each alarm is about (#shared/alarms buildAlarmPlan(config) fits): adds its dependencies and
   *  page kind to its transitions. Alarms not in it (deleted since, renamed) are shown by name only. */
  readonly alarmPlan?: AlarmCatalog;
  readonly pages: readonly PageEvidence[];
  readonly onsets: readonly ProbeOnset[];
  readonly recoveries: readonly ProbeRecovery[];
  /** Acknowledgements, notes and drills. @default none */
  readonly responses?: readonly ResponseEvidence[];
  /** Caveats the reader must see (incomplete data, what the evidence cannot say). */
  readonly notes?: readonly string[];
  /** When the account was produced. @default now is not read: omitted from the output */
  readonly generatedAt?: Date;
}

/** An instant as the account shows it. */
export interface Stamp {
  /** ISO 8601, UTC (`2022-10-15T06:30:00.000Z`). */
  readonly at: string;
  /** The same instant in the config's time zone (`2022-10-15 15:30:00 KST`). */
  readonly local: string;
}

export interface TimelineEvent extends Stamp {
  /** Seconds from the scenario's start (rehearsals only). */
  readonly atSeconds?: number;
  /** Minutes from the onset figure, one decimal; null when the account has no onset. */
  readonly minutesFromOnset: number | null;
  readonly kind: EventKind;
  readonly source: EventSource;
  /** One line a reader can follow without the other fields. */
  readonly summary: string;
  readonly dependencies?: readonly string[];
  readonly region?: string;
  readonly regions?: readonly string[];
  readonly state?: ProbeState;
  readonly failingRegions?: number;
  readonly reportingRegions?: number;
  readonly reason?: string;
  readonly alarm?: string;
  /** The incident an ack or note answers (page events: the incident the page opened or closed). */
  readonly incidents?: readonly string[];
  /** Who acknowledged, noted or ran a drill. */
  readonly by?: string;
  /** How an ack or note arrived (`link`, `cli`, `scenario`, a vendor channel). */
  readonly via?: string;
  /** Several alarms making the same bookkeeping transition at once (OK ↔ INSUFFICIENT_DATA): their names. */
  readonly alarms?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly pageKind?: string;
  readonly resolved?: boolean;
  readonly severity?: string;
  readonly subject?: string;
  /** The full text as sent (email / default form). */
  readonly text?: string;
  /** The SMS text as sent. */
  readonly sms?: string;
  readonly heldReason?: string;
  readonly heldDetail?: string;
  readonly flapping?: boolean;
  readonly route?: string;
  readonly topicArn?: string;
  readonly messageId?: string;
}

export type FigureName = 'onset' | 'detection' | 'firstPage' | 'resolution';

export interface Figure extends Stamp {
  /** Seconds from the scenario's start (rehearsals only). */
  readonly atSeconds?: number;
  /** Null when the window holds no onset (e.g. the incident began before it). */
  readonly minutesFromOnset: number | null;
  /** What the figure is taken from (e.g. the alarm's name). */
  readonly detail: string;
}

/** The four figures at the top; null when the window holds no such moment. */
export type Figures = { readonly [K in FigureName]: Figure | null };

/** One moment of an incident's row in the summary table, with where the evidence came from. */
export interface IncidentMoment extends Stamp {
  readonly atSeconds?: number;
  /** Minutes after the incident's first page. */
  readonly minutesAfterPage: number;
  readonly source: EventSource;
  /** What it was (the page's subject, who acknowledged, the note's text, the resolved page). */
  readonly detail: string;
}

/**
 * One incident: a page that opened it (the first page of an alarm, until that alarm's resolved page), and the
 * response to it. `minutesToAcknowledge` and `minutesToFirstAction` count from the first page.
 */
export interface Incident {
  /** The incident id (#shared/pages incidentId: the alarm and when it fired), as acks and notes name it. */
  readonly id: string;
  readonly alarm: string;
  readonly pageKind: string;
  readonly severity: string;
  readonly dependencies: readonly string[];
  readonly firstPage: IncidentMoment;
  readonly acknowledged: IncidentMoment | null;
  /** The first action noted (a fallback switched, customers told). */
  readonly firstAction: IncidentMoment | null;
  readonly resolution: IncidentMoment | null;
  readonly minutesToAcknowledge: number | null;
  readonly minutesToFirstAction: number | null;
}

export interface Account {
  readonly title: string;
  readonly monitor: string;
  readonly origin: 'aws' | 'rehearsal';
  readonly scenario?: string;
  readonly timeZone: string;
  /** Short label of the time zone (`KST`, `UTC`, or `GMT+9` where no abbreviation is known). */
  readonly timeZoneLabel: string;
  readonly window: { readonly from: Stamp; readonly to: Stamp };
  readonly generatedAt?: string;
  readonly figures: Figures;
  /** The incidents paged in the window and the response to each, in order of their first page. */
  readonly incidents: readonly Incident[];
  readonly events: readonly TimelineEvent[];
  readonly notes: readonly string[];
}
