// The account's four forms: markdown (to read and paste), self-contained HTML (to hand over),
// CSV (for a spreadsheet) and JSON (for scripts; the DESIGN.md contract).
import { chainAccount } from './chain.ts';
import { utcTime } from './time.ts';
import type { Account, Figure, FigureName, Incident, IncidentMoment, TimelineEvent } from './types.ts';

export type TimelineFormat = 'md' | 'html' | 'csv' | 'json';

const FIGURE_LABELS: Readonly<Record<FigureName, string>> = {
  onset: 'Onset (first failing probe)',
  detection: 'Detection (first alarm)',
  firstPage: 'First page sent',
  resolution: 'Resolution',
};
const FIGURE_ORDER: readonly FigureName[] = ['onset', 'detection', 'firstPage', 'resolution'];

const minutes = (m: number | null) => (m === null ? '' : `${m >= 0 ? '+' : ''}${m.toFixed(1)}`);

/**
 * `{"events":[…]}` first (the contract), each event with its `hash` (chain.ts), then the chain, the figures,
 * the incidents and everything else.
 */
export function renderJson(a: Account): string {
  const { events: _events, figures, incidents, ...rest } = a;
  const { events, chain } = chainAccount(a);
  return `${JSON.stringify({ events, chain, figures, incidents, ...rest }, null, 2)}\n`;
}

// ── Incidents (every form) ──────────────────────────────────────────────────────
export const INCIDENT_COLUMNS = [
  'First page',
  'Acknowledged',
  'Fallback / first action',
  'Resolution',
] as const;

/** `15:41:00 KST, +14.0 min after the page (scenario): by kim`: a cell of the incidents table. */
export function momentText(m: IncidentMoment | null, none: string): string {
  if (!m) return none;
  const after = m.minutesAfterPage === 0 ? '' : `, +${m.minutesAfterPage.toFixed(1)} min after the page`;
  return `${m.local}${after} (source: ${m.source}): ${m.detail}`;
}

/** The four moments of an incident, in the order of INCIDENT_COLUMNS. */
export function incidentCells(i: Incident): string[] {
  return [
    momentText(i.firstPage, ''),
    momentText(i.acknowledged, 'not acknowledged in the window'),
    momentText(i.firstAction, 'no action noted in the window'),
    momentText(i.resolution, 'not resolved in the window'),
  ];
}

const minutesOrDash = (m: number | null) => (m === null ? '–' : m.toFixed(1));

// ── Markdown ────────────────────────────────────────────────────────────────────
const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/** The account's zone is UTC itself: one time column, not two identical ones. */
const zoneIsUtc = (a: Account) => a.timeZoneLabel === 'UTC';

/** "times in UTC and Asia/Seoul (KST)", or "times in UTC" when that is the account's zone. */
const timesIn = (a: Account) =>
  zoneIsUtc(a) ? 'times in UTC' : `times in UTC and ${a.timeZone} (${a.timeZoneLabel})`;

export function renderMarkdown(a: Account): string {
  const out = [...headerMarkdown(a), ...figuresMarkdown(a), ...incidentsMarkdown(a)];
  if (a.notes.length > 0) {
    out.push('', '## Notes', '');
    for (const n of a.notes) out.push(`- ${n}`);
  }
  out.push(...eventsMarkdown(a), ...pageTextsMarkdown(a));
  return `${out.join('\n').trimEnd()}\n`;
}

function headerMarkdown(a: Account): string[] {
  const local = !zoneIsUtc(a);
  return [
    `# ${a.title}`,
    '',
    `- Window: ${utcTime(new Date(a.window.from.at))} to ${utcTime(new Date(a.window.to.at))}${local ? ` (${a.window.from.local} to ${a.window.to.local})` : ''}`,
    `- Monitor: \`${a.monitor}\`; ${timesIn(a)}`,
    `- Evidence: ${a.origin === 'rehearsal' ? 'a simulator rehearsal' : 'CloudWatch alarm history, the depmon page log, probe metrics'}`,
    ...(a.generatedAt ? [`- Generated: ${a.generatedAt}`] : []),
  ];
}

