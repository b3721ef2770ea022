// Types of the paging core: the CloudWatch alarm message it reads, the context it runs in, the state it keeps.

import type { AlarmPlan, AlarmState } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import type { VoteSeries } from './core-evidence.ts';
import type { PageLogRecord } from './log.ts';

/**
 * The JSON message CloudWatch publishes to SNS when an alarm changes state (the `Message` of the SNS
 * notification; shape as documented in the CloudWatch User Guide, "Alarm events and Amazon SNS").
 * Metric alarms carry `Trigger`; composite alarms carry `AlarmRule` and `TriggeringChildren`.
 */
export interface AlarmStateChangeMessage {
  readonly AlarmName: string;
  readonly AlarmDescription?: string | null;
  readonly AWSAccountId?: string;
  readonly AlarmConfigurationUpdatedTimestamp?: string;
  readonly NewStateValue: AlarmState;
  readonly NewStateReason?: string;
  /** e.g. "2026-11-26T02:06:13.145+0000". */
  readonly StateChangeTime: string;
  /** Region's long name, e.g. "Asia Pacific (Seoul)". */
  readonly Region?: string;
  readonly AlarmArn?: string;
  readonly OldStateValue: AlarmState;
  readonly OKActions?: readonly string[];
  readonly AlarmActions?: readonly string[];
  readonly InsufficientDataActions?: readonly string[];
  readonly Trigger?: {
    readonly MetricName?: string;
    readonly Namespace?: string;
    readonly StatisticType?: string;
    readonly Statistic?: string;
    readonly Unit?: string | null;
    readonly Dimensions?: readonly { readonly name: string; readonly value: string }[];
    readonly Period?: number;
    readonly EvaluationPeriods?: number;
    readonly DatapointsToAlarm?: number;
    readonly ComparisonOperator?: string;
    readonly Threshold?: number;
    readonly TreatMissingData?: string;
  };
  readonly AlarmRule?: string;
  readonly TriggeringChildren?: readonly {
    readonly Arn: string;
    readonly State: { readonly Value: AlarmState; readonly Timestamp: string };
  }[];
}

/** What paging remembers about one alarm that pages (a "subject"), between invocations. */
export interface SubjectState {
  readonly alarmName: string;
  /** Last alarm state seen (ALARM or OK). */
  readonly lastState: AlarmState;
  /** `<AlarmName>#<StateChangeTime>` of the last event handled: a repeat is a duplicate delivery. */
  readonly lastEventKey?: string;
  /** The last few event keys handled (SNS may redeliver an older one after a newer). */
  readonly recentEvents?: readonly string[];
  /** An incident is open: an ALARM was handled and its resolved is not out yet. */
  readonly open: boolean;
  /** The open incident's ALARM page went out (or was muted by maintenance, whose resolved still goes out). */
  readonly paged: boolean;
  /** First ALARM of the open incident (ISO). */
  readonly since?: string;
  /** ALARM/OK transition times (ISO) within the flap window. */
  readonly transitions: readonly string[];
  /** The open incident is flapping: its resolved waits for `policy.stableMinutes` of OK. */
  readonly flapping: boolean;
  /** The flapping notice went out for this incident. */
  readonly flapNoticeSent: boolean;
  /** OK seen while open: the resolved is due once OK has held this long (ISO of the OK transition). */
  readonly pendingResolveSince?: string;
  /** Dependencies and failing regions of the open incident, for its resolved page. */
  readonly dependencies?: readonly string[];
  readonly failingRegions?: readonly string[];
  /**
   * Why the open incident's ALARM page has not gone out yet: `core-outage` (an external or third-party
   * degraded page held while core is down). Released while the alarm is still in ALARM once the hold clears.
   */
  readonly heldFor?: 'core-outage' | 'core-evidence';
  /**
   * When an external page began waiting for core's evidence (`heldFor: 'core-evidence'`, ISO): it goes out once
   * the probes' data shows core up, or after `coreEvidenceMaxWaitMs` without the "core healthy" claim.
   */
  readonly heldSince?: string;
  /**
   * The partner's round (ISO of its period start) core must be seen up at or after, fixed when first found
   * during the wait (`partnerAnchor`), so the evidence asked for does not move on with the partner's later rounds.
   */
  readonly evidenceAnchor?: string;
  /** The ALARM page was muted by this maintenance window: paged when the window ends and it is still in ALARM. */
  readonly mutedBy?: string;
  /**
   * An OK arrived (or a resolved came due) while the probes watching the incident could not form a quorum:
   * not a recovery. The resolved settles only once they see again (ISO of when the blindness was found).
   */
  readonly blindSince?: string;
  /** When the settling recovery began (ISO): the resolved reports it; `pendingResolveSince` may be later. */
  readonly recoveredAt?: string;
}

