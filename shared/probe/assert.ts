// Response assertions: expected status sets, a JSONPath subset, body regexes and header checks.
// Each returns undefined when it holds, else a short secret-free explanation.
import type { HttpCheck } from '#shared/config';

type StatusSpec = HttpCheck['expectStatus'][number];

/** 200, "2xx" or "200-204". */
export function statusMatches(code: number, specs: readonly StatusSpec[]): boolean {
  return specs.some((s) => {
    if (typeof s === 'number') return code === s;
    const cls = /^([1-5])xx$/.exec(s);
    if (cls) return Math.floor(code / 100) === Number(cls[1]);
    const [lo, hi] = s.split('-').map(Number);
    return lo !== undefined && code >= lo && code <= (hi ?? lo);
  });
}

export function describeStatus(specs: readonly StatusSpec[]): string {
  return specs.map(String).join(', ');
}

type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/**
 * Parses the JSONPath subset depmon supports: `$`, `.key`, `['key']` / `["key"]`, `[0]`, `[*]` and `.*`.
 * Returns undefined for anything else (config validation only checks the leading `$`).
 */
export function parseJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: Segment[] = [];
  let i = 1;
  outer: while (i < path.length) {
    const rest = path.slice(i);
    for (const [re, make] of SEGMENT_SYNTAX) {
      const m = re.exec(rest);
      if (m) {
        out.push(make(m));
        i += m[0].length;
        continue outer;
      }
    }
    return undefined;
  }
  return out;
}

const unquote = (s: string) => s.replace(/\\(.)/g, '$1');
const SEGMENT_SYNTAX: readonly [RegExp, (m: RegExpExecArray) => Segment][] = [
  [/^(?:\.\*|\[\*\])/, () => ({ kind: 'wildcard' })],
  [/^\.([A-Za-z_$][\w$-]*)/, (m) => ({ kind: 'key', key: m[1]! })],
  [/^\[(\d+)\]/, (m) => ({ kind: 'index', index: Number(m[1]) })],
  [/^\['((?:[^'\\]|\\.)*)'\]/, (m) => ({ kind: 'key', key: unquote(m[1]!) })],
  [/^\["((?:[^"\\]|\\.)*)"\]/, (m) => ({ kind: 'key', key: unquote(m[1]!) })],
];

/** Every value the path selects in `doc` (several with wildcards). */
export function selectJsonPath(doc: unknown, segments: readonly Segment[]): unknown[] {
  let current: unknown[] = [doc];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (seg.kind === 'wildcard') {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
      } else if (seg.kind === 'index') {
        if (Array.isArray(v) && seg.index < v.length) next.push(v[seg.index]);
      } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, seg.key)) {
        next.push((v as Record<string, unknown>)[seg.key]);
      }
    }
    current = next;
  }
  return current;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/**
 * JSON assertions. With a wildcard, `equals`/`matches` must hold for every selected value and
 * `exists: true` for at least one.
 */
export function checkJson(bodyText: string, assertions: HttpCheck['json']): string | undefined {
  if (assertions.length === 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(bodyText);
  } catch {
    return 'body is not JSON';
  }
  for (const a of assertions) {
    const segments = parseJsonPath(a.path);
    if (!segments) return `${a.path}: unsupported JSONPath (use $.a.b, $.a[0], $['k'], [*])`;
    const values = selectJsonPath(doc, segments);
    if (a.exists === false) {
      if (values.length > 0) return `${a.path}: expected absent, found ${show(values[0])}`;
      continue;
    }
    if (values.length === 0) return `${a.path}: not found`;
    if (a.equals !== undefined) {
      const bad = values.findIndex((v) => v !== a.equals);
      if (bad >= 0) return `${a.path}: expected ${show(a.equals)}, got ${show(values[bad])}`;
    }
    if (a.matches !== undefined) {
      const re = safeRegExp(a.matches);
      if (!re) return `${a.path}: invalid regular expression ${show(a.matches)}`;
      const bad = values.findIndex((v) => !re.test(typeof v === 'string' ? v : JSON.stringify(v)));
      if (bad >= 0) return `${a.path}: expected to match /${a.matches}/, got ${show(values[bad])}`;
    }
  }
  return undefined;
}

export function checkBody(bodyText: string, check: HttpCheck): string | undefined {
  for (const src of check.bodyMatches) {
    const re = safeRegExp(src);
    if (!re?.test(bodyText)) return `body does not match /${src}/`;
  }
  for (const src of check.bodyNotMatches) {
    const re = safeRegExp(src);
    if (!re || re.test(bodyText)) return `body matches /${src}/`;
  }
  return undefined;
}

export function checkHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  assertions: HttpCheck['responseHeaders'],
): string | undefined {
  for (const a of assertions) {
    const raw = headers[a.name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (a.exists === false) {
      if (value !== undefined) return `header ${a.name}: expected absent`;
      continue;
    }
    if (value === undefined) return `header ${a.name}: missing`;
    if (a.equals !== undefined && value !== a.equals)
      return `header ${a.name}: expected ${show(a.equals)}, got ${show(value)}`;
    if (a.matches !== undefined && !safeRegExp(a.matches)?.test(value))
      return `header ${a.name}: expected to match /${a.matches}/, got ${show(value)}`;
  }
  return undefined;
}

function safeRegExp(src: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    return undefined;
  }
}
