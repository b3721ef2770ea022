// Composite alarm rules (`AlarmRule`), the one rule module: the builders the plan writes rules with (the exact
// text CloudFormation receives), a parser to a small tree, CloudWatch's limits checked on that tree, and an
// evaluator over child alarm states. Grammar as CloudWatch documents it: ALARM(), OK(), INSUFFICIENT_DATA(),
// AND, OR, NOT, TRUE, FALSE, parentheses and AT_LEAST(n|n%, [NOT] STATE, (alarm, …)); names quoted, bare or ARNs.
import { ALARM_STATES, type AlarmLimits, type AlarmState, CLOUDWATCH_LIMITS } from './cloudwatch.ts';

// ── Building rules ────────────────────────────────────────────────────────────────────────────

/** `ALARM("name")`. Names are depmon's own (`[A-Za-z0-9-]`), so no quoting issues arise. */
export const alarmIs = (name: string, state: AlarmState = 'ALARM'): string => `${state}("${name}")`;

/** `(a OR b OR c)`; a single operand stays bare. */
export function anyOf(operands: readonly string[]): string {
  if (operands.length === 0) throw new Error('anyOf needs at least one operand');
  return operands.length === 1 ? operands[0]! : `(${operands.join(' OR ')})`;
}

/** `(a AND b AND c)`; a single operand stays bare. */
export function allOf(operands: readonly string[]): string {
  if (operands.length === 0) throw new Error('allOf needs at least one operand');
  return operands.length === 1 ? operands[0]! : `(${operands.join(' AND ')})`;
}

export const not = (operand: string): string => `NOT ${operand}`;

/** `AT_LEAST(n, ALARM, ("a", "b"))`: true when at least n of the named alarms are in that state. */
export function atLeast(n: number, names: readonly string[], state: AlarmState = 'ALARM'): string {
  return `AT_LEAST(${n}, ${state}, (${names.map((x) => `"${x}"`).join(', ')}))`;
}

// ── Reading rules ─────────────────────────────────────────────────────────────────────────────

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
const isState = (w: string): w is AlarmState => (ALARM_STATES as readonly string[]).includes(w);
// The console and the docs show rules with typographic quotes; CloudWatch accepts them.
const QUOTES = new Set(['"', '“', '”']);

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: c, pos: i++ });
    } else if (QUOTES.has(c)) {
      const start = i++;
      let text = '';
      while (i < rule.length && !QUOTES.has(rule[i] as string)) {
        if (rule[i] === '\\' && i + 1 < rule.length) i++;
        text += rule[i++];
      }
      if (i >= rule.length) throw new RuleError(rule, start, 'expected a closing quote for the alarm name');
      i++;
      out.push({ kind: 'quoted', text, pos: start });
    } else {
      const start = i;
      while (i < rule.length && !/[\s(),"]/.test(rule[i] as string)) i++;
      out.push({ kind: 'word', text: rule.slice(start, i), pos: start });
    }
  }
  out.push({ kind: 'end', pos: rule.length });
  return out;
}

/** `arn:aws:cloudwatch:region:account:alarm:NAME` → `NAME`; anything else is already a name. */
export function alarmNameFromRef(ref: string): string {
  const m = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref);
  return m ? (m[1] as string) : ref;
}

/**
 * Parses an AlarmRule (syntax only; ruleLimitProblems checks CloudWatch's limits). NOT binds tighter than AND,
 * AND tighter than OR. Throws RuleError naming the position and what was expected there.
 */
export function parseRule(rule: string): RuleNode {
  if (rule.trim() === '') throw new RuleError(rule, 0, 'expected a rule expression, got an empty rule');
  return new RuleParser(rule).parse();
}

/** Recursive descent over the tokens: orExpr → andExpr → notExpr → primary. */
class RuleParser {
  private readonly tokens: Token[];
  private k = 0;

  constructor(private readonly rule: string) {
    this.tokens = tokenize(rule);
  }

  parse(): RuleNode {
    const tree = this.orExpr();
    const end = this.peek();
    if (end.kind !== 'end') this.fail(end, 'AND, OR or the end of the rule');
    return tree;
  }

  private peek = () => this.tokens[this.k] as Token;
  private next = () => this.tokens[this.k++] as Token;
  private isWord = (t: Token, w: string) => t.kind === 'word' && t.text === w;

  private fail(t: Token, what: string): never {
    const got =
      t.kind === 'end'
        ? 'the end of the rule'
        : t.kind === 'word'
          ? `"${t.text}"`
          : t.kind === 'quoted'
            ? `"\\"${t.text}\\""`
            : `"${t.kind}"`;
    throw new RuleError(this.rule, t.pos, `expected ${what}, got ${got}`);
  }

  private expect(kind: '(' | ')' | ',', what: string): void {
    const t = this.next();
    if (t.kind !== kind) this.fail(t, what);
  }

