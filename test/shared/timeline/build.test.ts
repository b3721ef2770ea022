// The account model: order, figures, resolution and notes, on a Kakao-fire-like rehearsal and edge cases.
import { describe, expect, it } from 'vitest';
import type { PageLogRecord } from '#shared/pages';
import {
  type AccountInput,
  buildAccount,
  onsetsFromSamples,
  pageFromLogRecord,
  zoneLabel,
} from '#shared/timeline';

const config = { name: 'bank', timeZone: 'Asia/Seoul', probeRegions: ['ap-northeast-2', 'ap-northeast-1'] };
const T = (hhmmss: string) => new Date(`2022-10-15T${hhmmss}Z`);
const base = (over: Partial<AccountInput>): AccountInput => ({
  config,
  window: { from: T('06:00:00'), to: T('12:00:00') },
  origin: 'aws',
  alarms: [],
  pages: [],
  onsets: [],
  recoveries: [],
  ...over,
});

describe('buildAccount', () => {
  it('resolves only when the last alarm that fired leaves ALARM, across flapping', () => {
    // Prepare
    const input = base({
      alarms: [
        { alarm: 'bank-down-x', at: T('06:10:00'), from: 'OK', to: 'ALARM' },
        { alarm: 'bank-down-x', at: T('06:12:00'), from: 'ALARM', to: 'OK' },
        { alarm: 'bank-down-x', at: T('06:14:00'), from: 'OK', to: 'ALARM' },
        { alarm: 'bank-external-outage-x', at: T('06:14:00'), from: 'OK', to: 'ALARM' },
        { alarm: 'bank-down-x', at: T('06:30:00'), from: 'ALARM', to: 'OK' },
        { alarm: 'bank-external-outage-x', at: T('06:31:00'), from: 'ALARM', to: 'OK' },
      ],
    });

    // Act
    const account = buildAccount(input);

    // Assess
    expect(account.figures.resolution?.at).toBe('2022-10-15T06:31:00.000Z');
    expect(account.events.filter((e) => e.kind === 'resolution')).toHaveLength(1);
  });

  it('names what an alarm is about from the alarm plan, and only the name for alarms not in it', () => {
    // Prepare
    const input = base({
      alarms: [
        { alarm: 'bank-external-outage-kakao', at: T('06:29:00'), from: 'OK', to: 'ALARM' },
        { alarm: 'bank-down-retired-api', at: T('06:29:00'), from: 'OK', to: 'ALARM' },
      ],
      alarmPlan: {
        alarms: [
          {
            name: 'bank-external-outage-kakao',
            pageKind: 'external-outage',
            dependencies: ['kakao-login', 'kakaotalk-message-api'],
          },
        ],
      },
    });

    // Act
    const [known, unknown] = buildAccount(input).events;

    // Assess
    expect(known).toMatchObject({
      summary: 'Alarm bank-external-outage-kakao, pages external-outage: OK → ALARM',
      dependencies: ['kakao-login', 'kakaotalk-message-api'],
      pageKind: 'external-outage',
    });
    expect(unknown?.summary).toBe('Alarm bank-down-retired-api: OK → ALARM');
    expect(unknown?.dependencies).toBeUndefined();
  });

  it('folds alarms leaving INSUFFICIENT_DATA together into one event, but never a transition of ALARM', () => {
    // Prepare
    const input = base({
      alarms: [
        { alarm: 'bank-down-a', at: T('06:03:00'), from: 'INSUFFICIENT_DATA', to: 'OK' },
        { alarm: 'bank-down-b', at: T('06:03:00'), from: 'INSUFFICIENT_DATA', to: 'OK' },
        { alarm: 'bank-down-c', at: T('06:03:00'), from: 'INSUFFICIENT_DATA', to: 'ALARM' },
        { alarm: 'bank-down-d', at: T('06:03:00'), from: 'INSUFFICIENT_DATA', to: 'ALARM' },
        { alarm: 'bank-down-e', at: T('06:04:00'), from: 'INSUFFICIENT_DATA', to: 'OK' },
      ],
    });

    // Act
    const events = buildAccount(input).events;

    // Assess
    expect(events.map((e) => e.alarm ?? e.alarms)).toEqual([
      'bank-down-c',
      'bank-down-d',
      ['bank-down-a', 'bank-down-b'],
      'bank-down-e',
    ]);
    expect(events[2]?.summary).toBe('2 alarms: INSUFFICIENT_DATA → OK (bank-down-a, bank-down-b)');
  });

  it('says so when an alarm is still in ALARM at the end of the window', () => {
    // Prepare
    const input = base({
      alarms: [{ alarm: 'bank-core-outage', at: T('07:00:00'), from: 'OK', to: 'ALARM' }],
    });

    // Act
    const account = buildAccount(input);

    // Assess
    expect(account.figures.resolution).toBeNull();
    expect(account.notes.join(' ')).toContain('still in ALARM at its end: bank-core-outage');
  });

  it('counts an alarm that was in ALARM before the window', () => {
    // Prepare
    const input = base({ alarms: [{ alarm: 'bank-down-x', at: T('06:05:00'), from: 'ALARM', to: 'OK' }] });

    // Act
    const account = buildAccount(input);

    // Assess
    expect(account.figures.resolution).toMatchObject({
      at: '2022-10-15T06:05:00.000Z',
      minutesFromOnset: null,
    });
    expect(account.notes.join(' ')).toContain('Already in ALARM when the window starts: bank-down-x');
  });

  it('takes the onset from the first alarm when no probe failure is recorded, and says so', () => {
    // Prepare
    const input = base({ alarms: [{ alarm: 'bank-down-x', at: T('07:00:00'), from: 'OK', to: 'ALARM' }] });

    // Act
    const account = buildAccount(input);

    // Assess
    expect(account.figures.onset?.at).toBe('2022-10-15T07:00:00.000Z');
    expect(account.notes.join(' ')).toContain('the onset is the first alarm');
  });

  it('writes an empty account with a note when nothing happened', () => {
    // Prepare
    const input = base({});

    // Act
    const account = buildAccount(input);

    // Assess
    expect(account.events).toEqual([]);
    expect(Object.values(account.figures)).toEqual([null, null, null, null]);
    expect(account.notes[0]).toContain('Nothing recorded in the window');
  });

  it('leaves out evidence outside the window', () => {
    // Prepare
    const input = base({
      window: { from: T('06:00:00'), to: T('07:00:00') },
      onsets: [
        { dependency: 'x', region: 'ap-northeast-2', at: T('05:59:59'), state: 'down' },
        { dependency: 'x', region: 'ap-northeast-1', at: T('06:30:00'), state: 'down' },
      ],
      alarms: [{ alarm: 'bank-down-x', at: T('07:00:01'), from: 'OK', to: 'ALARM' }],
    });

    // Act
    const account = buildAccount(input);

    // Assess
    expect(account.events.map((e) => e.region)).toEqual(['ap-northeast-1']);
  });

  it('describes metric onsets by region count, not by a region it cannot know', () => {
    // Prepare
    const input = base({
      onsets: [
        { dependency: 'a', at: T('06:27:00'), state: 'down', failingRegions: 2, reportingRegions: 3 },
        { dependency: 'b', at: T('06:27:00'), state: 'down', failingRegions: 2, reportingRegions: 3 },
      ],
    });

    // Act
    const [event] = buildAccount(input).events;

    // Assess
    expect(event?.summary).toBe(
      'Probes failing in 2 of 3 reporting regions: a, b down (the shared metric does not say which regions)',
    );
    expect(event?.region).toBeUndefined();
  });
});

