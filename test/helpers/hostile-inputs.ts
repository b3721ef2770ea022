// Generators of hostile config and scenario inputs for the loaders' property-based tests (fast-check) and the
// bench that times them: a valid document with one to four fields replaced by anything (wrong types, control
// characters, huge or non-finite numbers, deep nesting), keys removed or invented, getters that throw, and raw text.
import fc from 'fast-check';

export const VALID_CONFIG = {
  name: 'bank',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2', 'ap-northeast-1'],
  intervalSeconds: 60,
  policy: { quorum: 1, datapointsToAlarm: 2, evaluationPeriods: 3 },
  resolvers: ['127.0.0.1:5353'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      http: {
        url: 'https://ledger.bank.example/health',
        headers: { Authorization: 'Bearer ${env:TOKEN}' },
        bodyMatches: ['"status":"UP"'],
        json: [{ path: '$.status', equals: 'UP' }],
        responseHeaders: [{ name: 'content-type', matches: '^application/json' }],
      },
    },
    {
      id: 'kakao',
      name: 'Kakao',
      tier: 'third-party',
      group: 'kakao',
      tcp: { host: 'kakao.example', port: 443 },
    },
    { id: 'dns', name: 'DNS', tier: 'third-party', dns: { name: 'kakao.example' } },
    { id: 'cert', name: 'Cert', tier: 'third-party', tls: { host: 'kakao.example', warnDays: 14 } },
  ],
  channels: [{ id: 'oncall', type: 'email', address: 'oncall@bank.example' }],
  routes: [{ id: 'all', kinds: ['core-outage'], channels: ['oncall'] }],
  maintenance: [
    { id: 'weekly', dependencies: '*', recurring: { days: ['sun'], start: '03:00', durationMinutes: 60 } },
  ],
} as const;

export const VALID_SCENARIO = {
  durationMinutes: 30,
  start: '2022-10-15T06:00:00Z',
  events: [
    { at: '5m', dependency: 'kakao', regions: 'all', state: 'down' },
    { at: '10m', dependency: '*', regions: ['ap-northeast-1'], state: 'silent' },
    { at: '15m', dependency: 'ledger', state: 'slow:2500ms' },
  ],
} as const;

/** Strings users and attackers write: control characters, huge ones, lookalikes of the syntax depmon parses. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'a\r\nb',
    '\u0000',
    '${env:X}',
    'Bearer sk_live_1 ${env:X}',
    '^(a+)+$',
    '(a)\\1',
    '(?=x)',
    '[',
    '$..x',
    'https://u:p@h.example/',
    'not a url',
    'AWS/EC2',
    'slow:3000000s',
    'slow:1e400ms',
    'status:999',
    '99999999999h',
    '2026-02-30T00:00:00Z',
    '__proto__',
    'constructor',
    'x'.repeat(5000),
  ),
);

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -1,
    1e9,
    1e300,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
  ),
);

/** Any value a config field could be given. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

type Path = readonly (string | number)[];

/** Every path to a value inside `doc` (objects and arrays, the document itself excluded). */
function paths(doc: unknown, at: Path = []): Path[] {
  if (doc === null || typeof doc !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(doc) ? doc.map((_, i) => i) : Object.keys(doc);
  return keys.flatMap((k) => [
    [...at, k],
    ...paths((doc as Record<string | number, unknown>)[k], [...at, k]),
  ]);
}

type Mutation =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown }
  | { kind: 'throwing-getter'; path: Path };

function mutation(doc: unknown): fc.Arbitrary<Mutation> {
  const all = paths(doc);
  const path = fc.constantFrom(...all);
  return fc.oneof(
    fc.record({ kind: fc.constant('set' as const), path, value: nastyValue }),
    fc.record({ kind: fc.constant('delete' as const), path }),
    fc.record({
      kind: fc.constant('add' as const),
      path: fc.constantFrom([], ...all),
      key: nastyString,
      value: nastyValue,
    }),
    fc.record({ kind: fc.constant('throwing-getter' as const), path }),
  );
}

function apply(doc: unknown, m: Mutation): void {
  const parentPath = m.kind === 'add' ? m.path : m.path.slice(0, -1);
  let parent: unknown = doc;
  for (const seg of parentPath) parent = (parent as Record<string | number, unknown> | null)?.[seg];
  if (parent === null || typeof parent !== 'object') return;
  const target = parent as Record<string | number, unknown>;
  if (m.kind === 'add') {
    Object.defineProperty(target, m.key, {
      value: m.value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    return;
  }
  const key = m.path[m.path.length - 1]!;
  if (m.kind === 'set') target[key] = m.value;
  else if (m.kind === 'delete') delete target[key];
  else
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        throw new Error('a getter that throws');
      },
    });
}

/** `base` with one to four mutations applied in turn, or (one time in ten) any value at all. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  return fc
    .oneof(
      { weight: 9, arbitrary: fc.array(mutation(base), { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: nastyValue.map((v) => ({ whole: v })) },
    )
    .map((ms) => {
      if (!Array.isArray(ms)) return (ms as { whole: unknown }).whole;
      const doc = structuredClone(base) as unknown;
      for (const m of ms) {
        try {
          apply(doc, m);
        } catch {
          // A later mutation through an earlier throwing getter: the getter stays, which is the point.
        }
      }
      return doc;
    });
}

/** File text: the document as JSON or YAML-ish, or either cut and spliced with noise. */
export function fileText(base: unknown): fc.Arbitrary<string> {
  return fc
    .tuple(mutated(base), fc.nat({ max: 4000 }), nastyString, fc.boolean())
    .map(([doc, cut, noise, splice]) => {
      let text: string;
      try {
        text = JSON.stringify(doc, null, 2) ?? 'null';
      } catch {
        text = String(noise);
      }
      return splice ? `${text.slice(0, cut)}${noise}${text.slice(cut)}` : text;
    });
}
