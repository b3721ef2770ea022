// Text renderings of a simulation: the `--json` document (DESIGN.md's contract), the human timeline
// `depmon simulate` and `depmon start` print, and the preview of a page as on-call receives it.
import type { SimAlarm, SimPage, Simulation } from './result.ts';

/** The --json document: the contract of DESIGN.md plus held pages, probe changes and actions. */
export function simulationJson(r: Simulation): Record<string, unknown> {
  return {
    scenario: r.scenario,
    pages: r.pages.map((p) => ({
      atSeconds: p.atSeconds,
      kind: p.kind,
      severity: p.severity,
      dependencies: p.dependencies,
      subject: p.subject,
      resolved: p.resolved,
      alarm: p.alarm,
      routes: p.routes,
      regions: p.regions,
      text: p.text,
      sms: p.sms,
      deliveries: p.deliveries,
    })),
    held: r.held,
    alarms: r.alarms.map((a) => ({
      atSeconds: a.atSeconds,
      alarm: a.alarm,
      from: a.from,
      to: a.to,
      reason: a.reason,
    })),
    actions: r.actions,
    probes: r.probes,
    notes: r.notes,
    stats: r.stats,
  };
}

/** Seconds from the scenario's start as `T+5m`, `T+9m30s`, `T+2h05m`. */
export const clock = (s: number): string => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `T+${h > 0 ? `${h}h` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}m${sec ? `${String(sec).padStart(2, '0')}s` : ''}`;
};

/** A line of the human timeline; `order` puts causes before effects at one moment. */
interface Line {
  readonly at: number;
  readonly order: number;
  readonly text: string;
}

/** The human timeline: alarm transitions of alarms that page (and their inputs going to ALARM), pages, held pages. */
export function formatSimulation(r: Simulation): string {
  const lines = [...probeLines(r), ...alarmLines(r), ...pageLines(r), ...heldLines(r)].sort(
    (a, b) => a.at - b.at || a.order - b.order,
  );
  const sent = r.pages.filter((p) => !p.resolved).length;
  const resolved = r.pages.length - sent;
  const head = [
    `Scenario ${r.scenario.name}: ${r.scenario.durationSeconds / 60} min of ${r.scenario.monitor}, ${r.scenario.probeRegions.length} probe regions, from ${r.scenario.start}`,
    `${r.stats.rounds} rounds, ${r.stats.probes} probes against local stand-ins, ${r.stats.alarms} alarms evaluated, in ${(r.stats.wallMs / 1000).toFixed(1)} s`,
    '',
  ];
  const body =
    lines.length > 0 ? lines.map((l) => `${clock(l.at).padEnd(9)} ${l.text}`) : ['(no alarm changed state)'];
  const tail = [
    '',
    `${sent} page${sent === 1 ? '' : 's'}, ${resolved} resolved, ${r.held.length} held back.`,
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ];
  return [...head, ...body, ...tail].join('\n');
}

/**
 * What the probes saw change, one line per moment and kind of change: regions of one dependency fold into
 * one line, and dependencies that changed the same way at the same moment share it.
 */
function probeLines(r: Simulation): Line[] {
  const changes = new Map<
    string,
    { at: number; dep: string; status: string; regions: string[]; reason?: string }
  >();
  for (const p of r.probes) {
    if (p.atSeconds === 0 && p.status === 'up') continue;
    const key = `${p.atSeconds}|${p.dependency}|${p.status}`;
    const c = changes.get(key);
    if (c) c.regions.push(p.region);
    else
      changes.set(key, {
        at: p.atSeconds,
        dep: p.dependency,
        status: p.status,
        regions: [p.region],
        ...(p.reason ? { reason: p.reason } : {}),
      });
  }
  const regionCount = r.scenario.probeRegions.length;
  const folded = new Map<string, { at: number; deps: string[]; text: string }>();
  for (const c of changes.values()) {
    const where = c.regions.length === regionCount ? `all ${regionCount} regions` : c.regions.join(', ');
    const text = `${c.status} from ${where}${c.reason ? ` (${c.reason})` : ''}`;
    const key = `${c.at}|${text}`;
    const f = folded.get(key);
    if (f) f.deps.push(c.dep);
    else folded.set(key, { at: c.at, deps: [c.dep], text });
  }
  return [...folded.values()].map((f) => {
    const who = f.deps.length === r.scenario.dependencies.length ? 'every dependency' : f.deps.join(', ');
    return { at: f.at, order: -1, text: `probe  ${who}: ${f.text}` };
  });
}

/** Transitions worth a line: not the start-up INSUFFICIENT_DATA → OK, nor any move into INSUFFICIENT_DATA. */
const interesting = (a: SimAlarm) =>
  !(a.from === 'INSUFFICIENT_DATA' && a.to === 'OK') && a.to !== 'INSUFFICIENT_DATA';

function alarmLines(r: Simulation): Line[] {
  return r.alarms
    .filter(interesting)
    .map((a) => ({ at: a.atSeconds, order: 0, text: `alarm  ${a.alarm}: ${a.from} → ${a.to}` }));
}

function pageLines(r: Simulation): Line[] {
  return r.pages.map((p) => ({
    at: p.atSeconds,
    order: 1,
    text: `PAGE   ${p.resolved ? 'resolved ' : ''}${p.kind} (${p.severity}) → ${p.routes.join(', ') || 'no route'}\n         "${p.subject}"`,
  }));
}

function heldLines(r: Simulation): Line[] {
  return r.held.map((h) => ({
    at: h.atSeconds,
    order: 2,
    text: `held   ${h.kind} for ${h.dependencies.join(', ')}: ${h.reason} (${h.detail})`,
  }));
}

/** A sent page as on-call receives it: the email with its subject, then the SMS. */
export function formatPagePreview(page: SimPage): string {
  const rule = '─'.repeat(72);
  return [
    '',
    `The page on-call received at ${clock(page.atSeconds)} (route ${page.routes.join(', ')}), as email:`,
    rule,
    `Subject: ${page.subject}`,
    '',
    page.text.trimEnd(),
    rule,
    `and as SMS: ${page.sms}`,
    '',
    '',
  ].join('\n');
}
