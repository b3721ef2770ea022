// Response assertions: expected status sets, a JSONPath subset, body regexes and header checks.
// Each returns undefined when it holds, else a short explanation. Server text in an explanation goes through
// `clean` (the probe's redaction) before it is escaped or cut, so no form of a secret survives in part.
import {
  type AssertionRegex,
  compileAssertionRegex,
  type HttpCheck,
  type JsonPathSegment,
  parseJsonPath,
} from '#shared/config';

export { parseJsonPath };

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

/** Every value the path selects in `doc` (several with wildcards). */
export function selectJsonPath(doc: unknown, segments: readonly JsonPathSegment[]): unknown[] {
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

/** Removes secrets from server text; the identity where a probe resolved none. */
export type Redactor = (text: string) => string;
const asIs: Redactor = (s) => s;

/** A value for an explanation: redacted raw and as JSON (which escapes quotes and backslashes), then cut. */
function show(v: unknown, clean: Redactor): string {
  const raw = typeof v === 'string' ? clean(v) : v;
  const s = clean(JSON.stringify(raw) ?? String(raw));
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/**
 * JSON assertions. With a wildcard, `equals`/`matches` must hold for every selected value and
 * `exists: true` for at least one.
 */
export function checkJson(
  bodyText: string,
  assertions: HttpCheck['json'],
  clean: Redactor = asIs,
): string | undefined {
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
      if (values.length > 0) return `${a.path}: expected absent, found ${show(values[0], clean)}`;
      continue;
    }
    if (values.length === 0) return `${a.path}: not found`;
    if (a.equals !== undefined) {
      const bad = values.findIndex((v) => v !== a.equals);
      if (bad >= 0) return `${a.path}: expected ${show(a.equals, asIs)}, got ${show(values[bad], clean)}`;
    }
    if (a.matches !== undefined) {
      const re = regex(a.matches);
      if (!re) return `${a.path}: invalid regular expression ${show(a.matches, asIs)}`;
      const bad = values.findIndex((v) => !re.test(typeof v === 'string' ? v : JSON.stringify(v)));
      if (bad >= 0) return `${a.path}: expected to match /${a.matches}/, got ${show(values[bad], clean)}`;
    }
  }
  return undefined;
}

export function checkBody(bodyText: string, check: HttpCheck): string | undefined {
  for (const src of check.bodyMatches) {
    const re = regex(src);
    if (!re?.test(bodyText)) return `body does not match /${src}/`;
  }
  for (const src of check.bodyNotMatches) {
    const re = regex(src);
    if (!re || re.test(bodyText)) return `body matches /${src}/`;
  }
  return undefined;
}

export function checkHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  assertions: HttpCheck['responseHeaders'],
  clean: Redactor = asIs,
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
      return `header ${a.name}: expected ${show(a.equals, asIs)}, got ${show(value, clean)}`;
    if (a.matches !== undefined && !regex(a.matches)?.test(value))
      return `header ${a.name}: expected to match /${a.matches}/, got ${show(value, clean)}`;
  }
  return undefined;
}

/** Compiled assertion regexes, by source: a probe cycle runs the same few patterns every round. */
const compiled = new Map<string, AssertionRegex | undefined>();
const MAX_COMPILED = 512;

/** The pattern on RE2 (linear time; see #shared/config regex.ts), or undefined if it cannot run there. */
function regex(src: string): AssertionRegex | undefined {
  if (compiled.has(src)) return compiled.get(src);
  const c = compileAssertionRegex(src);
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  const re = c.ok ? c.regex : undefined;
  compiled.set(src, re);
  return re;
}
