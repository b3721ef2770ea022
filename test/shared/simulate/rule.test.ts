// Composite AlarmRule parsing and evaluation, including malformed rules and their messages.
import { describe, expect, it } from 'vitest';
import { type AlarmState, evaluateRule, parseRule, RuleError, ruleAlarms } from '#shared/simulate';

const states = (m: Record<string, AlarmState>) => (n: string) => m[n] ?? 'INSUFFICIENT_DATA';

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
