// Metric math for alarms, evaluated one period at a time: arithmetic, comparisons, logic, IF, FILL and the
// per-period aggregate functions an alarm plan uses. Unsupported functions fail at load, naming the function.

export type MathNode =
  | { readonly type: 'num'; readonly value: number }
  | { readonly type: 'str'; readonly value: string }
  | { readonly type: 'id'; readonly id: string }
  | { readonly type: 'neg'; readonly expr: MathNode }
  | { readonly type: 'bin'; readonly op: string; readonly left: MathNode; readonly right: MathNode }
  | { readonly type: 'call'; readonly fn: string; readonly args: readonly MathNode[] }
  | { readonly type: 'array'; readonly items: readonly MathNode[] };

/** Functions evaluated per period. Time-series functions (RATE, DIFF, RUNNING_SUM…) are not modelled. */
export const MATH_FUNCTIONS = [
  'IF',
  'FILL',
  'MAX',
  'MIN',
  'SUM',
  'AVG',
  'ABS',
  'CEIL',
  'FLOOR',
  'METRICS',
  'SQRT',
] as const;

export class MathError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly expectation: string,
  ) {
    super(`${expectation} at character ${position + 1} of ${JSON.stringify(expression)}`);
    this.name = 'MathError';
  }
}

type Tok = { kind: 'num' | 'id' | 'str' | 'op' | 'end'; text: string; pos: number };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '^', '(', ')', ',', '[', ']'];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ kind: 'id', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new MathError(src, i, 'expected a closing quote');
      out.push({ kind: 'str', text: src.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new MathError(src, i, `expected an operator, number, id or function, got "${c}"`);
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  OR: 1,
  '&&': 2,
  AND: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '>': 3,
  '<=': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '^': 6,
};

export function parseMath(src: string): MathNode {
  const toks = lex(src);
  let k = 0;
  const peek = () => toks[k] as Tok;
  const next = () => toks[k++] as Tok;
  const fail = (t: Tok, what: string): never => {
    throw new MathError(src, t.pos, `expected ${what}, got ${t.kind === 'end' ? 'the end' : `"${t.text}"`}`);
  };
  const expectOp = (op: string) => {
    const t = next();
    if (t.kind !== 'op' || t.text !== op) fail(t, `"${op}"`);
  };
  const binOp = (t: Tok): string | undefined => {
    if (t.kind === 'op' && t.text in PRECEDENCE) return t.text;
    if (t.kind === 'id' && (t.text === 'AND' || t.text === 'OR')) return t.text === 'AND' ? '&&' : '||';
    return undefined;
  };

  const unary = (): MathNode => {
    const t = peek();
    if (t.kind === 'op' && t.text === '-') {
      next();
      return { type: 'neg', expr: unary() };
    }
    return atom();
  };
  const atom = (): MathNode => {
    const t = next();
    if (t.kind === 'num') return { type: 'num', value: Number(t.text) };
    if (t.kind === 'str') return { type: 'str', value: t.text };
    if (t.kind === 'op' && t.text === '(') {
      const e = expr(0);
      expectOp(')');
      return e;
    }
    if (t.kind === 'op' && t.text === '[') {
      const items: MathNode[] = [];
      if (!(peek().kind === 'op' && peek().text === ']')) {
        items.push(expr(0));
        while (peek().kind === 'op' && peek().text === ',') {
          next();
          items.push(expr(0));
        }
      }
      expectOp(']');
      return { type: 'array', items };
    }
    if (t.kind === 'id') {
      if (peek().kind === 'op' && peek().text === '(') {
        const fn = t.text.toUpperCase();
        if (!(MATH_FUNCTIONS as readonly string[]).includes(fn))
          throw new MathError(
            src,
            t.pos,
            `expected a metric math function the simulator models (${MATH_FUNCTIONS.join(', ')}), got "${t.text}"`,
          );
        next();
        const args: MathNode[] = [];
        if (!(peek().kind === 'op' && peek().text === ')')) {
          args.push(expr(0));
          while (peek().kind === 'op' && peek().text === ',') {
            next();
            args.push(expr(0));
          }
        }
        expectOp(')');
        return { type: 'call', fn, args };
      }
      return { type: 'id', id: t.text };
    }
    return fail(t, 'a number, metric id, function or "("');
  };
  const expr = (min: number): MathNode => {
    let left = unary();
    for (;;) {
      const op = binOp(peek());
      if (op === undefined) break;
      const prec = PRECEDENCE[op] as number;
      if (prec < min) break;
      next();
      const right = expr(op === '^' ? prec : prec + 1);
      left = { type: 'bin', op, left, right };
    }
    return left;
  };
  const tree = expr(0);
  if (peek().kind !== 'end') fail(peek(), 'an operator or the end of the expression');
  return tree;
}

/** Ids an expression refers to (METRICS() refers to every metric query). */
export function mathRefs(node: MathNode): { ids: string[]; metrics: boolean } {
  const ids = new Set<string>();
  let metrics = false;
  const walk = (n: MathNode): void => {
    if (n.type === 'id') ids.add(n.id);
    else if (n.type === 'neg') walk(n.expr);
    else if (n.type === 'bin') {
      walk(n.left);
      walk(n.right);
    } else if (n.type === 'array') n.items.forEach(walk);
    else if (n.type === 'call') {
      if (n.fn === 'METRICS') metrics = true;
      n.args.forEach(walk);
    }
  };
  walk(node);
  return { ids: [...ids], metrics };
}

type Val = number | undefined | readonly (number | undefined)[];

export interface MathEnv {
  /** The value of a query id in this period, undefined when missing. */
  value(id: string): number | undefined;
  /** The ids of metric (not expression) queries, for METRICS(). */
  metricIds(): readonly string[];
}

const num = (v: Val): number | undefined => (Array.isArray(v) ? undefined : (v as number | undefined));

/** Evaluates one period. Arithmetic with a missing operand is missing, as in CloudWatch. */
export function evaluateMath(node: MathNode, env: MathEnv): number | undefined {
  const v = evalNode(node, env);
  if (Array.isArray(v)) return undefined;
  return v as number | undefined;
}

function evalNode(node: MathNode, env: MathEnv): Val {
  switch (node.type) {
    case 'num':
      return node.value;
    case 'str':
      return undefined;
    case 'id':
      return env.value(node.id);
    case 'neg': {
      const v = num(evalNode(node.expr, env));
      return v === undefined ? undefined : -v;
    }
    case 'array':
      return node.items.flatMap((i) => {
        const v = evalNode(i, env);
        return Array.isArray(v) ? v : [v as number | undefined];
      });
    case 'bin': {
      const a = evalNode(node.left, env);
      const b = evalNode(node.right, env);
      if (Array.isArray(a) || Array.isArray(b)) {
        const as = Array.isArray(a) ? a : null;
        const bs = Array.isArray(b) ? b : null;
        const len = (as ?? bs ?? []).length;
        return Array.from({ length: len }, (_, i) =>
          binary(node.op, as ? as[i] : num(a), bs ? bs[i] : num(b)),
        );
      }
      return binary(node.op, num(a), num(b));
    }
    case 'call':
      return call(node.fn, node.args, env);
  }
}

function binary(op: string, a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : a / b;
    case '^':
      return a ** b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
  }
  return undefined;
}

