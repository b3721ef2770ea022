// An external-outage page claims "core banking is healthy" only on the probes' own data: the paging core holds it
// until a quorum of regions has seen every critical first-party dependency up since the partner began failing,
// hands it to the core-outage hold if core fails meanwhile, and sends it without the claim after the longest
// wait rather than lose it.
import { describe, expect, it } from 'vitest';
import { type AlarmState, buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import {
  CORE_EVIDENCE_POLL_MS,
  coreEvidenceMaxWaitMs,
  coreVerdict,
  handleAlarmStateChange,
  handlePagingTick,
  MemoryPageStateStore,
  type PageLogRecord,
  type VotePeriod,
  voteWindow,
} from '#shared/pages';
import bankInput from '../../../examples/bank/monitor.config.ts';
import { compositeAlarmMessage } from './alarm-messages.ts';
import { BANK_FILE } from './bank.ts';

const CORE = ['core-ledger', 'core-transfers', 'core-auth'];
const KAKAO = ['kakaotalk-message-api', 'kakaotalk-alimtalk-api', 'kakao-login'];
const T0 = Date.parse('2026-11-26T05:00:00.000Z');

/** The bank example in the fast profile at `interval` s (10 s vote periods, one round in each). */
const fastBank = (interval = 15): MonitorConfig =>
  parseConfig(
    { ...bankInput, intervalSeconds: interval, policy: { ...bankInput.policy, detection: 'fast' } },
    BANK_FILE,
  );

/** A vote period `s` seconds after T0: `down` of `samples` regions saw it down. */
const period = (s: number, down: number, samples = 3): VotePeriod => ({
  start: T0 + s * 1000,
  down,
  samples,
});

/** Votes with every core dependency given `core` and the Kakao members given `kakao`. */
function votes(core: VotePeriod[], kakao: VotePeriod[], extra: Record<string, VotePeriod[]> = {}) {
  return new Map<string, VotePeriod[]>([
    ...CORE.map((id) => [id, core] as [string, VotePeriod[]]),
    ...KAKAO.map((id) => [id, kakao] as [string, VotePeriod[]]),
    ...Object.entries(extra),
  ]);
}

describe('coreVerdict: what the probes have shown of core since the partner began failing', () => {
  const config = fastBank();
  const partnerDown = [period(0, 0), period(10, 3), period(20, 3)];

  it('is healthy when every core dependency was seen up from a quorum of regions since the partner failed', () => {
    const v = coreVerdict(config, KAKAO, votes([period(0, 0), period(10, 0)], partnerDown));
    expect(v.state).toBe('healthy');
  });

  it('is unknown while core has no data since the partner began failing: older rounds are no evidence', () => {
    // Core was up at 0 s, before the partner failed at 10 s; core's rounds since are still being ingested.
    const v = coreVerdict(config, KAKAO, votes([period(0, 0)], partnerDown));
    expect(v).toEqual({
      state: 'unknown',
      detail: expect.stringContaining('core-ledger: no probe data since 05:00:10'),
    });
  });

  it('is failing when a core dependency was seen down from a quorum in a round since the partner failed', () => {
    const v = coreVerdict(
      config,
      KAKAO,
      votes([period(0, 0), period(10, 0)], partnerDown, { 'core-auth': [period(0, 0), period(10, 2)] }),
    );
    expect(v).toEqual({ state: 'failing', detail: expect.stringContaining('core-auth was seen down') });
  });

  it('takes the newest round that says something: a core blip followed by a quorum up is healthy', () => {
    const v = coreVerdict(config, KAKAO, votes([period(10, 3), period(20, 0)], partnerDown));
    expect(v.state).toBe('healthy');
  });

  it('is unknown when too few regions reported core up (one region down, one silent)', () => {
    const v = coreVerdict(config, KAKAO, votes([period(10, 1, 2)], partnerDown));
    expect(v).toEqual({
      state: 'unknown',
      detail: expect.stringContaining('fewer than 2 regions have reported it up'),
    });
  });

  it('ignores a lone region failing on core: a quorum still saw it up', () => {
    const v = coreVerdict(config, KAKAO, votes([period(10, 1, 3)], partnerDown));
    expect(v.state).toBe('healthy');
  });

  it('is unknown when no data shows the partner failing yet', () => {
    const v = coreVerdict(config, KAKAO, votes([period(10, 0)], [period(10, 0)]));
    expect(v.state).toBe('unknown');
  });

  it('counts region-rounds per region in periods of several rounds (economical profile at 15 s: two a period)', () => {
    const eco = parseConfig({ ...bankInput, intervalSeconds: 15 }, BANK_FILE);
    expect(voteWindow(eco)).toEqual({ periodSeconds: 30, roundsPerPeriod: 2 });
    const partner = [period(0, 6, 6)];
    // One round of three regions in so far (3 region-rounds): 1.5 regions' worth either way, not yet a quorum.
    expect(coreVerdict(eco, KAKAO, votes([period(0, 3, 3)], partner)).state).toBe('unknown');
    expect(coreVerdict(eco, KAKAO, votes([period(0, 0, 3)], partner)).state).toBe('unknown');
    expect(coreVerdict(eco, KAKAO, votes([period(0, 0, 6)], partner)).state).toBe('healthy');
    expect(coreVerdict(eco, KAKAO, votes([period(0, 4, 6)], partner)).state).toBe('failing');
  });
});

/** The paging core with a vote source the test controls. */
function world(config = fastBank()) {
  const plan = buildAlarmPlan(config, { configFile: BANK_FILE });
  const store = new MemoryPageStateStore();
  const states = new Map<string, AlarmState>();
  let current = votes([], []);
  const ctx = (now: number) => ({
    config,
    plan,
    store,
    now: new Date(now),
    alarmState: (n: string) => states.get(n),
    votes: async () => current,
  });
  const rule = (name: string) => {
    const a = plan.alarms.find((x) => x.name === name);
    return a?.type === 'composite' ? a.rule : '';
  };
  const kakaoAlarm = (state: 'ALARM' | 'OK', at: number) =>
    compositeAlarmMessage(
      'bank-external-outage-kakao',
      rule('bank-external-outage-kakao'),
      'bank-down-kakao-login',
      state,
      new Date(at).toISOString(),
    );
  return {
    states,
    store,
    setVotes: (v: ReturnType<typeof votes>) => {
      current = v;
    },
    alarm: async (state: 'ALARM' | 'OK', at: number) => {
      states.set('bank-external-outage-kakao', state);
      return (await handleAlarmStateChange(kakaoAlarm(state, at), ctx(at))).records;
    },
    tick: async (at: number) => (await handlePagingTick(ctx(at))).records,
    config,
  };
}

const brief = (records: readonly PageLogRecord[]) =>
  records.map((r) => `${r.outcome}${r.heldReason ? `:${r.heldReason}` : ''} ${r.alarmName}`);

describe('an external page waits for core evidence', () => {
  const at = (s: number) => T0 + s * 1000;
  const partnerDown = [period(0, 0), period(15, 3), period(30, 3)];

  it('holds the page while core data is missing, then sends it claiming core healthy once it arrives', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.states.set('bank-core-outage', 'OK');
    w.setVotes(votes([period(0, 0)], partnerDown));
    expect(await w.alarm('ALARM', at(45))).toEqual([]);
    expect((await w.store.get('bank-external-outage-kakao'))?.heldFor).toBe('core-evidence');
    expect(await w.tick(at(45) + CORE_EVIDENCE_POLL_MS)).toEqual([]);
    w.setVotes(votes([period(0, 0), period(30, 0)], partnerDown));
    const sent = await w.tick(at(45) + 2 * CORE_EVIDENCE_POLL_MS);
    expect(brief(sent)).toEqual(['sent bank-external-outage-kakao']);
    expect(sent[0]!.messages.email).toContain('Core banking is healthy');
    expect(await w.tick(at(60))).toEqual([]);
  });

  it('sends it at once when core was already seen up since the partner failed', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.setVotes(votes([period(15, 0), period(30, 0)], partnerDown));
    expect(brief(await w.alarm('ALARM', at(45)))).toEqual(['sent bank-external-outage-kakao']);
  });

  it('hands it to the core-outage hold when core goes into ALARM while the evidence is awaited', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.setVotes(votes([period(15, 3)], partnerDown));
    expect(await w.alarm('ALARM', at(45))).toEqual([]);
    w.states.set('bank-core-outage', 'ALARM');
    const held = await w.tick(at(47));
    expect(brief(held)).toEqual(['held:core-outage bank-external-outage-kakao']);
    expect(held[0]!.messages.email).not.toContain('Core banking is healthy');
    expect((await w.store.get('bank-external-outage-kakao'))?.heldFor).toBe('core-outage');
  });

  it('sends it without the core claim, saying why, when no evidence comes within the longest wait', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.states.set('bank-core-outage', 'OK');
    w.setVotes(votes([period(30, 1, 2)], partnerDown));
    expect(await w.alarm('ALARM', at(45))).toEqual([]);
    const wait = coreEvidenceMaxWaitMs(w.config);
    expect(await w.tick(at(45) + wait - CORE_EVIDENCE_POLL_MS)).toEqual([]);
    const sent = await w.tick(at(45) + wait);
    expect(brief(sent)).toEqual(['sent bank-external-outage-kakao']);
    expect(sent[0]!.messages.email).not.toContain('Core banking is healthy');
    expect(sent[0]!.messages.email).toContain("Core banking's health is not confirmed");
  });

  it('keeps the wait from its first ALARM when the alarm changes again during it', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.setVotes(votes([], partnerDown));
    await w.alarm('ALARM', at(45));
    await w.alarm('ALARM', at(55));
    expect((await w.store.get('bank-external-outage-kakao'))?.heldSince).toBe(new Date(at(45)).toISOString());
  });

  it('sends nothing and closes quietly when the partner recovers before core evidence decides', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.setVotes(votes([], partnerDown));
    await w.alarm('ALARM', at(45));
    w.states.set('bank-down-kakao-login', 'OK');
    const ok = await w.alarm('OK', at(50));
    expect(brief(ok)).toEqual(['held:not-paged bank-external-outage-kakao']);
    expect(ok[0]!.heldDetail).toContain(
      'waited (since 2026-11-26T05:00:45.000Z) for the probes to show core up',
    );
    expect((await w.store.get('bank-external-outage-kakao'))?.open).toBe(false);
  });
});