describe('evidence', () => {
  it('turns probe samples into onsets and recoveries per dependency and region', () => {
    // Prepare
    const at = (s: number) => new Date(Date.UTC(2022, 9, 15, 6, 0, s));
    const samples = [
      { at: at(0), dependency: 'x', region: 'r1', status: 'up' as const },
      { at: at(10), dependency: 'x', region: 'r1', status: 'down' as const, reason: 'TIMEOUT' },
      { at: at(20), dependency: 'x', region: 'r1', status: 'down' as const },
      { at: at(30), dependency: 'x', region: 'r1', status: 'silent' as const },
      { at: at(40), dependency: 'x', region: 'r1', status: 'up' as const },
      { at: at(20), dependency: 'x', region: 'r2', status: 'degraded' as const },
    ];

    // Act
    const { onsets, recoveries } = onsetsFromSamples(samples);

    // Assess
    expect(onsets.map((o) => [o.region, o.state, o.at.getUTCSeconds()])).toEqual([
      ['r1', 'down', 10],
      ['r1', 'silent', 30],
      ['r2', 'degraded', 20],
    ]);
    expect(recoveries.map((r) => [r.region, r.at.getUTCSeconds()])).toEqual([['r1', 40]]);
  });

  it('reads a held page log record with its reason and texts', () => {
    // Prepare
    const record: PageLogRecord = {
      id: 'bank-external-outage-kakao#2022-10-15T06:29:00.000Z#integrations-oncall',
      at: '2022-10-15T06:29:01.000Z',
      alarmTime: '2022-10-15T06:29:00.000Z',
      alarmName: 'bank-external-outage-kakao',
      alarmState: 'ALARM',
      kind: 'external-outage',
      resolved: false,
      severity: 'SEV2',
      dependencies: ['kakao-login'],
      failingRegions: ['ap-northeast-2'],
      outcome: 'held',
      heldReason: 'core-outage',
      heldDetail: 'bank-core-outage is in ALARM',
      subject: 'SEV2 external outage: Kakao',
      messages: { default: 'd', email: 'full text', sms: 'short', https: '{}' },
    };

    // Act
    const page = pageFromLogRecord(record);

    // Assess
    expect(page).toMatchObject({
      outcome: 'held',
      heldReason: 'core-outage',
      text: 'full text',
      sms: 'short',
      alarmName: 'bank-external-outage-kakao',
    });
    expect(page.at.toISOString()).toBe('2022-10-15T06:29:01.000Z');
  });
});

describe('zoneLabel', () => {
  it('names the zones a reader knows', () => {
    expect(zoneLabel('Asia/Seoul')).toBe('KST');
    expect(zoneLabel('UTC')).toBe('UTC');
    expect(zoneLabel('Europe/London', new Date('2022-07-01T00:00:00Z'))).toBe('BST');
    expect(zoneLabel('America/New_York', new Date('2022-01-01T00:00:00Z'))).toBe('EST');
  });
});
