// The assertion helpers on their own: status sets and the JSONPath subset.

import { describe, expect, it } from 'vitest';
import { checkJson, parseJsonPath, selectJsonPath, statusMatches } from '#shared/probe';

describe('statusMatches', () => {
  it.each([
    [200, [200], true],
    [204, ['2xx'], true],
    [302, ['2xx'], false],
    [203, ['200-204'], true],
    [205, ['200-204'], false],
    [503, [200, '5xx'], true],
  ] as const)('%i against %j → %s', (code, specs, want) => {
    expect(statusMatches(code, specs)).toBe(want);
  });
});

describe('JSONPath subset', () => {
  const doc = { a: { b: [{ state: 'ok' }, { state: 'down' }] }, 'k-1': 7, list: [1, 2] };

  it.each([
    ['$.a.b[0].state', ['ok']],
    ["$['k-1']", [7]],
    ['$["k-1"]', [7]],
    ['$.a.b[*].state', ['ok', 'down']],
    ['$.list.*', [1, 2]],
    ['$.missing', []],
    ['$.list[5]', []],
  ])('%s selects %j', (path, want) => {
    const segments = parseJsonPath(path);
    expect(segments).toBeDefined();
    expect(selectJsonPath(doc, segments!)).toEqual(want);
  });

  it('refuses syntax outside the subset', () => {
    expect(parseJsonPath('$..deep')).toBeUndefined();
    expect(parseJsonPath('a.b')).toBeUndefined();
  });

  it('explains the first failing assertion; a wildcard must hold for every value', () => {
    const body = JSON.stringify(doc);
    expect(checkJson(body, [{ path: '$.a.b[*].state', equals: 'ok' }])).toBe(
      '$.a.b[*].state: expected "ok", got "down"',
    );
    expect(checkJson(body, [{ path: '$.a.b[*].state', matches: '^(ok|down)$' }])).toBeUndefined();
    expect(checkJson(body, [{ path: '$.nope', exists: true }])).toBe('$.nope: not found');
    expect(checkJson(body, [{ path: '$.nope', exists: false }])).toBeUndefined();
    expect(checkJson('<html>', [{ path: '$.a', exists: true }])).toBe('body is not JSON');
  });
});
