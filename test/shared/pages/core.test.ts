import { describe, expect, it } from 'vitest';
import type { AlarmState } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import {
  type AlarmStateChangeMessage,
  handleAlarmStateChange,
  handlePagingTick,
  MemoryPageStateStore,
  type PageLogRecord,
  type PagingContext,
} from '#shared/pages';
import { compositeAlarmMessage, metricAlarmMessage } from './alarm-messages.ts';
import { bank, bankPlan } from './bank.ts';

/** A small world: alarm states the test sets, one store, a clock. */
function world(config: MonitorConfig = bank()) {
  const plan = bankPlan(config);
  const store = new MemoryPageStateStore();
  const states = new Map<string, AlarmState>();
  const ctx = (now: string): PagingContext => ({
    config,
    plan,
    store,
    now: new Date(now),
    alarmState: (n) => states.get(n),
  });
  const rule = (name: string) => {
    const a = plan.alarms.find((x) => x.name === name);
    return a?.type === 'composite' ? a.rule : '';
  };
  const composite = (name: string, state: 'ALARM' | 'OK', time: string): AlarmStateChangeMessage =>
    compositeAlarmMessage(name, rule(name), name, state, time);
  const send = async (event: AlarmStateChangeMessage, now?: string) =>
    (await handleAlarmStateChange(event, ctx(now ?? event.StateChangeTime))).records;
  const tick = async (now: string) => (await handlePagingTick(ctx(now))).records;
  return { states, store, send, tick, composite };
}

const brief = (records: readonly PageLogRecord[]) =>
  records.map(
    (r) =>
      `${r.outcome}${r.heldReason ? `:${r.heldReason}` : ''}${r.resolved ? ' resolved' : ''}${r.flapping ? ' flapping' : ''} ${r.alarmName}${r.route ? ` → ${r.route}` : ''}`,
  );

const t = (min: number, sec = 13) =>
  `2026-11-26T05:${String(min).padStart(2, '0')}:${String(sec).padStart(2, '0')}.000Z`;

describe('holding pages during a core outage', () => {
  it('holds an external-outage page while core-outage is in ALARM, and logs why', async () => {
    // Prepare
    const w = world();
    w.states.set('bank-core-outage', 'ALARM');
    w.states.set('bank-down-core-ledger', 'ALARM');
    w.states.set('bank-down-sms-gateway', 'ALARM');
    // Act
    const records = await w.send(w.composite('bank-external-outage-sms-vendor', 'ALARM', t(5)));
    // Assess
    expect(brief(records)).toEqual(['held:core-outage bank-external-outage-sms-vendor']);
    expect(records[0]!.heldDetail).toBe('bank-core-outage is in ALARM');
    expect(records[0]!.messages.email).not.toContain('Core banking is healthy');
  });

  it('does not resolve an external page when its rule goes false only because core went down', async () => {
    // Prepare: Kakao paged first, then core fails while Kakao is still down.
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    await w.send(w.composite('bank-external-outage-kakao', 'ALARM', t(5)));
    w.states.set('bank-core-outage', 'ALARM');
    // Act
    const atOk = await w.send(w.composite('bank-external-outage-kakao', 'OK', t(10)));
    const later = await w.tick(t(30));
    // Assess
    expect(brief(atOk)).toEqual(['held:core-outage resolved bank-external-outage-kakao']);
    expect(later).toEqual([]);
  });

  it('resolves an external page whose OK was suppressed once core recovers and the partner is up', async () => {
    // Prepare
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    await w.send(w.composite('bank-external-outage-kakao', 'ALARM', t(5)));
    w.states.set('bank-core-outage', 'ALARM');
    w.states.set('bank-down-core-auth', 'ALARM');
    await w.send(w.composite('bank-core-outage', 'ALARM', t(8)));
    // Kakao recovers during the core outage: its OK is suppressed by CloudWatch and never arrives.
    w.states.set('bank-down-kakao-login', 'OK');
    w.states.set('bank-core-outage', 'OK');
    w.states.set('bank-down-core-auth', 'OK');
    // Act
    await w.send(w.composite('bank-core-outage', 'OK', t(20)));
    const due = await w.tick(t(24));
    // Assess
    expect(brief(due)).toEqual([
      'sent resolved bank-core-outage → core-oncall',
      'sent resolved bank-external-outage-kakao → integrations-oncall',
    ]);
  });
});

