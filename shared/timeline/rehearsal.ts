// The rehearsal's account: the same account `depmon timeline` writes, built from a simulator run's
// own alarm transitions, pages and per-region probe results (`depmon simulate … --timeline FILE`).
import type { MonitorConfig } from '#shared/config';
import type { PageLogRecord } from '#shared/pages';
import { buildAccount } from './build.ts';
import { pageFromLogRecord, walkSamples } from './evidence.ts';
import type { Account, AlarmCatalog, PageEvidence, ProbeState } from './types.ts';

/** An alarm transition as `depmon simulate --json` reports it. */
export interface SimAlarmTransition {
  readonly atSeconds: number;
  readonly alarm: string;
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
}

/** A page as `depmon simulate --json` reports it, plus what the account shows of it. */
export interface SimPage {
  readonly atSeconds: number;
  /** The page kind; `resolved` (or `resolved: true`) marks a resolved page. */
  readonly kind: string;
  readonly severity: string;
  readonly dependencies: readonly string[];
  readonly subject: string;
  readonly resolved?: boolean;
  /** True when the notify logic held it back; `heldReason` says why (`core-outage`, `maintenance`, …). */
  readonly held?: boolean;
  readonly heldReason?: string;
  readonly heldDetail?: string;
  readonly flapping?: boolean;
  /** Full text as on-call receives it (email form). */
  readonly text?: string;
  readonly sms?: string;
  readonly route?: string;
  /** The routes (on-call topics) it went to, when several: shown joined. */
  readonly routes?: readonly string[];
  readonly alarm?: string;
  readonly regions?: readonly string[];
}

/** One probe result per dependency, region and round. Rounds where a region reports nothing: `silent`. */
export interface SimProbeResult {
  readonly atSeconds: number;
  readonly dependency: string;
  readonly region: string;
  readonly status: 'up' | ProbeState;
  readonly reason?: string;
  readonly detail?: string;
}

export interface RehearsalInput {
  readonly config: Pick<MonitorConfig, 'name' | 'timeZone' | 'probeRegions'>;
  /** The scenario's start (t = 0): the virtual clock's origin, as an instant. */
  readonly start: Date | string;
  /** The scenario's length. @default up to the last piece of evidence */
  readonly durationSeconds?: number;
  /** Scenario name or file, shown in the title. */
  readonly scenario?: string;
  readonly alarms: readonly SimAlarmTransition[];
  /** The alarm plan the scenario ran (buildAlarmPlan(config)): names each alarm's dependencies and page kind. */
  readonly alarmPlan?: AlarmCatalog;
  readonly pages: readonly SimPage[];
  /** Full page log records, if the simulator writes them: used instead of `pages` when given. */
  readonly pageLog?: readonly PageLogRecord[];
  readonly probes: readonly SimProbeResult[];
  readonly notes?: readonly string[];
  readonly generatedAt?: Date;
}

/** Builds the account of a rehearsal; `atSeconds` on every event counts from the scenario's start. */
export function accountFromSimulation(input: RehearsalInput): Account {
  const start = new Date(input.start);
  if (Number.isNaN(start.getTime()))
    throw new TypeError(`rehearsal start: expected an ISO time (got "${String(input.start)}")`);
  const at = (s: number) => new Date(start.getTime() + s * 1000);
  // A loop, not Math.max(...xs): a day of 10-second rounds is millions of samples, past the argument limit.
  let last = 0;
  const seen = (t: number) => {
    if (t > last) last = t;
  };
  for (const a of input.alarms) seen(a.atSeconds);
  for (const p of input.pages) seen(p.atSeconds);
  for (const p of input.probes) seen(p.atSeconds);
  for (const r of input.pageLog ?? []) seen((Date.parse(r.at) - start.getTime()) / 1000);
  const end = at(input.durationSeconds ?? last);
  const { onsets, recoveries } = walkSamples(
    input.probes,
    (p) => p.atSeconds,
    (p) => at(p.atSeconds),
  );
  const pages: PageEvidence[] = input.pageLog
    ? input.pageLog.map(pageFromLogRecord)
    : input.pages.map((p) => simPage(p, at(p.atSeconds)));
  return buildAccount({
    config: input.config,
    window: { from: start, to: end },
    origin: 'rehearsal',
    start,
    ...(input.scenario ? { scenario: input.scenario } : {}),
    alarms: input.alarms.map((a) => ({
      alarm: a.alarm,
      at: at(a.atSeconds),
      from: a.from,
      to: a.to,
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    ...(input.alarmPlan ? { alarmPlan: input.alarmPlan } : {}),
    pages,
    onsets,
    recoveries,
    notes: [
      'A rehearsal: every event comes from the simulator (real probes against local stand-ins, the synthesized alarms evaluated on a virtual clock), not from AWS.',
      ...(input.notes ?? []),
    ],
    ...(input.generatedAt ? { generatedAt: input.generatedAt } : {}),
  });
}

function simPage(p: SimPage, at: Date): PageEvidence {
  const resolved = p.resolved === true || p.kind === 'resolved';
  return {
    at,
    kind: p.kind,
    resolved,
    severity: p.severity,
    dependencies: p.dependencies,
    ...(p.regions ? { failingRegions: p.regions } : {}),
    outcome: p.held ? 'held' : 'sent',
    ...(p.heldReason ? { heldReason: p.heldReason } : {}),
    ...(p.heldDetail ? { heldDetail: p.heldDetail } : {}),
    ...(p.flapping ? { flapping: true } : {}),
    ...(p.alarm ? { alarmName: p.alarm } : {}),
    ...(p.route || p.routes?.length ? { route: p.route ?? p.routes!.join(', ') } : {}),
    subject: p.subject,
    ...(p.text !== undefined ? { text: p.text } : {}),
    ...(p.sms !== undefined ? { sms: p.sms } : {}),
  };
}
