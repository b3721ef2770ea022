// The account export's hash chain: RFC 8785 canonical JSON, and verification that names the first broken event.
import { describe, expect, it } from 'vitest';
import { accountFromSimulation } from '#shared/simulate';
import { canonicalJson, renderJson, verifyChain } from '#shared/timeline';
import { kakaoRehearsal } from '../../helpers/kakao-rehearsal.ts';

const exported = () => JSON.parse(renderJson(accountFromSimulation(kakaoRehearsal())));

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, drops whitespace and undefined members', () => {
    // RFC 8785 section 3.2.3's sorting example, in part: "\r" < "1" < "\u0080" < "\ud83d\ude00" < "\ufb33".
    const value = { '\ufb33': 1, '\ud83d\ude00': 2, '\u0080': 3, '1': 4, '\r': 5, skip: undefined };
    expect(canonicalJson(value)).toBe('{"\\r":5,"1":4,"\u0080":3,"\ud83d\ude00":2,"\ufb33":1}');
    expect(canonicalJson({ b: [1, { d: 2, c: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"c":"x","d":2}]}');
    expect(canonicalJson(1e21)).toBe('1e+21');
  });
});

describe('the account hash chain', () => {
  it('verifies an untouched export, after a round trip through its JSON text', () => {
    const doc = exported();
    expect(doc.chain).toMatchObject({
      algorithm: 'sha256',
      canonicalization: expect.stringContaining('RFC 8785'),
    });
    expect(doc.events.every((e: { hash?: string }) => /^[0-9a-f]{64}$/.test(e.hash ?? ''))).toBe(true);
    expect(verifyChain(doc)).toEqual({ ok: true, events: doc.events.length, head: doc.chain.head });
  });

  it('names the first changed event, even when its own hash was recomputed', () => {
    const doc = exported();
    doc.events[3].summary = 'nothing happened';
    expect(verifyChain(doc)).toMatchObject({ ok: false, index: 4 });
  });

  it('names the first of two swapped events', () => {
    const doc = exported();
    [doc.events[5], doc.events[6]] = [doc.events[6], doc.events[5]];
    expect(verifyChain(doc)).toMatchObject({ ok: false, index: 6 });
  });

  it('notices an event removed from the middle and from the end', () => {
    const middle = exported();
    middle.events.splice(2, 1);
    expect(verifyChain(middle)).toMatchObject({ ok: false, index: 3 });
    const end = exported();
    end.events.pop();
    expect(verifyChain(end)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('removed from the end'),
    });
  });

  it('ties the events to the account they were written in (its window and monitor)', () => {
    const doc = exported();
    doc.window.from.at = '2022-10-15T06:00:00.000Z';
    expect(verifyChain(doc)).toMatchObject({ ok: false, index: 0 });
  });
});
