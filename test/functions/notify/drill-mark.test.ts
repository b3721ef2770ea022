// Pages of a drill say [DRILL] at the start of the subject and of every text, the resolved page too; a page
// whose incident began outside any drill of its dependencies is left as it is.
import { describe, expect, it } from 'vitest';
import { markDrill } from '#functions/notify';
import type { PageLogRecord } from '#shared/pages';
import type { Drill } from '#shared/runtime';

const drill: Drill = {
  id: 'drill-1',
  dependency: 'kakao-login',
  regions: [],
  start: '2026-12-02T03:00:00.000Z',
  end: '2026-12-02T03:15:00.000Z',
  by: 'kim',
};
const page: PageLogRecord = {
  id: 'p1',
  at: '2026-12-02T03:03:00.000Z',
  alarmTime: '2026-12-02T03:03:00.000Z',
  since: '2026-12-02T03:01:00.000Z',
  alarmName: 'bank-external-outage-kakao',
  alarmState: 'ALARM',
  kind: 'external-outage',
  resolved: false,
  severity: 'SEV2',
  dependencies: ['kakao-login', 'kakaotalk-message-api'],
  failingRegions: ['ap-northeast-2'],
  outcome: 'sent',
  subject: 'SEV2 Kakao down',
  messages: {
    default: 'Kakao down.',
    email: 'Kakao down.',
    sms: 'Kakao down.',
    https: '{"subject":"SEV2 Kakao down"}',
  },
};

describe('[DRILL] pages', () => {
  it('marks the subject and the first line of every text', () => {
    const out = markDrill(page, [drill]);
    expect(out.subject).toBe('[DRILL] SEV2 Kakao down');
    for (const text of [out.messages.default, out.messages.email, out.messages.sms])
      expect(text.split('\n')[0]).toMatch(/^\[DRILL\] /);
    expect(JSON.parse(out.messages.https)).toMatchObject({
      subject: '[DRILL] SEV2 Kakao down',
      drill: { by: 'kim' },
    });
  });

  it('marks the resolved page sent after the drill ended (its incident began in the drill)', () => {
    const resolved = {
      ...page,
      resolved: true,
      at: '2026-12-02T03:20:00.000Z',
      alarmTime: '2026-12-02T03:19:00.000Z',
    };
    expect(markDrill(resolved, [drill]).subject).toMatch(/^\[DRILL\] /);
  });

  it('leaves a page of an incident that began outside the drill, or of other dependencies, unmarked', () => {
    expect(markDrill({ ...page, since: '2026-12-02T03:16:00.000Z' }, [drill])).toEqual({
      ...page,
      since: '2026-12-02T03:16:00.000Z',
    });
    expect(markDrill({ ...page, dependencies: ['toss'] }, [drill]).subject).toBe('SEV2 Kakao down');
  });
});
