// Config errors as data: every problem in a file, each with its field path, what was expected and a hint.
import type { z } from 'zod';

export interface ConfigProblem {
  /** Field path as users write it, e.g. `dependencies[3].http.url`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

/** Thrown by the loaders; the CLI prints `format()` and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(file, problems));
    this.name = 'ConfigError';
  }
}

function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}${p.hint ? `\n  Hint: ${p.hint}` : ''}`)
    .join('\n');
}

/** `['dependencies', 3, 'http', 'url']` → `dependencies[3].http.url`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      out += /^[A-Za-z_$][\w$-]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

const HINTS: Record<string, string> = {
  homeRegion: 'the region where alarms, pages and the dashboard live',
  probeRegions: 'regions the probes run from, e.g. ["ap-northeast-2", "ap-northeast-1", "ap-northeast-3"]',
};

/** zod issues → problems, with unknown keys named one by one. */
export function problemsFromZod(
  error: z.ZodError,
  unknownKeyHint = 'check the spelling against the config reference in docs/config.md',
  /** The value as read, when known: a field absent from it is reported as required, not as a wrong value. */
  raw?: unknown,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const isMissing = (issue: z.core.$ZodIssue) =>
    raw !== undefined &&
    issue.code === 'invalid_type' &&
    issue.path.length > 0 &&
    valueAt(raw, issue.path) === undefined;
  // Required keys missing per object, so an unknown key beside one can be named as its likely typo.
  const missingIn = new Map<string, string[]>();
  for (const issue of error.issues) {
    const key = issue.path[issue.path.length - 1];
    if (!isMissing(issue) || typeof key !== 'string') continue;
    const parent = formatPath(issue.path.slice(0, -1));
    missingIn.set(parent, [...(missingIn.get(parent) ?? []), key]);
  }
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const near = (missingIn.get(formatPath(issue.path)) ?? []).find((m) => editDistance(m, key) <= 2);
        out.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key "${key}"`,
          hint: near ? `did you mean "${near}"? ${unknownKeyHint}` : unknownKeyHint,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors)) {
      // A union failed every branch: report the message of the branch that got furthest.
      const branches = issue.errors as z.core.$ZodIssue[][];
      const best = branches.reduce(
        (a, b) => (b.length > 0 && (a.length === 0 || b.length < a.length) ? b : a),
        [] as z.core.$ZodIssue[],
      );
      if (best.length > 0 && issue.message.startsWith('Invalid input')) {
        for (const sub of best)
          out.push({
            path: formatPath([...issue.path, ...sub.path]),
            message: plainTypeMessage(sub.message),
          });
        continue;
      }
    }
    const path = formatPath(issue.path);
    const top = typeof issue.path[0] === 'string' ? issue.path[0] : '';
    const hint = issue.path.length === 1 ? HINTS[top] : undefined;
    const plain = plainTypeMessage(issue.message);
    const message = isMissing(issue) && !plain.startsWith('required') ? `required: ${plain}` : plain;
    out.push(hint ? { path, message, hint } : { path, message });
  }
  return out;
}

/** How a config author names zod's type words ("array" is a list in YAML and JSON alike). */
const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object (key: value pairs)',
  null: 'null',
  undefined: 'nothing',
};

/**
 * zod's default type and bound messages ("Invalid input: expected number, received string") in the house form
 * ("expected a number, got a string"), so a quoted `"60"` or `critical: "yes"` reads as a fix, not a trace.
 */
function plainTypeMessage(message: string): string {
  // "Too small: expected number to be >=1", "Too big: expected array to have <=5 items"
  const bound =
    /^Too (?:small|big): expected (\w+) to (?:be|have) ([<>])(=?)(\S+)( items| characters)?$/.exec(message);
  if (bound) {
    const [, what = '', dir = '', eq = '', limit = '', unit = ''] = bound;
    const word = dir === '>' ? (eq ? 'at least' : 'more than') : eq ? 'at most' : 'less than';
    const noun = unit ? unit.trim() : what === 'number' ? '' : ` ${what}`;
    return `expected ${word} ${limit}${noun ? ` ${noun.trim()}` : ''}`;
  }
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!m) return message;
  const [, expected = '', received = ''] = m;
  if (received === 'undefined') return `required: expected ${TYPE_WORDS[expected] ?? expected}`;
  const got = received === 'object' ? 'an object' : (TYPE_WORDS[received] ?? received);
  return `expected ${TYPE_WORDS[expected] ?? expected}, got ${got}`;
}

/** The value at a zod path inside a plain value, or undefined. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** Levenshtein distance, for "did you mean" on short key names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] ?? 0;
}
