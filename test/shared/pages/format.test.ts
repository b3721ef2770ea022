import { describe, expect, it } from 'vitest';
import type { AlarmState } from '#shared/alarms';
import { parseConfig } from '#shared/config';
import {
  fitSms,
  handleAlarmStateChange,
  handlePagingTick,
  MemoryPageStateStore,
  type PageLogRecord,
  type PagingContext,
  SNS_SUBJECT_MAX_CHARS,
  smsLength,
} from '#shared/pages';
import bankInput from '../../../examples/bank/monitor.config.ts';
import { compositeAlarmMessage, metricAlarmMessage } from './alarm-messages.ts';
import { bank, bankPlan } from './bank.ts';

const ALL = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'];

function context(
  states: Record<string, AlarmState>,
  now: string,
  over: Partial<PagingContext> = {},
): PagingContext {
  const config = over.config ?? bank();
  return {
    config,
    plan: bankPlan(config),
    store: new MemoryPageStateStore(),
    now: new Date(now),
    alarmState: (n) => states[n],
    failing: () => ({ regions: ALL }),
    ...over,
  };
}

const sentOnly = (records: readonly PageLogRecord[]) => records.filter((r) => r.outcome === 'sent');
const ruleOf = (name: string) => {
  const a = bankPlan().alarms.find((x) => x.name === name);
  return a?.type === 'composite' ? a.rule : '';
};

