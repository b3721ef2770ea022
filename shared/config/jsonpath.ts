// The JSONPath subset of `json[].path` assertions: `$`, `.key`, `['key']` / `["key"]`, `[0]`, `[*]` and `.*`.
// Parsed here, so validation refuses what the probe could not select (`$..deep`) instead of every probe failing.

export type JsonPathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' };

/** The segments of `path`, or undefined for anything outside the subset. */
export function parseJsonPath(path: string): JsonPathSegment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: JsonPathSegment[] = [];
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
const SEGMENT_SYNTAX: readonly [RegExp, (m: RegExpExecArray) => JsonPathSegment][] = [
  [/^(?:\.\*|\[\*\])/, () => ({ kind: 'wildcard' })],
  [/^\.([A-Za-z_$][\w$-]*)/, (m) => ({ kind: 'key', key: m[1]! })],
  [/^\[(\d+)\]/, (m) => ({ kind: 'index', index: Number(m[1]) })],
  [/^\['((?:[^'\\]|\\.)*)'\]/, (m) => ({ kind: 'key', key: unquote(m[1]!) })],
  [/^\["((?:[^"\\]|\\.)*)"\]/, (m) => ({ kind: 'key', key: unquote(m[1]!) })],
];
