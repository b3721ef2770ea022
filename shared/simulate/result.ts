// The one model of a simulation run: what `runScenario` produces and what everything downstream reads (the
// `--json` document, the human timeline, the HTML report and the rehearsal account). Times are `atSeconds`,
// counted from the scenario's start.
import type { ChannelDelivery, PageLogRecord } from '#shared/pages';
import type { AlarmCatalog } from '#shared/timeline';

/** The scenario as it ran: enough to title, scale and label every rendering without the config. */
export interface SimScenario {
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  /** The virtual clock's origin, ISO 8601. */
  readonly start: string;
  readonly durationSeconds: number;
  /** The monitor config's name. */
  readonly monitor: string;
  readonly timeZone: string;
  readonly intervalSeconds: number;
  readonly probeRegions: readonly string[];
  readonly dependencies: readonly {
    readonly id: string;
    readonly name: string;
    readonly tier: string;
    readonly critical: boolean;
    readonly group?: string;
  }[];
  /** On-call's scripted response (the scenario's `response:`), in time order. @default none */
  readonly response?: readonly SimResponse[];
}

/** An acknowledgement or a note the scenario scripts; each answers every incident open at that moment. */
export interface SimResponse {
  readonly atSeconds: number;
  readonly by: string;
  readonly kind: 'ack' | 'note';
  readonly text?: string;
}

/** An alarm state transition, as the local evaluator made it. */
export interface SimAlarm {
  readonly atSeconds: number;
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** What every page, sent or held, says about itself. */
interface SimPageBase {
  readonly atSeconds: number;
  readonly kind: string;
  readonly severity: string;
  readonly dependencies: readonly string[];
  readonly subject: string;
  readonly resolved: boolean;
  readonly alarm: string;
}

/** A page the paging core sent: one per alarm event, however many routes it went to. */
export interface SimPage extends SimPageBase {
  readonly routes: readonly string[];
  readonly regions: readonly string[];
  /** The email text, as on-call receives it. */
  readonly text: string;
  readonly sms: string;
  /** One per channel of its routes: the exact body that channel receives (credentials as their references). */
  readonly deliveries: readonly ChannelDelivery[];
}

/** A page that was not sent, and why. */
export interface SimHeldPage extends SimPageBase {
  /** core-outage, suppressed, maintenance, duplicate, flapping, no-route… */
  readonly reason: string;
  readonly detail: string;
}

/** A dependency's probe status from one region: the first round, then every change. */
export interface SimProbeChange {
  readonly atSeconds: number;
  readonly dependency: string;
  readonly region: string;
  /** `silent`: the region reported nothing that round (its prober failed). */
  readonly status: 'up' | 'down' | 'degraded' | 'silent';
  readonly latencyMs?: number;
  readonly reason?: string;
  readonly detail?: string;
}

/** An alarm action CloudWatch would have invoked, or suppressed. */
export interface SimAction {
  readonly atSeconds: number;
  readonly alarm: string;
  readonly state: string;
  readonly actions: readonly string[];
  readonly suppressed?: string;
  readonly deferredBy?: string;
}

export interface SimStats {
  readonly rounds: number;
  readonly probes: number;
  readonly alarms: number;
  readonly wallMs: number;
}

export interface Simulation {
  readonly scenario: SimScenario;
  readonly alarms: readonly SimAlarm[];
  readonly pages: readonly SimPage[];
  readonly held: readonly SimHeldPage[];
  readonly probes: readonly SimProbeChange[];
  readonly actions: readonly SimAction[];
  /** Every record the paging core wrote (one per route), as the notify function would log them. */
  readonly pageLog: readonly PageLogRecord[];
  /** Each alarm's page kind and dependencies, from the alarm plan: the rehearsal account names them. */
  readonly alarmCatalog: AlarmCatalog;
  readonly notes: readonly string[];
  readonly stats: SimStats;
}