function call(fn: string, args: readonly MathNode[], env: MathEnv): Val {
  const vals = () => args.map((a) => evalNode(a, env));
  const flat = (vs: Val[]) =>
    vs
      .flatMap((v) => (Array.isArray(v) ? v : [v as number | undefined]))
      .filter((x): x is number => x !== undefined);
  const perElement = (f: (x: number) => number): Val => {
    const v = evalNode(args[0] as MathNode, env);
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? undefined : f(x)));
    const n = num(v);
    return n === undefined ? undefined : f(n);
  };
  switch (fn) {
    case 'METRICS': {
      const prefix = args[0]?.type === 'str' ? args[0].value : '';
      return env
        .metricIds()
        .filter((id) => id.startsWith(prefix))
        .map((id) => env.value(id));
    }
    case 'IF': {
      const [c, a, b] = vals();
      const cond = num(c as Val);
      if (cond === undefined) return undefined;
      return cond !== 0 ? (a as Val) : args.length > 2 ? (b as Val) : undefined;
    }
    case 'FILL': {
      const [v, f] = vals();
      const fill = num(f as Val);
      if (Array.isArray(v)) return v.map((x) => x ?? fill);
      return num(v as Val) ?? fill;
    }
    case 'ABS':
      return perElement(Math.abs);
    case 'CEIL':
      return perElement(Math.ceil);
    case 'FLOOR':
      return perElement(Math.floor);
    case 'SQRT':
      return perElement(Math.sqrt);
    case 'MAX':
    case 'MIN':
    case 'SUM':
    case 'AVG': {
      const xs = flat(vals());
      if (xs.length === 0) return undefined;
      if (fn === 'MAX') return Math.max(...xs);
      if (fn === 'MIN') return Math.min(...xs);
      const sum = xs.reduce((p, q) => p + q, 0);
      return fn === 'SUM' ? sum : sum / xs.length;
    }
  }
  return undefined;
}
