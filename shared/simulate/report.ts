// The HTML report of a simulation: one self-contained page (inline CSS, SVG and a little JS; no external URL)
// with the timeline chart (alarm state bands, page markers), the probe lanes (one per dependency, its regions
// folded in, in collapsible groups, failing ones first) and every page's text as on-call would receive it.
import { zoneLabel } from '#shared/config';
import { escapeHtml as esc } from '#shared/timeline';
import type { SimProbeChange, SimScenario, Simulation } from './result.ts';

const COLORS: Record<string, string> = {
  up: '#3fa34d',
  degraded: '#e0a21b',
  down: '#d64541',
  silent: '#8e8e93',
  OK: '#cfe8d3',
  ALARM: '#d64541',
  INSUFFICIENT_DATA: '#c7c7cc',
};

const mmss = (s: number) => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}` : `${m}m`;
};

interface Band {
  readonly from: number;
  readonly to: number;
  readonly state: string;
  readonly title: string;
}

/** Turns change points into bands up to the scenario's end. */
function bands(
  changes: readonly { at: number; state: string; title: string }[],
  end: number,
  initial: string,
): Band[] {
  const out: Band[] = [];
  let cur = { at: 0, state: initial, title: initial };
  for (const c of changes) {
    if (c.at > cur.at) out.push({ from: cur.at, to: c.at, state: cur.state, title: cur.title });
    cur = c;
  }
  if (end > cur.at) out.push({ from: cur.at, to: end, state: cur.state, title: cur.title });
  return out;
}

function localStart(r: Simulation): string {
  const d = new Date(r.scenario.start);
  try {
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: r.scenario.timeZone,
      dateStyle: 'short',
      timeStyle: 'short',
      hourCycle: 'h23',
    }).format(d);
    return `${local} ${zoneLabel(r.scenario.timeZone, d)} (${d.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  } catch {
    return d.toISOString();
  }
}

/** The chart's geometry, in SVG units: labels on the left, the scenario's time across the rest. */
const LABEL_W = 300;
const CHART_W = 900;
const ROW_H = 14;
/** Top lane: time ticks, then two lines of page labels, then the bands. */
const TOP = 58;

/** The chart's rows as they are laid out top to bottom; `y` is where the next one goes. */
class Chart {
  readonly rows: string[] = [];
  y: number;

  constructor(
    private readonly end: number,
    top = TOP + 4,
  ) {
    this.y = top;
  }

  /** The x of a moment `s` seconds into the scenario. */
  x(s: number): number {
    return LABEL_W + (s / this.end) * CHART_W;
  }

  section(title: string): void {
    this.y += 8;
    this.rows.push(`<text class="section" x="4" y="${this.y + 10}">${esc(title)}</text>`);
    this.y += 16;
  }

  /** One lane; `shown` is the label as drawn (shortened to fit), `hover` what its tooltip adds. */
  row(label: string, bs: readonly Band[], cls: string, shown = label, hover?: string): void {
    const { y } = this;
    const tip = hover && hover !== label ? `${label}: ${hover}` : label;
    this.rows.push(
      `<text class="label" x="${LABEL_W - 6}" y="${y + ROW_H - 3}" text-anchor="end">${esc(shown)}${shown !== label || hover ? `<title>${esc(tip)}</title>` : ''}</text>`,
    );
    for (const b of bs) {
      const w = Math.max(0.5, this.x(b.to) - this.x(b.from));
      this.rows.push(
        `<rect class="${cls} s-${esc(b.state)}" x="${this.x(b.from).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW_H - 2}" fill="${COLORS[b.state] ?? '#999'}"><title>${esc(`${label}: ${b.title} (${mmss(b.from)}–${mmss(b.to)})`)}</title></rect>`,
      );
    }
    this.y += ROW_H;
  }

  note(text: string): void {
    this.rows.push(`<text class="label" x="${LABEL_W}" y="${this.y + 10}">${text}</text>`);
    this.y += ROW_H;
  }
}

/** Worst first: a lane shows the worst state any region saw. */
const SEVERITY: Record<string, number> = { down: 3, silent: 2, degraded: 1, up: 0 };
/**
 * What orders and opens the lanes: the dependency's own failures. A silent region is the monitor's problem, not
 * the dependency's; counted as failing, one region silent for a minute opened every group of a large config.
 */