/** Where paging keeps its state: DynamoDB in the notify function, a Map in the simulator. */
export interface PageStateStore {
  get(alarmName: string): Promise<SubjectState | undefined>;
  put(state: SubjectState): Promise<void>;
  /** Every stored subject (for the periodic tick that sends due resolves). */
  list(): Promise<SubjectState[]>;
}

/** Where each failing dependency is failing right now, as far as the caller knows. */
export interface FailingEvidence {
  /** Probe regions that saw it down in the latest period (named when known: the simulator knows). */
  readonly regions?: readonly string[];
  /** How many regions saw it down (the Down metric's Sum) when the names are not known. */
  readonly count?: number;
  /** Probe regions that saw it degraded in the latest period (named when known). */
  readonly degradedRegions?: readonly string[];
  /** Reason codes of the not-up results (e.g. SLOW, CERT_EXPIRING, PARTIAL_ADDRESSES), when known. */
  readonly reasons?: readonly string[];
  /**
   * How many probe regions voted on it in the latest period (the Down metric's SampleCount over the rounds),
   * when known. Fewer than the quorum: an OK is no recovery, the probes cannot see.
   */
  readonly reporting?: number;
}

export interface PagingContext {
  readonly config: MonitorConfig;
  readonly plan: AlarmPlan;
  readonly store: PageStateStore;
  /** The current time (the simulator's clock, or Date.now() in notify). */
  readonly now: Date;
  /**
   * Current state of any depmon alarm by name (notify: DescribeAlarms; simulator: its own states).
   * Used for: core-outage (hold external pages), which group members are down, blind regions.
   */
  readonly alarmState: (alarmName: string) => AlarmState | undefined;
  /** Failing regions per dependency id, when known. */
  readonly failing?: (dependency: string) => FailingEvidence | undefined;
  /**
   * When an alarm entered its current state (notify: DescribeAlarms' StateUpdatedTimestamp; simulator: its
   * transitions). Pages say when a partner started failing and when it recovered from these, not from when
   * a held page was released. Undefined: not known (the page falls back to the event's time).
   */
  readonly alarmChangedAt?: (alarmName: string) => Date | undefined;
  /**
   * The `Status` votes of these dependencies as CloudWatch has them now, one round per period, oldest first
   * (notify: GetMetricData; simulator: its datapoint store at its clock). An external-outage page waits for
   * them to show core up (`coreVerdict`). Undefined: no source, and external pages rest on the alarms alone.
   */
  readonly votes?: (dependencies: readonly string[]) => Promise<VoteSeries>;
  /**
   * Whether this run may release pages waiting for core's evidence (default true). The simulator's per-round
   * tick sets it false outside the windows in which the notify function would be polling, so a rehearsal
   * releases them no sooner than AWS would.
   */
  readonly releaseEvidence?: boolean;
}

export interface PagingResult {
  /**
   * One record per route for pages to send (`outcome: 'sent'`, no messageId/topicArn yet: the caller
   * publishes and fills them in) and one per page held back (`outcome: 'held'`, with heldReason).
   */
  readonly records: readonly PageLogRecord[];
}
