// The page log: one record per page the notify function sent or held back. It is the evidence
// `depmon timeline` reads, and the simulator writes the same records for a rehearsal. Plain data:
// its DynamoDB form (key schema, marshalling) is aws/page-log.ts.
import type { PageKind, Tier } from '#shared/config';

export type PageOutcome = 'sent' | 'held';
/** Why a page was not sent. */
export type HeldReason =
  | 'core-outage'
  | 'maintenance'
  | 'duplicate'
  | 'flapping'
  | 'no-route'
  /** An ALARM for an incident already paged and not yet resolved (e.g. after a suppressed OK). */
  | 'already-open'
  /** A resolved for something that was never paged (its page was held). */
  | 'not-paged'
  /** An external OK while the third-party probes are blind: not a recovery anyone saw. */
  | 'monitor-blind';
export type Severity = 'SEV1' | 'SEV2' | 'SEV3' | 'NOTICE';

export interface PageLogRecord {
  /** Idempotency key: alarm name + the alarm's state-change time (+ route). */
  readonly id: string;
  /** When the notify function handled it (ISO 8601, UTC). */
  readonly at: string;
  /** The alarm's StateChangeTime (ISO 8601, UTC). */
  readonly alarmTime: string;
  readonly alarmName: string;
  /** ALARM, OK or INSUFFICIENT_DATA transition that caused it. */
  readonly alarmState: string;
  readonly kind: PageKind;
  /** True for the `resolved` form of a kind. */
  readonly resolved: boolean;
  readonly severity: Severity;
  readonly tier?: Tier;
  readonly group?: string;
  readonly dependencies: readonly string[];
  readonly failingRegions: readonly string[];
  readonly outcome: PageOutcome;
  readonly heldReason?: HeldReason;
  /** Human explanation of why it was held (e.g. the core alarm that was in ALARM). */
  readonly heldDetail?: string;
  /** Route id (names the SNS topic) and the topic ARN it was published to. */
  readonly route?: string;
  readonly topicArn?: string;
  /** SNS MessageId of the publish, when sent. */
  readonly messageId?: string;
  /** What took the page: `sns` (the route's topic) and each vendor channel id. Added by delivery. */
  readonly deliveredTo?: readonly string[];
  readonly subject: string;
  /** The text per protocol, exactly as published (secret-free). */
  readonly messages: {
    readonly default: string;
    readonly email: string;
    readonly sms: string;
    readonly https: string;
  };
  /** When the incident began (the first ALARM of this open page), ISO 8601 UTC. Added by paging. */
  readonly since?: string;
  /** The page says the dependency is flapping (paged once, resolves only once stable). Added by paging. */
  readonly flapping?: boolean;
  /** SNS message attributes published with it (severity, kind, dependency, tier, group). Added by paging. */
  readonly attributes?: Readonly<Record<string, string>>;
}