const FAILING: Record<string, number> = { down: 2, degraded: 1 };

/**
 * One lane per dependency with its probe regions folded in: each band is the worst state any region saw
 * then, and its hover text names every region's own state.
 */
export function foldedBands(
  changes: readonly SimProbeChange[],
  regions: readonly string[],
  end: number,
): Band[] {
  const now = new Map<string, { state: string; text: string }>(
    regions.map((r) => [r, { state: 'up', text: 'up' }]),
  );
  const times = [...new Set(changes.map((c) => c.atSeconds))].sort((a, b) => a - b);
  const out: { at: number; state: string; title: string }[] = [];
  let i = 0;
  const sorted = [...changes].sort((a, b) => a.atSeconds - b.atSeconds);
  for (const t of times) {
    for (; i < sorted.length && (sorted[i] as SimProbeChange).atSeconds === t; i++) {
      const c = sorted[i] as SimProbeChange;
      now.set(c.region, {
        state: c.status,
        text: `${c.status}${c.reason ? ` ${c.reason}` : ''}${c.latencyMs !== undefined ? `, ${c.latencyMs} ms` : ''}${c.detail ? `: ${c.detail}` : ''}`,
      });
    }
    const states = regions.map((r) => now.get(r) as { state: string; text: string });
    const worst = states.reduce((w, x) => ((SEVERITY[x.state] ?? 0) > (SEVERITY[w.state] ?? 0) ? x : w));
    const title = regions.map((r, k) => `${r}: ${(states[k] as { text: string }).text}`).join('; ');
    const prev = out.at(-1);
    if (prev && prev.state === worst.state && prev.title === title) continue;
    out.push({ at: t, state: worst.state, title });
  }
  const initial = regions.map((r) => `${r}: up`).join('; ');
  return bands(out, end, 'up').map((b) => (b.title === 'up' ? { ...b, title: initial } : b));
}

/** A dependency's lane group: its vendor group, else its tier. */
const laneGroup = (d: SimScenario['dependencies'][number]) =>
  d.group ? `group ${d.group}` : d.tier === 'first-party' ? 'first party' : 'third party, no group';

const LABEL_CHARS = 44;
const shortLabel = (s: string) => (s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s);

/**
 * The probe lanes, one per dependency with its regions folded in, in collapsible groups (vendor group, else
 * tier): groups with a failing dependency first and open, failing dependencies first within a group.
 */
function probeLanes(r: Simulation): string {
  const end = r.scenario.durationSeconds;
  const byDep = new Map<string, SimProbeChange[]>();
  for (const p of r.probes) {
    const list = byDep.get(p.dependency);
    if (list) list.push(p);
    else byDep.set(p.dependency, [p]);
  }
  const lanes = r.scenario.dependencies.map((d, order) => {
    const bs = foldedBands(byDep.get(d.id) ?? [], r.scenario.probeRegions, end);
    const worst = Math.max(0, ...bs.map((b) => FAILING[b.state] ?? 0));
    return { d, bs, worst, order, silent: bs.some((b) => b.state === 'silent') };
  });
  const groups = new Map<string, typeof lanes>();
  for (const l of lanes) {
    const g = laneGroup(l.d);
    const list = groups.get(g);
    if (list) list.push(l);
    else groups.set(g, [l]);
  }
  const ordered = [...groups]
    .map(([name, ls]) => ({
      name,
      lanes: [...ls].sort((a, b) => b.worst - a.worst || a.order - b.order),
      failing: ls.filter((l) => l.worst > 0).length,
      silent: ls.some((l) => l.silent),
      worst: Math.max(...ls.map((l) => l.worst)),
      order: Math.min(...ls.map((l) => l.order)),
    }))
    .sort((a, b) => b.worst - a.worst || b.failing - a.failing || a.order - b.order);
  return ordered
    .map((g) => {
      const chart = new Chart(end, 4);
      for (const l of g.lanes) chart.row(`${l.d.id}`, l.bs, 'probe', shortLabel(l.d.id), l.d.name);
      const tickMarks = ticks(chart, end, false);
      const height = chart.y + 4;
      const width = LABEL_W + CHART_W + 20;
      const state = g.failing
        ? `, ${g.failing} down or degraded at some point`
        : g.silent
          ? ', none down or degraded (a probe region silent at some point)'
          : ', all up';
      const what = `${g.lanes.length} ${g.lanes.length === 1 ? 'dependency' : 'dependencies'}${state}`;
      return `<details class="lanes${g.failing ? ' failing' : ''}" data-group="${esc(g.name)}"${g.failing ? ' open' : ''}><summary><b>${esc(g.name)}</b> · ${esc(what)}</summary><svg class="lanes" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(`Probe results of ${g.name}`)}">${tickMarks.join('')}${chart.rows.join('')}</svg></details>`;
    })
    .join('\n');
}

