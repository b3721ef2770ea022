// Assertion regexes (bodyMatches, bodyNotMatches, json[].matches, responseHeaders[].matches) run on text a server
// controls, synchronously: a backtracking engine (`^(a+)+$` against "aaaa…!") would hold the event loop, and with it
// every probe's timeout. They run on RE2 (re2js), whose matching time grows linearly with the text; the patterns RE2
// cannot run (backreferences, lookaround) are refused when the config is validated, by the same function.
import { RE2JS } from 're2js';

export interface AssertionRegex {
  /** True when the pattern matches anywhere in `text` (as RegExp#test without flags). */
  test(text: string): boolean;
}

/** The pattern as a linear-time matcher, or why it cannot be one (a short, user-facing expectation). */
export function compileAssertionRegex(
  source: string,
): { ok: true; regex: AssertionRegex } | { ok: false; problem: string } {
  const unsupported = unsupportedFeature(source);
  if (unsupported)
    return {
      ok: false,
      problem: `expected a regular expression without ${unsupported} (regexes run on RE2, which matches in linear time)`,
    };
  try {
    // JavaScript syntax stays valid (the config reference documents JS regexes): `\u00e9`, `(?<n>…)`, `\cA`.
    new RegExp(source);
  } catch (e) {
    return { ok: false, problem: `expected a valid regular expression (${firstLine(e)})` };
  }
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(source));
    return { ok: true, regex: { test: (text) => re.test(text) } };
  } catch (e) {
    return {
      ok: false,
      problem: `expected a regular expression RE2 can run (${firstLine(e).replace(/^error parsing regexp: /, '')})`,
    };
  }
}

/**
 * Backreferences and lookaround, which RE2 has no linear-time way to run. Found by a scan rather than left to RE2:
 * translateRegExp would read `\k<name>` as the literal "k<name>" (as JavaScript does without named groups).
 */
function unsupportedFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(n)) return `backreferences (\\${n})`;
      if (!inClass && n === 'k' && source[i + 2] === '<') return 'backreferences (\\k<…>)';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!')) return 'lookahead ((?= or (?!)';
      if (kind === '<=' || kind === '<!') return 'lookbehind ((?<= or (?<!)';
    }
  }
  return undefined;
}

function firstLine(e: unknown): string {
  return ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').slice(0, 200);
}
