// Composite alarm rules: building them as text (the exact string CloudFormation receives) and
// evaluating them against alarm states, so the simulator and the paging core read a rule the way
// CloudWatch does. Only the subset depmon emits is supported: ALARM/OK/INSUFFICIENT_DATA("name"),
// TRUE, FALSE, AND, OR, NOT, parentheses and AT_LEAST(n, STATE, ("a", "b", ...)).

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
const STATES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** `ALARM("name")`. Names are depmon's own (`[A-Za-z0-9-]`), so no quoting issues arise. */
export const alarmIs = (name: string, state: AlarmStateValue = 'ALARM'): string => `${state}("${name}")`;

/** `(a OR b OR c)`; a single operand stays bare. */
export function anyOf(operands: readonly string[]): string {
  if (operands.length === 0) throw new Error('anyOf needs at least one operand');
  return operands.length === 1 ? operands[0]! : `(${operands.join(' OR ')})`;
}

export function allOf(operands: readonly string[]): string {
  if (operands.length === 0) throw new Error('allOf needs at least one operand');
  return operands.length === 1 ? operands[0]! : `(${operands.join(' AND ')})`;
}

export const not = (operand: string): string => `NOT ${operand}`;

/** `AT_LEAST(n, ALARM, ("a", "b"))`: true when at least n of the named alarms are in that state. */
export function atLeast(n: number, names: readonly string[], state: AlarmStateValue = 'ALARM'): string {
  return `AT_LEAST(${n}, ${state}, (${names.map((x) => `"${x}"`).join(', ')}))`;
}

/** Every alarm name a rule refers to, in order of first appearance. */
export function ruleAlarmNames(rule: string): string[] {
  const out: string[] = [];
  for (const m of rule.matchAll(/"([^"]+)"/g)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/**
 * Elements of a rule as CloudWatch counts them toward its 500-element limit: each alarm reference,
 * function, operator and boolean constant.
 */
export function ruleElementCount(rule: string): number {
  return tokenize(rule).filter((t) => t.type !== '(' && t.type !== ')' && t.type !== ',').length;
}

type Token =
  | { type: 'state'; value: AlarmStateValue }
  | { type: 'name'; value: string }
  | { type: 'num'; value: number }
  | { type: 'AND' | 'OR' | 'NOT' | 'TRUE' | 'FALSE' | 'AT_LEAST' | '(' | ')' | ',' };

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:"([^"]*)"|(\d+)|(ALARM|OK|INSUFFICIENT_DATA|AND|OR|NOT|TRUE|FALSE|AT_LEAST)\b|([(),]))/y;
  let i = 0;
  while (i < rule.length) {
    if (/^\s*$/.test(rule.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(rule);
    if (!m) throw new Error(`alarm rule: unexpected text at ${i}: ${rule.slice(i, i + 20)}`);
    i = re.lastIndex;
    if (m[1] !== undefined) out.push({ type: 'name', value: m[1] });
    else if (m[2] !== undefined) out.push({ type: 'num', value: Number(m[2]) });
    else if (m[3] !== undefined) {
      const w = m[3];
      if ((STATES as readonly string[]).includes(w)) out.push({ type: 'state', value: w as AlarmStateValue });
      else out.push({ type: w as 'AND' });
    } else out.push({ type: m[4] as '(' });
  }
  return out;
}

/**
 * Evaluates a composite rule. `stateOf` gives each referenced alarm's current state (undefined counts as
 * INSUFFICIENT_DATA, as for an alarm CloudWatch has not evaluated yet). NOT binds tighter than AND,
 * AND tighter than OR, as in CloudWatch's rule syntax.
 */
export function evaluateRule(rule: string, stateOf: (name: string) => AlarmStateValue | undefined): boolean {
  const toks = tokenize(rule);
  let p = 0;
  const peek = () => toks[p];
  const expect = (type: Token['type']) => {
    const t = toks[p++];
    if (!t || t.type !== type) throw new Error(`alarm rule: expected ${type} in ${rule}`);
    return t;
  };
  const state = (name: string) => stateOf(name) ?? 'INSUFFICIENT_DATA';
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek()?.type === 'OR') {
      p++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = unary();
    while (peek()?.type === 'AND') {
      p++;
      const r = unary();
      v = v && r;
    }
    return v;
  };
  const unary = (): boolean => {
    const t = toks[p++];
    if (!t) throw new Error(`alarm rule: unexpected end of ${rule}`);
    switch (t.type) {
      case 'NOT':
        return !unary();
      case 'TRUE':
        return true;
      case 'FALSE':
        return false;
      case '(': {
        const v = orExpr();
        expect(')');
        return v;
      }
      case 'state': {
        expect('(');
        const n = expect('name') as { value: string };
        expect(')');
        return state(n.value) === t.value;
      }
      case 'AT_LEAST': {
        expect('(');
        const n = (expect('num') as { value: number }).value;
        expect(',');
        let negate = false;
        if (peek()?.type === 'NOT') {
          p++;
          negate = true;
        }
        const s = (expect('state') as { value: AlarmStateValue }).value;
        expect(',');
        expect('(');
        const names: string[] = [(expect('name') as { value: string }).value];
        while (peek()?.type === ',') {
          p++;
          names.push((expect('name') as { value: string }).value);
        }
        expect(')');
        expect(')');
        const hits = names.filter((x) => (state(x) === s) !== negate).length;
        return hits >= n;
      }
      default:
        throw new Error(`alarm rule: unexpected ${t.type} in ${rule}`);
    }
  };
  const v = orExpr();
  if (p !== toks.length) throw new Error(`alarm rule: trailing text in ${rule}`);
  return v;
}