/** Every alarm that left OK, plus the alarms that page. */
function alarmBands(chart: Chart, r: Simulation): void {
  chart.section('Alarms');
  const names = [...new Set(r.alarms.map((a) => a.alarm))];
  const paging = new Set([...r.pages.map((p) => p.alarm), ...r.held.map((h) => h.alarm)]);
  const shown = names.filter((n) => paging.has(n) || r.alarms.some((a) => a.alarm === n && a.to === 'ALARM'));
  for (const n of shown) {
    const changes = r.alarms
      .filter((a) => a.alarm === n)
      .map((a) => ({ at: a.atSeconds, state: a.to, title: `${a.from} → ${a.to}: ${a.reason}` }));
    chart.row(n, bands(changes, r.scenario.durationSeconds, 'OK'), 'alarm');
  }
  if (shown.length === 0) chart.note('no alarm left OK');
}

/** Page markers across the whole chart, each with its subject (shortened; the full one on hover), then held ones. */
function markers(chart: Chart, r: Simulation): string[] {
  const out: string[] = [];
  const { y } = chart;
  const short = (t: string) => (t.length > 60 ? `${t.slice(0, 57)}…` : t);
  r.pages.forEach((p, i) => {
    const px = chart.x(p.atSeconds);
    const ly = TOP - 10 - (i % 2) * 13;
    const anchor = px > LABEL_W + CHART_W * 0.6 ? 'end' : 'start';
    const lx = anchor === 'end' ? px - 7 : px + 7;
    out.push(
      `<g class="marker page${p.resolved ? ' resolved' : ''}" data-page="${i}"><line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${TOP}" y2="${y}"/><circle cx="${px.toFixed(1)}" cy="${TOP}" r="5"/><text class="plabel" x="${lx.toFixed(1)}" y="${ly}" text-anchor="${anchor}">${esc(short(p.subject))}</text><title>${esc(`${mmss(p.atSeconds)} ${p.subject}`)}</title></g>`,
    );
  });
  r.held.forEach((h) => {
    const px = chart.x(h.atSeconds).toFixed(1);
    out.push(
      `<g class="marker held"><line x1="${px}" x2="${px}" y1="${TOP}" y2="${y}"/><rect x="${(Number(px) - 4).toFixed(1)}" y="${TOP - 4}" width="8" height="8"/><title>${esc(`${mmss(h.atSeconds)} held: ${h.kind} (${h.reason}) ${h.detail}`)}</title></g>`,
    );
  });
  return out;
}

/** Time ticks every 10 minutes, half hour or hour, by the scenario's length. */
function ticks(chart: Chart, end: number, labelled = true): string[] {
  const out: string[] = [];
  const step = end <= 3600 ? 600 : end <= 4 * 3600 ? 1800 : 3600;
  const top = labelled ? TOP + 6 : 0;
  for (let s = 0; s <= end; s += step)
    out.push(
      `<line class="tick" x1="${chart.x(s)}" x2="${chart.x(s)}" y1="${top}" y2="${chart.y}"/>${labelled ? `<text class="tick" x="${chart.x(s)}" y="12" text-anchor="middle">T+${mmss(s)}</text>` : ''}`,
    );
  return out;
}

/** The timeline chart: alarm bands, page and held markers, as one SVG (the probe lanes follow, by group). */
function timelineChart(r: Simulation): string {
  const chart = new Chart(r.scenario.durationSeconds);
  alarmBands(chart, r);
  const marks = markers(chart, r);
  const tickMarks = ticks(chart, r.scenario.durationSeconds);
  const height = chart.y + 10;
  const width = LABEL_W + CHART_W + 20;
  return `<svg id="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Timeline of alarm states and pages">${tickMarks.join('')}${chart.rows.join('')}${marks.join('')}</svg>`;
}