describe('the name of core (coreName)', () => {
  const kakaoDown = async (coreName: string | undefined) => {
    const { coreName: _, ...rest } = bankInput as typeof bankInput & { coreName?: string };
    const config = parseConfig(coreName === undefined ? rest : { ...rest, coreName });
    const ctx = context(
      {
        'bank-core-outage': 'OK',
        'bank-down-kakaotalk-message-api': 'ALARM',
        'bank-down-kakaotalk-alimtalk-api': 'ALARM',
        'bank-down-kakao-login': 'ALARM',
      },
      '2026-11-26T05:05:20Z',
      { config },
    );
    const event = compositeAlarmMessage(
      'bank-external-outage-kakao',
      ruleOf('bank-external-outage-kakao'),
      'bank-down-kakaotalk-message-api',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const { records } = await handleAlarmStateChange(event, ctx);
    return records[0]!.messages.email;
  };

  it('says "Core platform is healthy" when the config names no core, and never "core banking"', async () => {
    const email = await kakaoDown(undefined);
    expect(email).toContain('Core platform is healthy: every critical first-party dependency');
    expect(email).not.toMatch(/core banking/i);
  });

  it("uses the config's own words", async () => {
    expect(await kakaoDown('trading platform')).toContain('Trading platform is healthy:');
  });
});

describe('page text for every kind', () => {
  it('external-outage: one page for the Kakao group naming every failing API, features, fallback, runbook and that core is healthy', async () => {
    // Prepare
    const ctx = context(
      {
        'bank-core-outage': 'OK',
        'bank-down-kakaotalk-message-api': 'ALARM',
        'bank-down-kakaotalk-alimtalk-api': 'ALARM',
        'bank-down-kakao-login': 'ALARM',
      },
      '2026-11-26T05:05:20Z',
    );
    const event = compositeAlarmMessage(
      'bank-external-outage-kakao',
      ruleOf('bank-external-outage-kakao'),
      'bank-down-kakaotalk-message-api',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    // Act
    const { records } = await handleAlarmStateChange(event, ctx);
    // Assess
    expect(records).toHaveLength(1);
    const page = records[0]!;
    expect(page).toMatchObject({
      id: 'bank-external-outage-kakao#2026-11-26T05:05:13.145Z#integrations-oncall',
      outcome: 'sent',
      route: 'integrations-oncall',
      kind: 'external-outage',
      severity: 'SEV2',
      resolved: false,
      group: 'kakao',
      tier: 'third-party',
      dependencies: ['kakaotalk-message-api', 'kakaotalk-alimtalk-api', 'kakao-login'],
      failingRegions: ALL,
      alarmTime: '2026-11-26T05:05:13.145Z',
      since: '2026-11-26T05:05:13.145Z',
    });
    expect(page.subject).toBe(
      '[SEV2] bank EXTERNAL OUTAGE: kakao (3 of 3 APIs) down (3/3 regions) - core healthy',
    );
    const email = page.messages.email;
    expect(email).toContain(
      'Core banking is healthy: every critical first-party dependency (core-ledger, core-transfers, core-auth) is up.',
    );
    expect(email).toContain(
      '  - KakaoTalk message API (kakaotalk-message-api, third-party): down from 3 of 3 probe regions (ap-northeast-2, ap-northeast-1, ap-northeast-3)',
    );
    expect(email).toContain('  - sign in with Kakao');
    expect(email).toContain(
      '  - kakaotalk-alimtalk-api: Fail over notices to the SMS gateway (feature flag notices.channel=sms).',
    );
    expect(email).toContain('  - kakao-login: https://runbooks.bank.example/partners/kakao#login');
    expect(email).toContain('Since 2026-11-26 14:05 KST (05:05 UTC).');
    expect(page.attributes).toEqual({
      severity: 'SEV2',
      kind: 'external-outage',
      state: 'alarm',
      dependency: 'kakaotalk-message-api,kakaotalk-alimtalk-api,kakao-login',
      tier: 'third-party',
      group: 'kakao',
    });
    const json = JSON.parse(page.messages.https) as { coreHealthy: boolean; dependencies: { id: string }[] };
    expect(json.coreHealthy).toBe(true);
    expect(json.dependencies.map((d) => d.id)).toEqual([
      'kakaotalk-message-api',
      'kakaotalk-alimtalk-api',
      'kakao-login',
    ]);
    expect(page.messages.default).toBe(email);
  });

  it('core-outage: SEV1 to the core route, naming the failing core dependency', async () => {
    const ctx = context(
      { 'bank-down-core-ledger': 'ALARM', 'bank-core-outage': 'ALARM' },
      '2026-11-26T05:05:20Z',
      {
        failing: () => ({ count: 2 }),
      },
    );
    const event = compositeAlarmMessage(
      'bank-core-outage',
      ruleOf('bank-core-outage'),
      'bank-down-core-ledger',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const { records } = await handleAlarmStateChange(event, ctx);
    expect(records.map((r) => [r.route, r.severity, r.subject])).toEqual([
      ['core-oncall', 'SEV1', '[SEV1] bank CORE OUTAGE: core-ledger down (2/3 regions)'],
    ]);
    expect(records[0]!.messages.email).toContain(
      '  - Core ledger (accounts & balances) (core-ledger, first-party): down from 2 of 3 probe regions',
    );
    expect(records[0]!.messages.sms).toBe(
      'SEV1 bank: core-ledger DOWN 2/3 regions since 14:05 KST. Fallback: None: the ledger is the bank. Declare SEV1 and follow the core-banking DR plan.',
    );
  });

  it('degraded: a notice from the metric alarm, to the route that lists degraded, saying why', async () => {
    const regions = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'];
    const ctx = context({}, '2026-11-26T05:05:20Z', {
      failing: () => ({ degradedRegions: regions, reasons: ['CERT_EXPIRING'] }),
    });
    const event = metricAlarmMessage(
      'bank-degraded-card-network',
      'card-network',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
      'Degraded',
    );
    const { records } = await handleAlarmStateChange(event, ctx);
    expect(records.map((r) => [r.route, r.severity, r.subject])).toEqual([
      [
        'integrations-oncall',
        'NOTICE',
        '[NOTICE] bank DEGRADED: card-network certificate expiring (3/3 regions)',
      ],
    ]);
    expect(records[0]!.messages.email).toContain(
      'card-network, third-party): certificate expiring from 3 of 3 probe regions (ap-northeast-2, ap-northeast-1, ap-northeast-3)',
    );
  });

  it('degraded: says "degraded", never "slow", when the reason is not known, and a lost address as such', async () => {
    const unknown = context({}, '2026-11-26T05:05:20Z', { failing: () => ({ count: 3 }) });
    const lost = context({}, '2026-11-26T05:05:20Z', {
      failing: () => ({
        degradedRegions: ['ap-northeast-1', 'ap-northeast-3'],
        reasons: ['PARTIAL_ADDRESSES'],
      }),
    });
    const event = (dep: string) =>
      metricAlarmMessage(`bank-degraded-${dep}`, dep, 'ALARM', '2026-11-26T05:05:13.145+0000', 'Status');
    const a = await handleAlarmStateChange(event('card-network'), unknown);
    const b = await handleAlarmStateChange(event('core-auth'), lost);
    expect(a.records[0]!.subject).toBe('[NOTICE] bank DEGRADED: card-network degraded');
    expect(b.records[0]!.subject).toBe('[NOTICE] bank DEGRADED: core-auth address lost (2/3 regions)');
    expect(b.records[0]!.messages.sms).toContain('core-auth ADDRESS LOST 2/3 regions');
  });

  it('monitor-blind: names the region whose probes stopped, to the monitor owners', async () => {
    const ctx = context({ 'bank-blind-ap-northeast-1': 'ALARM' }, '2026-11-26T05:05:20Z');
    const event = compositeAlarmMessage(
      'bank-blind-ap-northeast-1',
      ruleOf('bank-blind-ap-northeast-1'),
      'bank-heartbeat-ap-northeast-1-third-party-0',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const { records } = await handleAlarmStateChange(event, ctx);
    expect(records.map((r) => [r.route, r.severity, r.subject])).toEqual([
      ['monitor-owners', 'SEV3', '[SEV3] bank MONITOR BLIND: probes in ap-northeast-1 stopped reporting'],
    ]);
    expect(records[0]!.messages.email).toContain('This is the monitor, not a dependency');
  });

  it('resolved: sent once the OK has held for one evaluation window, saying how long it lasted', async () => {
    // Prepare
    const store = new MemoryPageStateStore();
    const down = { 'bank-down-sms-gateway': 'ALARM' } as const;
    const alarm = compositeAlarmMessage(
      'bank-external-outage-sms-vendor',
      ruleOf('bank-external-outage-sms-vendor'),
      'bank-down-sms-gateway',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    await handleAlarmStateChange(alarm, context(down, '2026-11-26T05:05:20Z', { store }));
    const ok = compositeAlarmMessage(
      'bank-external-outage-sms-vendor',
      ruleOf('bank-external-outage-sms-vendor'),
      'bank-down-sms-gateway',
      'OK',
      '2026-11-26T05:47:13.000+0000',
    );
    // Act
    const atOk = await handleAlarmStateChange(ok, context({}, '2026-11-26T05:47:20Z', { store }));
    const early = await handlePagingTick(context({}, '2026-11-26T05:49:20Z', { store }));
    const due = await handlePagingTick(context({}, '2026-11-26T05:50:20Z', { store }));
    // Assess
    expect(atOk.records).toEqual([]);
    expect(early.records).toEqual([]);
    expect(due.records.map((r) => [r.outcome, r.resolved, r.alarmState, r.route, r.subject])).toEqual([
      [
        'sent',
        true,
        'OK',
        'integrations-oncall',
        '[RESOLVED] bank EXTERNAL OUTAGE: sms-gateway recovered after 42 min',
      ],
    ]);
    expect(due.records[0]!.id).toBe(
      'bank-external-outage-sms-vendor#2026-11-26T05:47:13.000Z#resolved#integrations-oncall',
    );
    expect(due.records[0]!.attributes?.severity).toBe('RESOLVED');
  });
});

describe('length limits', () => {
  const longConfig = () => {
    const c = bank();
    const longName = '카카오톡 메시지 전송 API (그룹 계좌 초대, 채팅 송금, 고객 상담) '.repeat(4);
    return {
      ...c,
      dependencies: c.dependencies.map((d) =>
        d.id === 'kakao-login'
          ? {
              ...d,
              name: longName,
              fallback:
                '카카오 로그인 버튼을 숨기고 비밀번호와 OTP 로그인을 안내합니다. 고객센터 공지를 올립니다.',
            }
          : d,
      ),
    };
  };

  it('keeps the subject ASCII, on one line and under 100 characters with long and Korean names', async () => {
    const config = longConfig();
    const ctx = context(
      { 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' },
      '2026-11-26T05:05:20Z',
      { config },
    );
    const event = compositeAlarmMessage(
      'bank-external-outage-kakao',
      ruleOf('bank-external-outage-kakao'),
      'bank-down-kakao-login',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const [page] = (await handleAlarmStateChange(event, ctx)).records;
    expect(page!.subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_CHARS);
    expect(page!.subject).toMatch(/^[\x20-\x7e]+$/);
    // The email still carries the Korean name in full.
    expect(page!.messages.email).toContain(config.dependencies.find((d) => d.id === 'kakao-login')!.name);
  });

  it('measures SMS in UTF-16 units against 70 once Korean is in it, GSM characters against 160 otherwise', () => {
    expect(smsLength('SEV2 bank: kakao DOWN [3/3]')).toEqual({ length: 29, limit: 160, encoding: 'GSM-7' });
    expect(smsLength('SEV2 카카오 DOWN')).toEqual({ length: 13, limit: 70, encoding: 'UCS-2' });
    const cut = fitSms(
      `SEV2 bank: kakao DOWN. ${'카카오 로그인 버튼을 숨기고 비밀번호와 OTP 로그인을 안내합니다. '.repeat(3)}`,
    );
    expect(cut.length).toBeLessThanOrEqual(70);
    expect(cut.endsWith('...')).toBe(true);
  });

  it('drops a Korean fallback that cannot fit one segment rather than send a stub of it', async () => {
    const config = longConfig();
    const ctx = context(
      { 'bank-core-outage': 'OK', 'bank-down-kakao-login': 'ALARM' },
      '2026-11-26T05:05:20Z',
      { config },
    );
    const event = compositeAlarmMessage(
      'bank-external-outage-kakao',
      ruleOf('bank-external-outage-kakao'),
      'bank-down-kakao-login',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const [page] = (await handleAlarmStateChange(event, ctx)).records;
    const sms = page!.messages.sms;
    const m = smsLength(sms);
    expect(m.length).toBeLessThanOrEqual(m.limit);
    expect(sms).toBe('SEV2 bank: kakao (1 of 3 APIs) DOWN 3/3 regions since 14:05 KST. Core OK.');
  });

  it('keeps a long English SMS within 160 GSM characters', async () => {
    const ctx = context(
      { 'bank-core-outage': 'OK', 'bank-down-kakaotalk-message-api': 'ALARM' },
      '2026-11-26T05:05:20Z',
    );
    const event = compositeAlarmMessage(
      'bank-external-outage-kakao',
      ruleOf('bank-external-outage-kakao'),
      'bank-down-kakaotalk-message-api',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const sms = sentOnly((await handleAlarmStateChange(event, ctx)).records)[0]!.messages.sms;
    expect(smsLength(sms).length).toBeLessThanOrEqual(160);
    expect(sms.endsWith('...')).toBe(true);
  });
});

describe('claims only what is known', () => {
  it('does not say core banking is healthy when the core alarm state is unknown', async () => {
    const ctx = context({ 'bank-down-sms-gateway': 'ALARM' }, '2026-11-26T05:05:20Z');
    const event = compositeAlarmMessage(
      'bank-external-outage-sms-vendor',
      ruleOf('bank-external-outage-sms-vendor'),
      'bank-down-sms-gateway',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const [page] = (await handleAlarmStateChange(event, ctx)).records;
    expect(page!.subject).toBe('[SEV2] bank EXTERNAL OUTAGE: sms-gateway down (3/3 regions)');
    expect(page!.messages.email).not.toContain('Core banking is healthy');
  });
});
