// The ack link each page carries: signed for the page's incident, verifiable with the same key, only on
// pages sent (not resolved or held), and never holding a page back when the key cannot be read.
import { describe, expect, it } from 'vitest';
import { incidentOf, withAckLink } from '#functions/notify';
import { type PageLogRecord, verifyAckToken } from '#shared/pages';

const KEY = Buffer.from('k'.repeat(48));
const NOW = new Date('2026-12-02T01:00:00Z');
const record: PageLogRecord = {
  id: 'bank-external-outage-kakao#2026-12-02T00:58:00.000Z#integrations-oncall',
  at: NOW.toISOString(),
  alarmTime: '2026-12-02T00:58:00.000Z',
  since: '2026-12-02T00:56:00.000Z',
  alarmName: 'bank-external-outage-kakao',
  alarmState: 'ALARM',
  kind: 'external-outage',
  resolved: false,
  severity: 'SEV2',
  dependencies: ['kakao-login'],
  failingRegions: ['ap-northeast-2'],
  outcome: 'sent',
  route: 'integrations-oncall',
  subject: 'SEV2 Kakao down',
  messages: { default: 'Kakao down.', email: 'Kakao down.', sms: 'Kakao down.', https: '{}' },
};
const logs: Record<string, unknown>[] = [];
const signer = (key: () => Promise<Buffer>) => ({
  url: 'https://ack.example/',
  key,
  now: () => NOW,
  log: (r: Record<string, unknown>) => logs.push(r),
});

describe('ack link in a page', () => {
  it('adds a link whose token acknowledges exactly this incident, and the command to the SMS', async () => {
    const out = await withAckLink(
      signer(async () => KEY),
      record,
    );
    const url = /Acknowledge (inc-[0-9a-f]{12}): (\S+)$/.exec(out.messages.email);
    expect(url?.[1]).toBe(incidentOf(record));
    const token = new URL(url![2]!).searchParams.get('t')!;
    const verdict = verifyAckToken(KEY, token, NOW);
    expect(verdict).toMatchObject({
      ok: true,
      claims: { incident: incidentOf(record), route: 'integrations-oncall' },
    });
    expect(out.messages.sms).toBe(`Kakao down. Ack: depmon ack ${incidentOf(record)}`);
    expect(out.messages.https).toBe('{}');
  });

  it('leaves resolved and held pages as they are', async () => {
    const s = signer(async () => KEY);
    expect(await withAckLink(s, { ...record, resolved: true })).toEqual({ ...record, resolved: true });
    expect(await withAckLink(s, { ...record, outcome: 'held' })).toEqual({ ...record, outcome: 'held' });
  });

  it('sends the page without a link, and logs it, when the key cannot be read', async () => {
    const out = await withAckLink(
      signer(async () => Promise.reject(new Error('AccessDenied'))),
      record,
    );
    expect(out).toEqual(record);
    expect(logs.at(-1)).toMatchObject({
      level: 'error',
      msg: expect.stringContaining('without its ack link'),
    });
  });
});