describe('maintenance windows', () => {
  // The bank mutes card-network on Sundays 03:00-04:00 Asia/Seoul; 2026-11-29 is a Sunday.
  it('mutes a page for a dependency in its window but still sends the resolved', async () => {
    // Prepare
    const w = world();
    w.states.set('bank-down-card-network', 'ALARM');
    // Act
    const muted = await w.send(
      w.composite('bank-external-outage-card-network', 'ALARM', '2026-11-28T18:10:00.000Z'),
    );
    w.states.set('bank-down-card-network', 'OK');
    await w.send(w.composite('bank-external-outage-card-network', 'OK', '2026-11-28T18:40:00.000Z'));
    const resolved = await w.tick('2026-11-28T18:44:00.000Z');
    // Assess
    expect(brief(muted)).toEqual(['held:maintenance bank-external-outage-card-network']);
    expect(muted[0]!.heldDetail).toBe(
      'maintenance window card-network-sunday: Card network weekly maintenance window',
    );
    expect(brief(resolved)).toEqual([
      'sent resolved bank-external-outage-card-network → integrations-oncall',
    ]);
  });

  it('pages outside the window', async () => {
    const w = world();
    w.states.set('bank-down-card-network', 'ALARM');
    const records = await w.send(
      w.composite('bank-external-outage-card-network', 'ALARM', '2026-11-28T19:10:00.000Z'),
    );
    expect(brief(records)).toEqual(['sent bank-external-outage-card-network → integrations-oncall']);
  });
});

describe('flapping', () => {
  it('pages once, says once that it is flapping, and resolves only after stableMinutes of OK', async () => {
    // Prepare: Kakao login down a minute, up a minute, for half an hour.
    const w = world();
    const all: PageLogRecord[] = [];
    // Act
    for (let m = 0; m < 30; m += 2) {
      w.states.set('bank-down-kakao-login', 'ALARM');
      all.push(...(await w.send(w.composite('bank-external-outage-kakao', 'ALARM', t(10 + m)))));
      w.states.set('bank-down-kakao-login', 'OK');
      all.push(...(await w.send(w.composite('bank-external-outage-kakao', 'OK', t(11 + m)))));
    }
    const beforeStable = await w.tick(t(49, 0)); // last OK at 05:39:13: stable for 10 min at 05:49:13
    const afterStable = await w.tick(t(50));
    // Assess
    const sent = all.filter((r) => r.outcome === 'sent');
    expect(brief(sent)).toEqual([
      'sent bank-external-outage-kakao → integrations-oncall',
      'sent flapping bank-external-outage-kakao → integrations-oncall',
    ]);
    expect(sent[1]!.subject).toBe(
      '[SEV2] bank FLAPPING EXTERNAL OUTAGE: kakao (1 of 3 APIs), 4 changes in 30 min',
    );
    expect(all.filter((r) => r.outcome === 'held').every((r) => r.heldReason === 'flapping')).toBe(true);
    expect(beforeStable).toEqual([]);
    expect(brief(afterStable)).toEqual([
      'sent resolved flapping bank-external-outage-kakao → integrations-oncall',
    ]);
    expect(afterStable[0]!.messages.email).toContain(
      'It was flapping; depmon waited for 10 minutes of stability',
    );
  });
});

describe('delivery', () => {
  it('holds a repeated delivery of the same alarm event as a duplicate', async () => {
    const w = world();
    w.states.set('bank-down-sms-gateway', 'ALARM');
    const event = w.composite('bank-external-outage-sms-vendor', 'ALARM', t(5));
    const first = await w.send(event);
    const again = await w.send(event, t(6));
    expect(brief(first)).toEqual(['sent bank-external-outage-sms-vendor → integrations-oncall']);
    expect(brief(again)).toEqual(['held:duplicate bank-external-outage-sms-vendor']);
    expect(again[0]!.id).toBe('bank-external-outage-sms-vendor#2026-11-26T05:05:13.000Z#duplicate#held');
  });

  it('gives nothing for alarms that do not page, INSUFFICIENT_DATA, or an OK with nothing open', async () => {
    const w = world();
    const down = metricAlarmMessage('bank-down-kakao-login', 'kakao-login', 'ALARM', t(5));
    const insufficient = {
      ...w.composite('bank-core-outage', 'OK', t(5)),
      NewStateValue: 'INSUFFICIENT_DATA' as const,
    };
    const firstOk = w.composite('bank-core-outage', 'OK', t(6));
    expect([...(await w.send(down)), ...(await w.send(insufficient)), ...(await w.send(firstOk))]).toEqual(
      [],
    );
  });

  it('holds a page whose kind no route lists', async () => {
    const config = bank();
    const w = world({ ...config, routes: config.routes.filter((r) => r.id !== 'monitor-owners') });
    const records = await w.send(w.composite('bank-blind-ap-northeast-3', 'ALARM', t(5)));
    expect(brief(records)).toEqual(['held:no-route bank-blind-ap-northeast-3']);
  });

  it('pages a non-critical first-party outage as a SEV3 notice, not as core', async () => {
    const w = world();
    const records = await w.send(
      metricAlarmMessage('bank-down-core-db-proxy', 'core-db-proxy', 'ALARM', t(5)),
    );
    expect(records.map((r) => [r.severity, r.route, r.subject])).toEqual([
      ['SEV3', 'integrations-oncall', '[SEV3] bank DOWN (non-critical): core-db-proxy down'],
    ]);
  });
});

