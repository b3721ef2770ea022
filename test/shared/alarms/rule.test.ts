import { describe, expect, it } from 'vitest';
import { type AlarmStateValue, evaluateRule, ruleAlarmNames, ruleElementCount } from '#shared/alarms';

const states = (m: Record<string, AlarmStateValue>) => (name: string) => m[name];
const EXTERNAL =
  '((ALARM("d-a") OR ALARM("d-b")) AND NOT ALARM("core-outage") AND NOT ALARM("blind-third-party"))';

describe('evaluateRule', () => {
  it('fires external-outage when a member is down and core is healthy and the probes can see', () => {
    expect(evaluateRule(EXTERNAL, states({ 'd-b': 'ALARM', 'core-outage': 'OK' }))).toBe(true);
  });

  it('does not fire external-outage while core-outage is in ALARM', () => {
    expect(evaluateRule(EXTERNAL, states({ 'd-a': 'ALARM', 'core-outage': 'ALARM' }))).toBe(false);
  });

  it('does not fire external-outage while the third-party probes are blind', () => {
    expect(evaluateRule(EXTERNAL, states({ 'd-a': 'ALARM', 'blind-third-party': 'ALARM' }))).toBe(false);
  });

  it('counts AT_LEAST over the named alarms, INSUFFICIENT_DATA not counting as ALARM', () => {
    const rule = 'AT_LEAST(2, ALARM, ("h1", "h2", "h3"))';
    expect(evaluateRule(rule, states({ h1: 'ALARM', h2: 'INSUFFICIENT_DATA', h3: 'OK' }))).toBe(false);
    expect(evaluateRule(rule, states({ h1: 'ALARM', h3: 'ALARM' }))).toBe(true);
  });

  it('binds NOT tighter than AND and AND tighter than OR', () => {
    // TRUE OR (FALSE AND ...) is TRUE; NOT applies to the next operand only.
    expect(evaluateRule('TRUE OR FALSE AND FALSE', () => undefined)).toBe(true);
    expect(evaluateRule('NOT FALSE AND FALSE', () => undefined)).toBe(false);
    expect(evaluateRule('OK("x")', states({ x: 'OK' }))).toBe(true);
  });

  it('rejects text outside the supported subset', () => {
    expect(() => evaluateRule('ALARM("a") XOR ALARM("b")', () => undefined)).toThrow(/unexpected text/);
  });
});

describe('rule metrics', () => {
  it('lists referenced alarms once and counts elements', () => {
    expect(ruleAlarmNames(EXTERNAL)).toEqual(['d-a', 'd-b', 'core-outage', 'blind-third-party']);
    // 4 ALARM functions + 4 names + OR + AND×2 + NOT×2 = 13
    expect(ruleElementCount(EXTERNAL)).toBe(13);
  });
});