/** Every page sent, with its email and SMS text. */
function pageCards(r: Simulation): string {
  return r.pages
    .map(
      (p, i) => `<article class="page${p.resolved ? ' resolved' : ''}" id="page-${i}">
<h3><span class="when">T+${mmss(p.atSeconds)}</span> <span class="sev">${esc(p.severity)}</span> ${esc(p.subject)}</h3>
<p class="meta">${esc(p.resolved ? `resolved ${p.kind}` : p.kind)} · routes: ${esc(p.routes.join(', ') || 'none')} · alarm ${esc(p.alarm)}${p.regions.length ? ` · failing regions: ${esc(p.regions.join(', '))}` : ''}</p>
<details><summary>Email text</summary><pre>${esc(p.text)}</pre></details>
<details><summary>SMS</summary><pre>${esc(p.sms)}</pre></details>
${deliveryDetails(p)}
</article>`,
    )
    .join('\n');
}

/** What each channel receives, one block per channel (credentials appear as their references). */
function deliveryDetails(p: Simulation['pages'][number]): string {
  if (p.deliveries.length === 0) return '';
  const items = p.deliveries
    .map((d) => {
      const where = d.endpoint ? ` · ${esc(d.endpoint)}` : '';
      const headers = d.headers ? `${esc(JSON.stringify(d.headers))}\n` : '';
      const body = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload, null, 2);
      return `<details class="delivery"><summary>${esc(d.type)} → ${esc(d.channel)}${where}</summary><pre>${headers}${esc(body)}</pre></details>`;
    })
    .join('\n');
  return `<div class="deliveries"><p class="meta">Deliveries (${p.deliveries.length} channels)</p>\n${items}</div>`;
}

function heldTable(r: Simulation): string {
  const rows = r.held
    .map(
      (h) =>
        `<tr><td>T+${mmss(h.atSeconds)}</td><td>${esc(h.kind)}</td><td>${esc(h.dependencies.join(', '))}</td><td>${esc(h.reason)}</td><td>${esc(h.detail)}</td></tr>`,
    )
    .join('');
  return rows
    ? `<table><thead><tr><th>when</th><th>kind</th><th>dependencies</th><th>why</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>Nothing was held back.</p>';
}

function alarmTable(r: Simulation): string {
  const rows = r.alarms
    .filter((a) => !(a.from === 'INSUFFICIENT_DATA' && a.to === 'OK'))
    .map(
      (a) =>
        `<tr><td>T+${mmss(a.atSeconds)}</td><td>${esc(a.alarm)}</td><td class="st-${esc(a.from)}">${esc(a.from)}</td><td class="st-${esc(a.to)}">${esc(a.to)}</td><td class="reason">${esc(a.reason)}</td></tr>`,
    )
    .join('');
  return rows
    ? `<table><thead><tr><th>when</th><th>alarm</th><th>from</th><th>to</th><th>reason</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No alarm changed state.</p>';
}

/** The figures at the top: pages, resolutions, held pages, alarms to ALARM, real probes. */
function summary(r: Simulation): string {
  const sent = r.pages.filter((p) => !p.resolved).length;
  return `<div class="summary"><div><b>${sent}</b>pages</div><div><b>${r.pages.length - sent}</b>resolved</div><div><b>${r.held.length}</b>held back</div><div><b>${r.alarms.filter((a) => a.to === 'ALARM').length}</b>alarm transitions to ALARM</div><div><b>${r.stats.probes}</b>real probes</div></div>`;
}

