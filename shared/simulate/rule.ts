// Composite alarm rules (`AlarmRule` strings) parsed into a small tree, and evaluated against child alarm states.
// Grammar as CloudWatch documents it: ALARM(), OK(), INSUFFICIENT_DATA(), AND, OR, NOT, TRUE, FALSE,
// parentheses and AT_LEAST(n|n%, [NOT] STATE, (alarm, …)). Alarm names may be quoted, bare, or ARNs.

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export type RuleNode =
  | { readonly type: 'const'; readonly value: boolean }
  | { readonly type: 'state'; readonly state: AlarmState; readonly alarm: string }
  | { readonly type: 'not'; readonly expr: RuleNode }
  | { readonly type: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode }
  | {
      readonly type: 'atLeast';
      readonly count: number;
      readonly percent: boolean;
      readonly state: AlarmState;
      readonly negate: boolean;
      readonly alarms: readonly string[];
    };

/** A composite rule may name at most 100 alarms (CloudWatch PutCompositeAlarm, AlarmRule). */
export const RULE_MAX_ALARMS = 100;
/** A composite rule is at most 10,240 characters (CloudWatch PutCompositeAlarm, AlarmRule). */
export const RULE_MAX_CHARS = 10_240;

export class RuleError extends Error {
  constructor(
    readonly rule: string,
    readonly position: number,
    readonly expectation: string,
  ) {
    super(`${expectation} at character ${position + 1} of ${JSON.stringify(shorten(rule))}`);
    this.name = 'RuleError';
  }
}

const shorten = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

type Token =
  | { kind: '(' | ')' | ','; pos: number }
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'quoted'; text: string; pos: number }
  | { kind: 'end'; pos: number };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TRUE', 'FALSE', 'AT_LEAST', ...ALARM_STATES]);

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: c, pos: i });
      i++;
      continue;
    }
    if (c === '"' || c === '“' || c === '”') {
      const start = i;
      i++;
      let text = '';
      while (i < rule.length && rule[i] !== '"' && rule[i] !== '”' && rule[i] !== '“') {
        if (rule[i] === '\\' && i + 1 < rule.length) i++;
        text += rule[i];
        i++;
      }
      if (i >= rule.length) throw new RuleError(rule, start, 'expected a closing quote for the alarm name');
      i++;
      out.push({ kind: 'quoted', text, pos: start });
      continue;
    }
    const start = i;
    while (i < rule.length && !/[\s(),"]/.test(rule[i] as string)) i++;
    out.push({ kind: 'word', text: rule.slice(start, i), pos: start });
  }
  out.push({ kind: 'end', pos: rule.length });
  return out;
}

/** `arn:aws:cloudwatch:region:account:alarm:NAME` → `NAME`; anything else is already a name. */
export function alarmNameFromRef(ref: string): string {
  const m = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref);
  return m ? (m[1] as string) : ref;
}

