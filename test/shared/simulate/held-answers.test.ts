// Which probe results the simulator may hold for as long as a stand-in's state holds: a slow or timed-out
// answer from a stand-in that is not scripted slow came from a busy machine and counts for its round only.
import { describe, expect, it } from 'vitest';
import { holds } from '../../../shared/simulate/runner.ts';
import { parseState } from '../../../shared/simulate/scenario.ts';

const state = (text: string) => {
  const st = parseState(text);
  if (!st) throw new Error(`not a state: ${text}`);
  return st;
};

describe('held answers', () => {
  it('holds what the state explains: up, refused, a status, a wrong body, a slow stand-in slow or timed out', () => {
    expect(holds(state('up'), { reason: undefined })).toBe(true);
    expect(holds(state('down'), { reason: 'CONNECTION_REFUSED' })).toBe(true);
    expect(holds(state('status:503'), { reason: 'HTTP_STATUS' })).toBe(true);
    expect(holds(state('wrong-body'), { reason: 'ASSERTION_FAILED' })).toBe(true);
    expect(holds(state('slow:2500ms'), { reason: 'SLOW' })).toBe(true);
    expect(holds(state('slow:3600s'), { reason: 'TIMEOUT' })).toBe(true);
  });

  it('probes again next round when a stand-in that is not slow read slow or timed out', () => {
    expect(holds(state('up'), { reason: 'SLOW' })).toBe(false);
    expect(holds(state('up'), { reason: 'TIMEOUT' })).toBe(false);
    expect(holds(state('status:503'), { reason: 'TIMEOUT' })).toBe(false);
    expect(holds(state('wrong-body'), { reason: 'CYCLE_DEADLINE' })).toBe(false);
  });
});