function legend(): string {
  return ['up', 'degraded', 'down', 'silent', 'OK', 'ALARM']
    .map(
      (s) =>
        `<span class="key"><i style="background:${COLORS[s]}"></i>${s === 'OK' || s === 'ALARM' ? `alarm ${s}` : s}</span>`,
    )
    .join('');
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1c1c1e;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:0 0 4px}
.sub{color:#555}.summary{display:flex;gap:24px;margin:12px 0}.summary div{background:#f2f2f7;border-radius:8px;padding:8px 14px}
.summary b{display:block;font-size:20px}.chartwrap{overflow-x:auto;border:1px solid #e5e5ea;border-radius:8px;padding:8px}
svg text{font:11px system-ui,sans-serif;fill:#333}svg text.section{font-weight:600;fill:#000}
svg line.tick{stroke:#e5e5ea}svg text.tick{fill:#777}
.marker line{stroke:#1c5dd6;stroke-width:1.5;stroke-dasharray:3 2}.marker circle{fill:#1c5dd6}
.marker.resolved line{stroke:#2e8b57}.marker.resolved circle{fill:#2e8b57}
.marker text.plabel{fill:#1c5dd6;font-weight:600}.marker.resolved text.plabel{fill:#2e8b57}.marker.held line{stroke:#8e44ad}.marker.held rect{fill:#8e44ad}.marker{cursor:pointer}
.key{margin-right:14px}.key i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-2px}
article.page{border-left:4px solid #1c5dd6;background:#f7f9ff;padding:8px 12px;margin:8px 0;border-radius:4px}
article.page.resolved{border-color:#2e8b57;background:#f5fbf7}article.page.flash{outline:2px solid #1c5dd6}
.when{color:#555;font-weight:400}.sev{background:#1c1c1e;color:#fff;border-radius:4px;padding:0 5px;font-size:12px}
.meta{color:#555;margin:0 0 4px}pre{white-space:pre-wrap;background:#fff;border:1px solid #e5e5ea;padding:8px;border-radius:4px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:3px 6px;border-bottom:1px solid #eee;vertical-align:top}
td.reason{color:#555;font-size:12px}.st-ALARM{color:#d64541;font-weight:600}.st-OK{color:#2e8b57}
.notes{color:#8a6d00}details.lanes>summary{cursor:pointer;padding:4px 0}details.lanes.failing>summary b{color:#d64541}
svg.lanes{display:block}
`;

/** A click on a page marker scrolls to that page's card and flashes it. */
const SCRIPT = `document.querySelectorAll('.marker.page').forEach(function (m) {
  m.addEventListener('click', function () {
    var card = document.getElementById('page-' + m.getAttribute('data-page'));
    if (!card) return;
    card.scrollIntoView({ behavior: 'smooth', block: 'center' });
    card.classList.add('flash');
    setTimeout(function () { card.classList.remove('flash'); }, 1500);
  });
});
`;

export function renderReport(r: Simulation): string {
  const minutes = r.scenario.durationSeconds / 60;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>depmon rehearsal: ${esc(r.scenario.name)}</title>
<style>
${STYLE}</style>
</head>
<body>
<h1>Rehearsal: ${esc(r.scenario.name)}</h1>
<p class="sub">${esc(r.scenario.description ?? '')}</p>
<p class="sub">Monitor <b>${esc(r.scenario.monitor)}</b> · starts ${esc(localStart(r))} · ${minutes} minutes · probe regions ${esc(r.scenario.probeRegions.join(', '))} · every ${r.scenario.intervalSeconds} s</p>
${summary(r)}
${r.notes.length ? `<p class="notes">${r.notes.map(esc).join('<br>')}</p>` : ''}
<h2>Timeline</h2>
<p>${legend()}<span class="key">● page</span><span class="key">■ held back</span></p>
<div class="chartwrap">${timelineChart(r)}</div>
<h2>Probe results</h2>
<p class="sub">One lane per dependency, its probe regions folded in: the worst state any region saw (hover for each region's own). Groups with a dependency that was not up come first, open.</p>
<div class="chartwrap">${probeLanes(r)}</div>
<h2>Pages, as on-call receives them</h2>
${pageCards(r) || '<p>No page was sent.</p>'}
<h2>Held back</h2>
${heldTable(r)}
<h2>Alarm transitions</h2>
${alarmTable(r)}
<p class="sub">${r.stats.rounds} probe rounds, ${r.stats.probes} real probes against local stand-ins, ${r.stats.alarms} alarms from the synthesized home stack, evaluated with CloudWatch's documented rules in ${(r.stats.wallMs / 1000).toFixed(1)} s.</p>
<script>
${SCRIPT}</script>
</body>
</html>
`;
}
