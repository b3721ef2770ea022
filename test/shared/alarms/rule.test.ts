// Composite AlarmRule parsing, limits and evaluation: the rules the plan writes, rules as CDK or a person
// writes them, and malformed rules with their messages.
import { describe, expect, it } from 'vitest';
import {
  type AlarmState,
  evaluateRule,
  parseRule,
  RuleError,
  ruleAlarms,
  ruleElementCount,
  ruleLimitProblems,
} from '#shared/alarms';

const states = (m: Record<string, AlarmState>) => (n: string) => m[n] ?? 'INSUFFICIENT_DATA';
const EXTERNAL =
  '((ALARM("d-a") OR ALARM("d-b")) AND NOT ALARM("core-outage") AND NOT ALARM("blind-third-party"))';

describe('evaluateRule on the rules the plan writes', () => {
  const external = parseRule(EXTERNAL);

  it('fires external-outage when a member is down and core is healthy and the probes can see', () => {
    expect(evaluateRule(external, states({ 'd-b': 'ALARM', 'core-outage': 'OK' }))).toBe(true);
  });

  it('does not fire external-outage while core-outage is in ALARM', () => {
    expect(evaluateRule(external, states({ 'd-a': 'ALARM', 'core-outage': 'ALARM' }))).toBe(false);
  });

  it('does not fire external-outage while the third-party probes are blind', () => {
    expect(evaluateRule(external, states({ 'd-a': 'ALARM', 'blind-third-party': 'ALARM' }))).toBe(false);
  });

  it('counts AT_LEAST over the named alarms, INSUFFICIENT_DATA not counting as ALARM', () => {
    const rule = parseRule('AT_LEAST(2, ALARM, ("h1", "h2", "h3"))');
    expect(evaluateRule(rule, states({ h1: 'ALARM', h2: 'INSUFFICIENT_DATA', h3: 'OK' }))).toBe(false);
    expect(evaluateRule(rule, states({ h1: 'ALARM', h3: 'ALARM' }))).toBe(true);
  });

  it('binds NOT tighter than AND and AND tighter than OR', () => {
    // TRUE OR (FALSE AND ...) is TRUE; NOT applies to the next operand only.
    expect(evaluateRule(parseRule('TRUE OR FALSE AND FALSE'), states({}))).toBe(true);
    expect(evaluateRule(parseRule('NOT FALSE AND FALSE'), states({}))).toBe(false);
    expect(evaluateRule(parseRule('OK("x")'), states({ x: 'OK' }))).toBe(true);
  });
});

describe('rule limits', () => {
  it('lists referenced alarms once and counts elements', () => {
    // Act
    const tree = parseRule(EXTERNAL);
    // Assess: 4 ALARM functions + 4 names + OR + AND×2 + NOT×2 = 13
    expect(ruleAlarms(tree)).toEqual(['d-a', 'd-b', 'core-outage', 'blind-third-party']);
    expect(ruleElementCount(tree)).toBe(13);
    expect(ruleElementCount(parseRule('AT_LEAST(1, NOT ALARM, (a, b, c))'))).toBe(7);
  });

  it('accepts a rule within CloudWatch limits and names each limit a rule breaks', () => {
    // Prepare: 101 alarms in one rule, 302 elements, past 1,000 characters.
    const names = Array.from({ length: 101 }, (_, i) => `"alarm-with-a-long-name-${i}"`);
    const wide = `ALARM(${names.join(') OR ALARM(')})`;
    // Act
    const fits = ruleLimitProblems(EXTERNAL, parseRule(EXTERNAL));
    const over = ruleLimitProblems(wide, parseRule(wide), {
      ruleMaxChildren: 100,
      ruleMaxElements: 300,
      ruleMaxChars: 1000,
    });
    // Assess
    expect(fits).toEqual([]);
    expect(over).toEqual([
      'references 101 alarms; CloudWatch allows 100',
      `is ${wide.length} characters; CloudWatch allows 1000`,
      'has 302 elements; CloudWatch allows 300',
    ]);
  });
});

