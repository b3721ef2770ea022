// The incident account as data: its inputs (alarm transitions, page log records, probe onsets and
// recoveries) and its output (events in time order plus the figures a regulator asks for first).
import type { MonitorConfig } from '#shared/config';

/** Where an event's evidence came from. */
export type EventSource = 'alarm-history' | 'page-log' | 'probe-metrics' | 'simulator' | 'derived';

/** What an event records. */
export type EventKind =
  | 'probe-failing' // the first failing probe of a region (an episode's start, per dependency)
  | 'probe-recovered' // the first passing probe after failing, per dependency and region
  | 'alarm' // an alarm state transition
  | 'page-sent' // a page published to an on-call topic (its text included)
  | 'page-held' // a page the notify function held back (why included)
  | 'resolution'; // every alarm that fired is back out of ALARM

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
  readonly route?: string;
  readonly topicArn?: string;
  readonly messageId?: string;
  readonly subject: string;
  /** Full text (email / default form). */
  readonly text?: string;
  readonly sms?: string;
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
  readonly events: readonly TimelineEvent[];
  readonly notes: readonly string[];
}
