// The metric-math expressions the simulator evaluates in an alarm: arithmetic (+ - * and / by a non-zero
// number), FLOOR, CEIL, ABS and parentheses over the alarm's one metric. CloudWatch applies such an expression
// to each datapoint of the metric's time series, so a period without data stays missing, as it would for the
// metric alone. Anything else (several metrics, whose missing periods CloudWatch aligns in ways the simulator
// does not model; other functions; division by a series, which may yield no value) is refused, not guessed.

export type MathNode =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'neg'; readonly arg: MathNode }
  | { readonly kind: 'call'; readonly fn: MathFunction; readonly arg: MathNode }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/';
      readonly left: MathNode;
      readonly right: MathNode;
    };

const FUNCTIONS = { FLOOR: Math.floor, CEIL: Math.ceil, ABS: Math.abs } as const;
type MathFunction = keyof typeof FUNCTIONS;

/** An expression the simulator cannot evaluate faithfully; the message says what was expected. */
export class MathError extends Error {}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new MathError(`unexpected "${text.slice(at, at + 10)}" at ${at}`);
    out.push((m[1] ?? m[2] ?? m[3]) as string);
  }
  return out;
}

/** Parses `text`; every id it names must be in `ids` (the alarm's metrics). */
export function parseMath(text: string, ids: readonly string[]): MathNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string): string => {
    const t = tokens[i];
    if (t === undefined || (want !== undefined && t !== want))
      throw new MathError(`expected ${want ?? 'more'} at token ${i + 1} of "${text}"`);
    i++;
    return t;
  };
  const sum = (): MathNode => {
    let left = product();
    while (peek() === '+' || peek() === '-')
      left = { kind: 'binary', op: take() as '+' | '-', left, right: product() };
    return left;
  };
  const product = (): MathNode => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = take() as '*' | '/';
      const right = unary();
      if (op === '/' && (right.kind !== 'number' || right.value === 0))
        throw new MathError(`division by a non-zero number only, in "${text}"`);
      left = { kind: 'binary', op, left, right };
    }
    return left;
  };
  const unary = (): MathNode => {
    if (peek() !== '-') return primary();
    take('-');
    return { kind: 'neg', arg: unary() };
  };
  const primary = (): MathNode => {
    const t = take();
    if (t === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (/^\d/.test(t)) return { kind: 'number', value: Number(t) };
    if (t in FUNCTIONS) {
      take('(');
      const arg = sum();
      take(')');
      return { kind: 'call', fn: t as MathFunction, arg };
    }
    if (/^[A-Z]/.test(t) && peek() === '(')
      throw new MathError(`function ${t} is not simulated (FLOOR, CEIL, ABS are)`);
    if (!ids.includes(t)) throw new MathError(`"${t}" names no metric of the alarm (${ids.join(', ')})`);
    return { kind: 'id', id: t };
  };
  const node = sum();
  if (i < tokens.length) throw new MathError(`unexpected "${tokens[i]}" in "${text}"`);
  return node;
}

/** The expression's value for one period, given each metric's value in it. */
export function evaluateMath(node: MathNode, values: Readonly<Record<string, number>>): number {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id':
      return values[node.id] as number;
    case 'neg':
      return -evaluateMath(node.arg, values);
    case 'call':
      return FUNCTIONS[node.fn](evaluateMath(node.arg, values));
    case 'binary': {
      const l = evaluateMath(node.left, values);
      const r = evaluateMath(node.right, values);
      return node.op === '+' ? l + r : node.op === '-' ? l - r : node.op === '*' ? l * r : l / r;
    }
  }
}