  private orExpr(): RuleNode {
    let left = this.andExpr();
    while (this.isWord(this.peek(), 'OR')) {
      this.next();
      left = { type: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): RuleNode {
    let left = this.notExpr();
    while (this.isWord(this.peek(), 'AND')) {
      this.next();
      left = { type: 'and', left, right: this.notExpr() };
    }
    return left;
  }

  private notExpr(): RuleNode {
    if (!this.isWord(this.peek(), 'NOT')) return this.primary();
    this.next();
    return { type: 'not', expr: this.notExpr() };
  }

  private primary(): RuleNode {
    const t = this.next();
    if (t.kind === '(') {
      const e = this.orExpr();
      this.expect(')', 'a closing ")"');
      return e;
    }
    if (t.kind === 'word') {
      if (t.text === 'TRUE') return { type: 'const', value: true };
      if (t.text === 'FALSE') return { type: 'const', value: false };
      if (isState(t.text)) {
        this.expect('(', `"(" after ${t.text}`);
        const alarm = this.alarmName();
        this.expect(')', `")" after the alarm name in ${t.text}(…)`);
        return { type: 'state', state: t.text, alarm };
      }
      if (t.text === 'AT_LEAST') return this.atLeast();
      const upper = t.text.toUpperCase();
      if (KEYWORDS.has(upper) && upper !== t.text)
        throw new RuleError(this.rule, t.pos, `expected upper-case ${upper}, got "${t.text}"`);
    }
    return this.fail(t, 'ALARM(…), OK(…), INSUFFICIENT_DATA(…), AT_LEAST(…), TRUE, FALSE, NOT or "("');
  }

  private alarmName(): string {
    const t = this.next();
    if (t.kind === 'quoted' && t.text.trim() !== '') return alarmNameFromRef(t.text);
    if (t.kind === 'quoted') return this.fail(t, 'an alarm name');
    if (t.kind === 'word' && !KEYWORDS.has(t.text)) return alarmNameFromRef(t.text);
    return this.fail(t, 'an alarm name (quoted, bare or an alarm ARN)');
  }

  /** `AT_LEAST(` was read: the count, the (possibly negated) state and the alarm list. */
  private atLeast(): RuleNode {
    this.expect('(', '"(" after AT_LEAST');
    const n = this.next();
    const m = n.kind === 'word' ? /^(\d+)(%?)$/.exec(n.text) : null;
    if (!m) return this.fail(n, 'a count or percentage such as 2 or 50% as the first AT_LEAST argument');
    const count = Number(m[1]);
    const percent = m[2] === '%';
    if (percent ? count < 1 || count > 100 : count < 1)
      throw new RuleError(
        this.rule,
        n.pos,
        'expected a count of at least 1, or a percentage from 1% to 100%',
      );
    this.expect(',', '"," after the AT_LEAST count');
    const negate = this.isWord(this.peek(), 'NOT');
    if (negate) this.next();
    const s = this.next();
    if (s.kind !== 'word' || !isState(s.text))
      return this.fail(s, 'ALARM, OK or INSUFFICIENT_DATA as the AT_LEAST state');
    this.expect(',', '"," after the AT_LEAST state');
    this.expect('(', 'a "(" opening the AT_LEAST alarm list');
    const alarms = [this.alarmName()];
    while (this.peek().kind === ',') {
      this.next();
      alarms.push(this.alarmName());
    }
    this.expect(')', '")" closing the AT_LEAST alarm list');
    this.expect(')', '")" closing AT_LEAST');
    if (!percent && count > alarms.length)
      throw new RuleError(
        this.rule,
        n.pos,
        `expected a count of at most ${alarms.length} (the alarms listed)`,
      );
    return { type: 'atLeast', count, percent, state: s.text, negate, alarms };
  }
}

/** Every alarm a rule names, once each, in order of appearance. */
export function ruleAlarms(node: RuleNode): string[] {
  const out = new Set<string>();
  const walk = (n: RuleNode): void => {
    if (n.type === 'state') out.add(n.alarm);
    else if (n.type === 'atLeast') for (const a of n.alarms) out.add(a);
    else if (n.type === 'not') walk(n.expr);
    else if (n.type === 'and' || n.type === 'or') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  return [...out];
}

/**
 * Elements as CloudWatch counts them toward its 500-element limit: each alarm reference, function, operator,
 * boolean constant, and AT_LEAST's count and state.
 */
export function ruleElementCount(node: RuleNode): number {
  switch (node.type) {
    case 'const':
      return 1;
    case 'state':
      return 2;
    case 'not':
      return 1 + ruleElementCount(node.expr);
    case 'and':
    case 'or':
      return 1 + ruleElementCount(node.left) + ruleElementCount(node.right);
    case 'atLeast':
      return 3 + (node.negate ? 1 : 0) + node.alarms.length;
  }
}

/** What in a rule breaks CloudWatch's composite limits, one phrase each ("references 120 alarms; …"). */
export function ruleLimitProblems(
  text: string,
  node: RuleNode,
  limits: Omit<AlarmLimits, 'maxParentComposites'> = CLOUDWATCH_LIMITS,
): string[] {
  const problems: string[] = [];
  const children = ruleAlarms(node).length;
  if (children > limits.ruleMaxChildren)
    problems.push(`references ${children} alarms; CloudWatch allows ${limits.ruleMaxChildren}`);
  if (text.length > limits.ruleMaxChars)
    problems.push(`is ${text.length} characters; CloudWatch allows ${limits.ruleMaxChars}`);
  const elements = ruleElementCount(node);
  if (elements > limits.ruleMaxElements)
    problems.push(`has ${elements} elements; CloudWatch allows ${limits.ruleMaxElements}`);
  return problems;
}

// ── Evaluating rules ──────────────────────────────────────────────────────────────────────────

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