function figuresMarkdown(a: Account): string[] {
  const local = !zoneIsUtc(a);
  const out = ['', '## Figures', ''];
  out.push(
    local
      ? `| Figure | UTC | ${a.timeZoneLabel} | Minutes from onset | From |`
      : '| Figure | UTC | Minutes from onset | From |',
    local ? '| --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- |',
  );
  for (const name of FIGURE_ORDER) {
    const f: Figure | null = a.figures[name];
    out.push(
      f
        ? `| ${FIGURE_LABELS[name]} | ${utcTime(new Date(f.at))} |${local ? ` ${f.local} |` : ''} ${minutes(f.minutesFromOnset)} | ${mdCell(f.detail)} |`
        : `| ${FIGURE_LABELS[name]} | none in the window |${local ? ' |' : ''} | |`,
    );
  }
  return out;
}

function eventsMarkdown(a: Account): string[] {
  const local = !zoneIsUtc(a);
  const out = ['', `## Events (${a.events.length})`, ''];
  if (a.events.length === 0) return [...out, 'No events in the window.'];
  out.push(
    local
      ? `| # | UTC | ${a.timeZoneLabel} | Min | Kind | Source | What happened |`
      : '| # | UTC | Min | Kind | Source | What happened |',
    local ? '| --- | --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- | --- | --- |',
  );
  a.events.forEach((e, i) => {
    out.push(
      `| ${i + 1} | ${utcTime(new Date(e.at))} |${local ? ` ${e.local} |` : ''} ${minutes(e.minutesFromOnset)} | ${e.kind} | ${e.source} | ${mdCell(e.summary)} |`,
    );
  });
  return out;
}

function pageTextsMarkdown(a: Account): string[] {
  const withText = a.events
    .map((e, i) => [e, i + 1] as const)
    .filter(([e]) => (e.kind === 'page-sent' || e.kind === 'page-held') && (e.text || e.sms));
  if (withText.length === 0) return [];
  const out = ['', '## Page texts', ''];
  for (const [e, n] of withText) {
    out.push(`### #${n} ${e.kind === 'page-held' ? 'held back' : 'sent'}: ${e.subject ?? ''}`, '');
    out.push(
      `${e.local} (${utcTime(new Date(e.at))})${e.route ? `, route ${e.route}` : ''}${e.messageId ? `, SNS message ${e.messageId}` : ''}`,
      '',
    );
    if (e.text) out.push(fence(e.text), '');
    if (e.sms) out.push('SMS:', '', fence(e.sms), '');
  }
  return out;
}