describe('holding a resolved while the probes are blind', () => {
  it('does not resolve an external page when its rule went false because the third-party probes went blind', async () => {
    // Prepare
    const w = world();
    w.states.set('bank-down-sms-gateway', 'ALARM');
    await w.send(w.composite('bank-external-outage-sms-vendor', 'ALARM', t(5)));
    w.states.set('bank-down-sms-gateway', 'OK');
    w.states.set('bank-blind-third-party', 'ALARM');
    w.states.set('bank-blind-ap-northeast-1', 'ALARM');
    // Act
    const atOk = await w.send(w.composite('bank-external-outage-sms-vendor', 'OK', t(8)));
    const whileBlind = await w.tick(t(20));
    w.states.set('bank-blind-third-party', 'OK');
    w.states.set('bank-blind-ap-northeast-1', 'OK');
    await w.send(w.composite('bank-blind-ap-northeast-1', 'OK', t(25)));
    const after = await w.tick(t(29));
    // Assess
    expect(brief(atOk)).toEqual(['held:monitor-blind resolved bank-external-outage-sms-vendor']);
    expect(whileBlind).toEqual([]);
    expect(brief(after)).toEqual(['sent resolved bank-external-outage-sms-vendor → integrations-oncall']);
  });
});

describe('blindness when the resolved is finally sent, for every tier', () => {
  const heartbeats = (region: string) => [
    `bank-heartbeat-${region}-first-party-0`,
    `bank-heartbeat-${region}-third-party-0`,
  ];
  const blind = (w: ReturnType<typeof world>, state: AlarmState, ...regions: string[]) => {
    for (const r of regions) for (const h of heartbeats(r)) w.states.set(h, state);
  };

  it('holds a core resolved whose probes went blind while it settled, and resolves once they see again', async () => {
    // Prepare: the SEV1 is out; core's OK arrives while every region still reports.
    const w = world();
    w.states.set('bank-core-outage', 'ALARM');
    w.states.set('bank-down-core-ledger', 'ALARM');
    await w.send(w.composite('bank-core-outage', 'ALARM', t(5)));
    w.states.set('bank-core-outage', 'OK');
    w.states.set('bank-down-core-ledger', 'OK');
    const atOk = await w.send(w.composite('bank-core-outage', 'OK', t(10)));
    // Two of three regions' heartbeat alarms fire before the settle time is over.
    blind(w, 'ALARM', 'ap-northeast-1', 'ap-northeast-3');
    // Act
    const due = await w.tick(t(14));
    const stillBlind = await w.tick(t(20));
    blind(w, 'OK', 'ap-northeast-1', 'ap-northeast-3');
    const seeing = await w.tick(t(25));
    const settled = await w.tick(t(28));
    // Assess
    expect(atOk).toEqual([]);
    expect(brief(due)).toEqual(['held:monitor-blind resolved bank-core-outage']);
    expect(due[0]!.heldDetail).toContain('probes in ap-northeast-1, ap-northeast-3 are blind');
    expect(stillBlind).toEqual([]);
    expect(seeing).toEqual([]);
    expect(brief(settled)).toEqual(['sent resolved bank-core-outage → core-oncall']);
    expect(settled[0]!.messages.email).toContain('The probes were blind from');
  });

  it('gives a non-critical first-party outage a blind guard too, and never re-pages it', async () => {
    const w = world();
    const down = (state: 'ALARM' | 'OK', at: string) =>
      metricAlarmMessage('bank-down-core-db-proxy', 'core-db-proxy', state, at);
    w.states.set('bank-down-core-db-proxy', 'ALARM');
    await w.send(down('ALARM', t(5)));
    blind(w, 'ALARM', 'ap-northeast-1', 'ap-northeast-2');
    w.states.set('bank-down-core-db-proxy', 'OK');
    // Act: OK for want of votes, then ALARM again once the regions report.
    const atOk = await w.send(down('OK', t(9)));
    const whileBlind = await w.tick(t(15));
    blind(w, 'OK', 'ap-northeast-1', 'ap-northeast-2');
    w.states.set('bank-down-core-db-proxy', 'ALARM');
    const again = await w.send(down('ALARM', t(18)));
    // Assess
    expect(brief(atOk)).toEqual(['held:monitor-blind resolved bank-down-core-db-proxy']);
    expect(whileBlind).toEqual([]);
    expect(brief(again)).toEqual(['held:already-open bank-down-core-db-proxy']);
  });
});

