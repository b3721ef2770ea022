// `depmon check [--config FILE] [--json]`: probes every dependency once from this machine and prints a table
// (or one JSON object). Exit 0 when all are up or degraded, 1 when any is down, 2 on bad usage or config.
import {
  configWarnings,
  envSecretResolver,
  loadConfigFile,
  type MonitorConfig,
  resolveConfigFile,
} from '#shared/config';
import { type ProbeOptions, type ProbeResult, probeAll } from '#shared/probe';
import type { CliIO } from '../main.ts';
import { parseCliArgs } from '../usage.ts';

const USAGE = `Usage: depmon check [--config FILE] [--json]

Probes every dependency in the monitor config once, from this machine.
  --config FILE  the config (default: monitor.config.ts, .json or .yaml in this directory)
  --json         print one JSON object: {"results":[{"dependency","tier","status","latencyMs","reason"?,"detail"?,
                 "httpStatus"?,"timings"?,"certDaysLeft"?,"addresses"?}]}

Exit codes: 0 all up or degraded, 1 any down, 2 bad usage or bad config.
`;

/** A progress line appears only once a cycle has taken this long (and only on a terminal). */
export const PROGRESS_AFTER_MS = 1000;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCliArgs(args, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const { file } = resolveConfigFile({ cwd: io.cwd, command: 'check', named: values.config });
  const { config, file: shown } = await loadConfigFile(file, io.cwd);
  for (const w of configWarnings(config)) io.stderr.write(`depmon: warning: ${shown}: ${w}\n`);
  return check(config, io, { json: values.json === true });
}

export interface CheckOptions {
  readonly json: boolean;
  /** Extra probe options (e.g. host overrides and a CA for `npm start`'s loopback stand-ins). */
  readonly probe?: ProbeOptions;
}

/** Probes a loaded config and prints the outcome; returns the exit code. Reused by `depmon start`. */
export async function check(config: MonitorConfig, io: CliIO, opts: CheckOptions): Promise<number> {
  const progress = progressLine(io, config.dependencies.length);
  let results: ProbeResult[];
  try {
    results = await probeAll(config.dependencies, {
      region: 'local',
      concurrency: config.concurrency,
      resolvers: config.resolvers,
      secrets: envSecretResolver(io.env),
      ...opts.probe,
      onResult: (r, done, total) => {
        progress.update(done, total, r.status);
        opts.probe?.onResult?.(r, done, total);
      },
    });
  } finally {
    progress.clear();
  }
  io.stdout.write(opts.json ? `${JSON.stringify({ results: results.map(jsonRow) })}\n` : table(results));
  return results.some((r) => r.status === 'down') ? 1 : 0;
}

/** One result as README "Probe results and reason codes" lists it: every field the probe had, none invented. */
function jsonRow(r: ProbeResult) {
  return {
    dependency: r.dependency,
    tier: r.tier,
    status: r.status,
    latencyMs: r.latencyMs,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
    ...(r.timings ? { timings: r.timings } : {}),
    ...(r.certDaysLeft !== undefined ? { certDaysLeft: r.certDaysLeft } : {}),
    ...(r.addresses ? { addresses: r.addresses } : {}),
  };
}

/** Failing first: down, then degraded, then up; the config's order within each. */
const STATUS_ORDER: Record<ProbeResult['status'], number> = { down: 0, degraded: 1, up: 2 };

/**
 * The human table: the summary first (at 1,000 dependencies the failing ones must not scroll away), one row
 * per dependency with the failing ones on top, and the summary again at the end, where a terminal leaves it.
 */
export function table(results: readonly ProbeResult[]): string {
  const ordered = results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => STATUS_ORDER[a.r.status] - STATUS_ORDER[b.r.status] || a.i - b.i)
    .map(({ r }) => r);
  const rows = [
    ['DEPENDENCY', 'TIER', 'STATUS', 'LATENCY', 'REASON / DETAIL'],
    ...ordered.map((r) => [
      r.dependency,
      r.tier,
      r.status.toUpperCase(),
      // Whole milliseconds read best in a table; --json carries the microseconds.
      `${Math.round(r.latencyMs)} ms`,
      r.reason ? `${r.reason}${r.detail ? `: ${r.detail}` : ''}` : '',
    ]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : c < 4 ? cell.padEnd(widths[c]!) : cell))
      .join('  ')
      .trimEnd(),
  );
  const summary = summaryLine(results);
  return `${results.length} dependencies: ${summary}\n\n${lines.join('\n')}\n\n${summary}\n`;
}

function summaryLine(results: readonly ProbeResult[]): string {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return `${count('up')} up, ${count('degraded')} degraded, ${count('down')} down`;
}

/**
 * "probing… 3/10" (and "(2 down)" once any is) on a terminal's stderr once the cycle passes PROGRESS_AFTER_MS;
 * erased at the end. Not on a pipe or file: there a redrawn line is noise, and the summary says it all.
 */
function progressLine(io: CliIO, count: number) {
  const tty = io.stderr.isTTY === true;
  const started = Date.now();
  let done = 0;
  let down = 0;
  let total = count;
  let shown = false;
  const draw = () => {
    if (total === 0 || done >= total) return;
    io.stderr.write(`\r\x1b[Kprobing… ${done}/${total}${down > 0 ? ` (${down} down)` : ''}`);
    shown = true;
  };
  const timer = tty ? setTimeout(draw, PROGRESS_AFTER_MS) : undefined;
  return {
    update(d: number, t: number, status: ProbeResult['status']) {
      done = d;
      total = t;
      if (status === 'down') down++;
      if (tty && Date.now() - started >= PROGRESS_AFTER_MS) draw();
    },
    clear() {
      clearTimeout(timer);
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}