/** Parses an AlarmRule. Throws RuleError naming the position and what was expected there. */
export function parseRule(rule: string): RuleNode {
  if (rule.trim() === '') throw new RuleError(rule, 0, 'expected a rule expression, got an empty rule');
  if (rule.length > RULE_MAX_CHARS)
    throw new RuleError(rule, RULE_MAX_CHARS, `expected at most ${RULE_MAX_CHARS} characters`);
  const tokens = tokenize(rule);
  let k = 0;
  const peek = () => tokens[k] as Token;
  const next = () => tokens[k++] as Token;
  const describe = (t: Token) =>
    t.kind === 'end'
      ? 'the end of the rule'
      : t.kind === 'word'
        ? `"${t.text}"`
        : t.kind === 'quoted'
          ? `"\\"${t.text}\\""`
          : `"${t.kind}"`;
  const fail = (t: Token, what: string): never => {
    throw new RuleError(rule, t.pos, `expected ${what}, got ${describe(t)}`);
  };
  const isWord = (t: Token, w: string) => t.kind === 'word' && t.text === w;
  const expect = (kind: '(' | ')' | ',', what: string) => {
    const t = next();
    if (t.kind !== kind) fail(t, what);
  };

  const alarmName = (): string => {
    const t = next();
    if (t.kind === 'quoted') {
      if (t.text.trim() === '') fail(t, 'an alarm name');
      return alarmNameFromRef(t.text);
    }
    if (t.kind === 'word' && !KEYWORDS.has(t.text)) return alarmNameFromRef(t.text);
    return fail(t, 'an alarm name (quoted, bare or an alarm ARN)');
  };

  const primary = (): RuleNode => {
    const t = next();
    if (t.kind === '(') {
      const e = orExpr();
      expect(')', 'a closing ")"');
      return e;
    }
    if (t.kind === 'word') {
      if (t.text === 'TRUE') return { type: 'const', value: true };
      if (t.text === 'FALSE') return { type: 'const', value: false };
      if ((ALARM_STATES as readonly string[]).includes(t.text)) {
        expect('(', `"(" after ${t.text}`);
        const alarm = alarmName();
        expect(')', `")" after the alarm name in ${t.text}(…)`);
        return { type: 'state', state: t.text as AlarmState, alarm };
      }
      if (t.text === 'AT_LEAST') return atLeast();
      const upper = t.text.toUpperCase();
      if (KEYWORDS.has(upper) && upper !== t.text)
        throw new RuleError(rule, t.pos, `expected upper-case ${upper}, got "${t.text}"`);
    }
    return fail(t, 'ALARM(…), OK(…), INSUFFICIENT_DATA(…), AT_LEAST(…), TRUE, FALSE, NOT or "("');
  };

  const atLeast = (): RuleNode => {
    expect('(', '"(" after AT_LEAST');
    const n = next();
    const m = n.kind === 'word' ? /^(\d+)(%?)$/.exec(n.text) : null;
    if (!m) return fail(n, 'a count or percentage such as 2 or 50% as the first AT_LEAST argument');
    const count = Number(m[1]);
    const percent = m[2] === '%';
    if (percent ? count < 1 || count > 100 : count < 1)
      throw new RuleError(rule, n.pos, 'expected a count of at least 1, or a percentage from 1% to 100%');
    expect(',', '"," after the AT_LEAST count');
    let negate = false;
    if (isWord(peek(), 'NOT')) {
      next();
      negate = true;
    }
    const s = next();
    if (s.kind !== 'word' || !(ALARM_STATES as readonly string[]).includes(s.text))
      fail(s, 'ALARM, OK or INSUFFICIENT_DATA as the AT_LEAST state');
    expect(',', '"," after the AT_LEAST state');
    expect('(', 'a "(" opening the AT_LEAST alarm list');
    const alarms = [alarmName()];
    while (peek().kind === ',') {
      next();
      alarms.push(alarmName());
    }
    expect(')', '")" closing the AT_LEAST alarm list');
    expect(')', '")" closing AT_LEAST');
    if (!percent && count > alarms.length)
      throw new RuleError(rule, n.pos, `expected a count of at most ${alarms.length} (the alarms listed)`);
    return {
      type: 'atLeast',
      count,
      percent,
      state: (s as { text: string }).text as AlarmState,
      negate,
      alarms,
    };
  };

  const notExpr = (): RuleNode => {
    if (isWord(peek(), 'NOT')) {
      next();
      return { type: 'not', expr: notExpr() };
    }
    return primary();
  };
  const andExpr = (): RuleNode => {
    let left = notExpr();
    while (isWord(peek(), 'AND')) {
      next();
      left = { type: 'and', left, right: notExpr() };
    }
    return left;
  };
  const orExpr = (): RuleNode => {
    let left = andExpr();
    while (isWord(peek(), 'OR')) {
      next();
      left = { type: 'or', left, right: andExpr() };
    }
    return left;
  };

  const tree = orExpr();
  const end = peek();
  if (end.kind !== 'end') fail(end, 'AND, OR or the end of the rule');
  const names = ruleAlarms(tree);
  if (names.length > RULE_MAX_ALARMS)
    throw new RuleError(
      rule,
      0,
      `expected at most ${RULE_MAX_ALARMS} alarms in one rule, got ${names.length}`,
    );
  return tree;
}

/** Every alarm a rule names, once each, in order of appearance. */
export function ruleAlarms(node: RuleNode): string[] {
  const out = new Set<string>();
  const walk = (n: RuleNode): void => {
    switch (n.type) {
      case 'state':
        out.add(n.alarm);
        return;
      case 'atLeast':
        for (const a of n.alarms) out.add(a);
        return;
      case 'not':
        walk(n.expr);
        return;
      case 'and':
      case 'or':
        walk(n.left);
        walk(n.right);
        return;
      case 'const':
        return;
    }
  };
  walk(node);
  return [...out];
}

/** True when the rule holds for these child states. A child never evaluated counts as INSUFFICIENT_DATA. */
export function evaluateRule(node: RuleNode, stateOf: (alarm: string) => AlarmState): boolean {
  switch (node.type) {
    case 'const':
      return node.value;
    case 'state':
      return stateOf(node.alarm) === node.state;
    case 'not':
      return !evaluateRule(node.expr, stateOf);
    case 'and':
      return evaluateRule(node.left, stateOf) && evaluateRule(node.right, stateOf);
    case 'or':
      return evaluateRule(node.left, stateOf) || evaluateRule(node.right, stateOf);
    case 'atLeast': {
      const hits = node.alarms.filter((a) => (stateOf(a) === node.state) !== node.negate).length;
      const need = node.percent ? Math.ceil((node.count / 100) * node.alarms.length) : node.count;
      return hits >= need;
    }
  }
}
