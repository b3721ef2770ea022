// The rehearsal's account: the same account `depmon timeline` writes for a real incident, built from a
// simulation's own alarm transitions, pages (sent and held) and per-region probe changes
// (`depmon simulate … --timeline FILE`, `depmon start`).
import { type Account, buildAccount, type PageEvidence, walkSamples } from '#shared/timeline';
import type { SimHeldPage, SimPage, Simulation } from './result.ts';

/** What of a simulation the account shows. */
export type RehearsalEvidence = Pick<
  Simulation,
  'scenario' | 'alarms' | 'pages' | 'held' | 'probes' | 'alarmCatalog' | 'notes'
>;

export interface RehearsalOptions {
  /** When the account was produced. @default omitted from the account */
  readonly generatedAt?: Date;
}

/** Builds the account of a rehearsal; `atSeconds` on every event counts from the scenario's start. */
export function accountFromSimulation(sim: RehearsalEvidence, opts: RehearsalOptions = {}): Account {
  const { scenario } = sim;
  const start = new Date(scenario.start);
  if (Number.isNaN(start.getTime()))
    throw new TypeError(`rehearsal start: expected an ISO time (got "${scenario.start}")`);
  const at = (s: number) => new Date(start.getTime() + s * 1000);
  const { onsets, recoveries } = walkSamples(
    sim.probes,
    (p) => p.atSeconds,
    (p) => at(p.atSeconds),
  );
  return buildAccount({
    config: { name: scenario.monitor, timeZone: scenario.timeZone, probeRegions: [...scenario.probeRegions] },
    window: { from: start, to: at(scenario.durationSeconds) },
    origin: 'rehearsal',
    start,
    scenario: scenario.name,
    alarms: sim.alarms.map((a) => ({
      alarm: a.alarm,
      at: at(a.atSeconds),
      from: a.from,
      to: a.to,
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    alarmPlan: sim.alarmCatalog,
    pages: [
      ...sim.pages.map((p) => sentEvidence(p, at(p.atSeconds))),
      ...sim.held.map((h) => heldEvidence(h, at(h.atSeconds))),
    ],
    onsets,
    recoveries,
    responses: (scenario.response ?? []).map((r) => ({
      at: at(r.atSeconds),
      kind: r.kind,
      by: r.by,
      ...(r.text !== undefined ? { text: r.text } : {}),
    })),
    notes: [
      'A rehearsal: every event comes from the simulator (real probes against local stand-ins, the synthesized alarms evaluated on a virtual clock), not from AWS.',
      ...sim.notes,
    ],
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
  });
}

function sentEvidence(p: SimPage, at: Date): PageEvidence {
  return {
    at,
    kind: p.kind,
    resolved: p.resolved,
    severity: p.severity,
    dependencies: p.dependencies,
    failingRegions: p.regions,
    outcome: 'sent',
    alarmName: p.alarm,
    ...(p.routes.length ? { route: p.routes.join(', ') } : {}),
    subject: p.subject,
    text: p.text,
    sms: p.sms,
  };
}

function heldEvidence(h: SimHeldPage, at: Date): PageEvidence {
  return {
    at,
    kind: h.kind,
    resolved: h.resolved,
    severity: h.severity,
    dependencies: h.dependencies,
    outcome: 'held',
    ...(h.reason ? { heldReason: h.reason } : {}),
    ...(h.detail ? { heldDetail: h.detail } : {}),
    alarmName: h.alarm,
    subject: h.subject,
  };
}