describe('holds released', () => {
  it('pages a muted outage when its maintenance window ends while it is still down', async () => {
    const w = world();
    w.states.set('bank-down-card-network', 'ALARM');
    w.states.set('bank-external-outage-card-network', 'ALARM');
    const muted = await w.send(
      w.composite('bank-external-outage-card-network', 'ALARM', '2026-11-28T18:30:00.000Z'),
    );
    // Act
    const inWindow = await w.tick('2026-11-28T18:59:00.000Z');
    const windowEnded = await w.tick('2026-11-28T19:00:30.000Z');
    const later = await w.tick('2026-11-28T19:10:00.000Z');
    // Assess
    expect(brief(muted)).toEqual(['held:maintenance bank-external-outage-card-network']);
    expect(inWindow).toEqual([]);
    expect(brief(windowEnded)).toEqual(['sent bank-external-outage-card-network → integrations-oncall']);
    expect(windowEnded[0]!.since).toBe('2026-11-28T18:30:00.000Z');
    expect(later).toEqual([]);
  });

  it('pages a muted partner outage whose window ended during a core outage once core recovers', async () => {
    const w = world();
    w.states.set('bank-down-card-network', 'ALARM');
    w.states.set('bank-external-outage-card-network', 'ALARM');
    await w.send(w.composite('bank-external-outage-card-network', 'ALARM', '2026-11-28T18:30:00.000Z'));
    // Core fails inside the window: the composite's rule goes false (its OK is suppressed, never delivered).
    w.states.set('bank-core-outage', 'ALARM');
    w.states.set('bank-external-outage-card-network', 'OK');
    const windowEnded = await w.tick('2026-11-28T19:05:00.000Z');
    // Act: core recovers, the composite goes back to ALARM and CloudWatch delivers it.
    w.states.set('bank-core-outage', 'OK');
    w.states.set('bank-external-outage-card-network', 'ALARM');
    const again = await w.send(
      w.composite('bank-external-outage-card-network', 'ALARM', '2026-11-28T19:20:00.000Z'),
    );
    // Assess
    expect(windowEnded).toEqual([]);
    expect(brief(again)).toEqual(['sent bank-external-outage-card-network → integrations-oncall']);
    expect(again[0]!.since).toBe('2026-11-28T18:30:00.000Z');
  });

  it('sends a third-party degraded notice held during a core outage once core recovers, if still degraded', async () => {
    const w = world();
    w.states.set('bank-core-outage', 'ALARM');
    w.states.set('bank-degraded-kakao-login', 'ALARM');
    const event = metricAlarmMessage('bank-degraded-kakao-login', 'kakao-login', 'ALARM', t(5), 'Status');
    const atAlarm = await w.send(event);
    // Act
    const coreDown = await w.tick(t(10));
    w.states.set('bank-core-outage', 'OK');
    const coreUp = await w.tick(t(20));
    // Assess
    expect(brief(atAlarm)).toEqual(['held:core-outage bank-degraded-kakao-login']);
    expect(coreDown).toEqual([]);
    expect(brief(coreUp)).toEqual(['sent bank-degraded-kakao-login → integrations-oncall']);
    expect(coreUp[0]!.since).toBe(t(5));
  });
});

describe('an incident that grows', () => {
  it('names in the resolved every member that went down during the incident', async () => {
    const w = world();
    w.states.set('bank-down-kakaotalk-message-api', 'ALARM');
    await w.send(w.composite('bank-external-outage-kakao', 'ALARM', t(5)));
    w.states.set('bank-down-kakao-login', 'ALARM');
    await w.tick(t(7));
    w.states.clear();
    await w.send(w.composite('bank-external-outage-kakao', 'OK', t(20)));
    const [resolved] = await w.tick(t(24));
    expect(resolved!.dependencies).toEqual(['kakaotalk-message-api', 'kakao-login']);
    expect(resolved!.subject).toBe(
      '[RESOLVED] bank EXTERNAL OUTAGE: kakao (2 of 3 APIs) recovered after 15 min',
    );
  });
});

describe('which members a group page names', () => {
  it('uses the triggering child CloudWatch names when the member states are not known yet', async () => {
    const w = world();
    w.states.set('bank-core-outage', 'OK');
    const event = compositeAlarmMessage(
      'bank-external-outage-kakao',
      'rule',
      'bank-down-kakao-login',
      'ALARM',
      '2026-11-26T05:05:13.000+0000',
    );
    const [page] = await w.send(event);
    expect(page!.dependencies).toEqual(['kakao-login']);
    expect(page!.subject).toBe('[SEV2] bank EXTERNAL OUTAGE: kakao (1 of 3 APIs) down - core healthy');
  });
});