function incidentsMarkdown(a: Account): string[] {
  if (a.incidents.length === 0) return [];
  const out = ['', `## Incidents (${a.incidents.length})`, ''];
  out.push(
    `| Incident | Page | ${INCIDENT_COLUMNS.join(' | ')} | Minutes to acknowledge | Minutes to first action |`,
    `| --- | --- | ${INCIDENT_COLUMNS.map(() => '---').join(' | ')} | --- | --- |`,
  );
  for (const i of a.incidents) {
    out.push(
      `| ${i.id} | ${mdCell(`${i.severity} ${i.pageKind}: ${i.dependencies.join(', ')}`)} | ${incidentCells(i).map(mdCell).join(' | ')} | ${minutesOrDash(i.minutesToAcknowledge)} | ${minutesOrDash(i.minutesToFirstAction)} |`,
    );
  }
  return out;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${text}\n${f}`;
}

// ── CSV ─────────────────────────────────────────────────────────────────────────
const CSV_COLUMNS = [
  'utc',
  'local',
  'at_seconds',
  'minutes_from_onset',
  'kind',
  'source',
  'summary',
  'dependencies',
  'regions',
  'alarm',
  'from',
  'to',
  'reason',
  'page_kind',
  'severity',
  'subject',
  'held_reason',
  'route',
  'message_id',
  'text',
  'sms',
] as const;

/** RFC 4180 quoting; text cells that a spreadsheet would run as a formula get a leading apostrophe. */
function csvCell(v: string | number | undefined | null, text = true): string {
  if (v === undefined || v === null) return '';
  let s = String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One row per event, the figures first as rows of kind `figure` (so the file is the whole account).
 * UTF-8 with a byte-order mark and CRLF line ends, so spreadsheet programs read Korean text correctly.
 */
export function renderCsv(a: Account): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const name of FIGURE_ORDER) {
    const f = a.figures[name];
    if (!f) continue;
    rows.push(
      [
        csvCell(f.at),
        csvCell(f.local),
        csvCell(f.atSeconds, false),
        csvCell(f.minutesFromOnset, false),
        'figure',
        'derived',
        csvCell(`${FIGURE_LABELS[name]}: ${f.detail}`),
      ]
        .concat(new Array(CSV_COLUMNS.length - 7).fill(''))
        .join(','),
    );
  }
  for (const i of a.incidents) {
    const summary = `Incident ${i.id} (${i.severity} ${i.pageKind}): ${INCIDENT_COLUMNS.map((c, k) => `${c}: ${incidentCells(i)[k]}`).join('; ')}; minutes to acknowledge: ${minutesOrDash(i.minutesToAcknowledge)}; minutes to first action: ${minutesOrDash(i.minutesToFirstAction)}`;
    rows.push(
      [
        csvCell(i.firstPage.at),
        csvCell(i.firstPage.local),
        csvCell(i.firstPage.atSeconds, false),
        '',
        'incident',
        'derived',
        csvCell(summary),
      ]
        .concat(new Array(CSV_COLUMNS.length - 7).fill(''))
        .join(','),
    );
  }
  for (const e of a.events) rows.push(csvRow(e));
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

function csvRow(e: TimelineEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    utc: csvCell(e.at),
    local: csvCell(e.local),
    at_seconds: csvCell(e.atSeconds, false),
    minutes_from_onset: csvCell(e.minutesFromOnset, false),
    kind: csvCell(e.kind),
    source: csvCell(e.source),
    summary: csvCell(e.summary),
    dependencies: csvCell(e.dependencies?.join(' ')),
    regions: csvCell(e.region ?? e.regions?.join(' ')),
    alarm: csvCell(e.alarm ?? e.alarms?.join(' ')),
    from: csvCell(e.from),
    to: csvCell(e.to),
    reason: csvCell(e.reason),
    page_kind: csvCell(e.pageKind),
    severity: csvCell(e.severity),
    subject: csvCell(e.subject),
    held_reason: csvCell([e.heldReason, e.heldDetail].filter(Boolean).join(': ') || undefined),
    route: csvCell(e.route),
    message_id: csvCell(e.messageId),
    text: csvCell(e.text),
    sms: csvCell(e.sms),
  };
  return CSV_COLUMNS.map((c) => cells[c]).join(',');
}

// ── HTML ────────────────────────────────────────────────────────────────────────
/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const KIND_CLASS: Readonly<Record<TimelineEvent['kind'], string>> = {
  'probe-failing': 'probe',
  'probe-recovered': 'ok',
  alarm: 'alarm',
  'page-sent': 'page',
  'page-held': 'held',
  resolution: 'ok',
  ack: 'response',
  note: 'response',
  drill: 'drill',
};

/** The account page's stylesheet, inline so the file needs nothing from outside. */
const ACCOUNT_CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans KR",sans-serif;margin:2rem;color:#1b1f24;max-width:1200px}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.meta{color:#57606a;margin:0 0 1rem}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:.75rem}
.fig{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem}.fig.none{color:#8c959f}
.lbl{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:#57606a}.val{font-size:1.1rem;font-weight:600}
.sub{font-size:.8rem;color:#57606a}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kind{font-family:ui-monospace,monospace;font-size:.8rem;padding:0 .3rem;border-radius:3px;background:#eaeef2;white-space:nowrap}
td:nth-child(-n+4){white-space:nowrap}
tr.alarm .kind{background:#ffd8b5}tr.page .kind{background:#ffcecb}tr.held .kind{background:#e8e8e8}
tr.probe .kind{background:#fff1b3}tr.ok .kind{background:#c8f0d0}
tr.response .kind{background:#cfe3ff}tr.drill .kind{background:#e6d6ff}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;border-radius:4px;margin:.3rem 0}
@media print{th{position:static}details{display:block}body{margin:0}}`;

function figureHtml(a: Account, name: (typeof FIGURE_ORDER)[number]): string {
  const f = a.figures[name];
  return f
    ? `<div class="fig"><div class="lbl">${escapeHtml(FIGURE_LABELS[name])}</div><div class="val">${escapeHtml(f.local)}</div><div class="sub">${escapeHtml(utcTime(new Date(f.at)))}${f.minutesFromOnset === null ? '' : ` · ${escapeHtml(minutes(f.minutesFromOnset))} min from onset`}</div><div class="sub">${escapeHtml(f.detail)}</div></div>`
    : `<div class="fig none"><div class="lbl">${escapeHtml(FIGURE_LABELS[name])}</div><div class="val">none in the window</div></div>`;
}

function eventRowHtml(e: Account['events'][number], i: number, local: boolean): string {
  const texts = [
    e.text ? `<details><summary>Text as sent</summary><pre>${escapeHtml(e.text)}</pre></details>` : '',
    e.sms ? `<details><summary>SMS</summary><pre>${escapeHtml(e.sms)}</pre></details>` : '',
    // The summary holds a short reason whole; only a cut one needs the full text.
    e.reason && e.kind === 'alarm' && !e.summary.includes(e.reason)
      ? `<details><summary>Full reason</summary><pre>${escapeHtml(e.reason)}</pre></details>`
      : '',
    e.messageId ? `<div class="sub">SNS message ${escapeHtml(e.messageId)}</div>` : '',
  ].join('');
  return `<tr class="${KIND_CLASS[e.kind]}"><td>${i + 1}</td><td>${escapeHtml(utcTime(new Date(e.at)))}</td>${local ? `<td>${escapeHtml(e.local)}</td>` : ''}<td class="num">${escapeHtml(minutes(e.minutesFromOnset))}</td><td><span class="kind">${escapeHtml(e.kind)}</span></td><td>${escapeHtml(e.source)}</td><td>${escapeHtml(e.summary)}${texts}</td></tr>`;
}

function incidentsHtml(a: Account): string {
  if (a.incidents.length === 0) return '';
  const head = ['Incident', 'Page', ...INCIDENT_COLUMNS, 'Minutes to acknowledge', 'Minutes to first action']
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join('');
  const rows = a.incidents
    .map((i) => {
      const cells = [i.id, `${i.severity} ${i.pageKind}: ${i.dependencies.join(', ')}`, ...incidentCells(i)]
        .map((c) => `<td>${escapeHtml(c)}</td>`)
        .join('');
      return `<tr>${cells}<td class="num">${minutesOrDash(i.minutesToAcknowledge)}</td><td class="num">${minutesOrDash(i.minutesToFirstAction)}</td></tr>`;
    })
    .join('\n');
  return `<section><h2>Incidents (${a.incidents.length})</h2><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></section>\n`;
}

/** One file with inline styles and no script, font, image or link that leaves the file. */
export function renderHtml(a: Account): string {
  const tz = escapeHtml(a.timeZoneLabel);
  const figures = FIGURE_ORDER.map((name) => figureHtml(a, name)).join('\n');
  const notes =
    a.notes.length > 0
      ? `<section><h2>Notes</h2><ul>${a.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`
      : '';
  const rows = a.events.map((e, i) => eventRowHtml(e, i, !zoneIsUtc(a))).join('\n');
  const incidents = incidentsHtml(a);
  const evidence =
    a.origin === 'rehearsal'
      ? 'a simulator rehearsal'
      : 'CloudWatch alarm history, the depmon page log, probe metrics';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(a.title)}</title>
<style>
${ACCOUNT_CSS}
</style>
</head>
<body>
<h1>${escapeHtml(a.title)}</h1>
<p class="meta">${escapeHtml(a.window.from.local)} to ${escapeHtml(a.window.to.local)}${zoneIsUtc(a) ? '' : ` (${escapeHtml(utcTime(new Date(a.window.from.at)))} to ${escapeHtml(utcTime(new Date(a.window.to.at)))})`} · monitor <code>${escapeHtml(a.monitor)}</code> · ${escapeHtml(timesIn(a))} · evidence: ${escapeHtml(evidence)}${a.generatedAt ? ` · generated ${escapeHtml(a.generatedAt)}` : ''}</p>
<section><h2>Figures</h2><div class="figs">
${figures}
</div></section>
${incidents}${notes}
<section><h2>Events (${a.events.length})</h2>
${a.events.length === 0 ? '<p>No events in the window.</p>' : `<table><thead><tr><th>#</th><th>UTC</th>${zoneIsUtc(a) ? '' : `<th>${tz}</th>`}<th>Min</th><th>Kind</th><th>Source</th><th>What happened</th></tr></thead><tbody>\n${rows}\n</tbody></table>`}
</section>
</body>
</html>
`;
}

export function renderTimeline(a: Account, format: TimelineFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(a);
    case 'html':
      return renderHtml(a);
    case 'csv':
      return renderCsv(a);
    case 'json':
      return renderJson(a);
  }
}

/** The format a file name asks for, or undefined for an extension depmon does not write. */
export function formatForFile(file: string): TimelineFormat | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext === 'md' || ext === 'markdown') return 'md';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  return undefined;
}