describe('parseRule', () => {
  it('reads quoted, bare and ARN names', () => {
    // Act
    const tree = parseRule(
      'ALARM("core down") OR ALARM(bare-name) OR OK("arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:by-arn")',
    );
    // Assess
    expect(ruleAlarms(tree)).toEqual(['core down', 'bare-name', 'by-arn']);
  });

  it('gives NOT over AND over OR, and honours parentheses', () => {
    const s = states({ a: 'ALARM', b: 'OK', c: 'ALARM' });
    expect(evaluateRule(parseRule('ALARM(a) OR ALARM(b) AND ALARM(c)'), s)).toBe(true);
    expect(evaluateRule(parseRule('(ALARM(a) OR ALARM(b)) AND NOT ALARM(c)'), s)).toBe(false);
    expect(evaluateRule(parseRule('NOT NOT ALARM(a)'), s)).toBe(true);
    expect(evaluateRule(parseRule('INSUFFICIENT_DATA(zzz) AND OK(b)'), s)).toBe(true);
  });

  it('evaluates TRUE, FALSE and AT_LEAST with counts, percentages and NOT states', () => {
    const s = states({ a: 'ALARM', b: 'ALARM', c: 'OK' });
    expect(evaluateRule(parseRule('TRUE AND NOT FALSE'), s)).toBe(true);
    expect(evaluateRule(parseRule('AT_LEAST(2, ALARM, (a, b, c))'), s)).toBe(true);
    expect(evaluateRule(parseRule('AT_LEAST(3, ALARM, (a, b, c))'), s)).toBe(false);
    expect(evaluateRule(parseRule('AT_LEAST(50%, ALARM, ("a", "b", "c"))'), s)).toBe(true);
    expect(evaluateRule(parseRule('AT_LEAST(1, NOT ALARM, (a, b, c))'), s)).toBe(true);
    expect(evaluateRule(parseRule('AT_LEAST(2, NOT ALARM, (a, b, c))'), s)).toBe(false);
  });

  const malformed: [string, string][] = [
    ['', 'expected a rule expression, got an empty rule'],
    ['ALARM(a', 'expected ")" after the alarm name in ALARM(…), got the end of the rule at character 8'],
    ['ALARM()', 'expected an alarm name (quoted, bare or an alarm ARN), got ")" at character 7'],
    [
      'ALARM(a) AND',
      'expected ALARM(…), OK(…), INSUFFICIENT_DATA(…), AT_LEAST(…), TRUE, FALSE, NOT or "(", got the end of the rule',
    ],
    ['ALARM(a) ALARM(b)', 'expected AND, OR or the end of the rule, got "ALARM" at character 10'],
    ['alarm(a)', 'expected upper-case ALARM, got "alarm"'],
    ['(ALARM(a) OR OK(b)', 'expected a closing ")", got the end of the rule'],
    ['ALARM("a)', 'expected a closing quote for the alarm name at character 7'],
    ['ALARM(a) XOR ALARM(b)', 'expected AND, OR or the end of the rule, got "XOR"'],
    ['AT_LEAST(4, ALARM, (a, b))', 'expected a count of at most 2 (the alarms listed)'],
    [
      'AT_LEAST(two, ALARM, (a, b))',
      'expected a count or percentage such as 2 or 50% as the first AT_LEAST argument, got "two"',
    ],
    [
      'AT_LEAST(1, BROKEN, (a))',
      'expected ALARM, OK or INSUFFICIENT_DATA as the AT_LEAST state, got "BROKEN"',
    ],
    ['ALARM(AND)', 'expected an alarm name (quoted, bare or an alarm ARN), got "AND"'],
  ];
  for (const [rule, message] of malformed) {
    it(`refuses ${JSON.stringify(rule)} with a clear message`, () => {
      // Act
      let err: unknown;
      try {
        parseRule(rule);
      } catch (e) {
        err = e;
      }
      // Assess
      expect(err).toBeInstanceOf(RuleError);
      expect((err as Error).message).toContain(message);
    });
  }
});
