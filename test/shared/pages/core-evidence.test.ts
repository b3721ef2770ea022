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
  partnerAnchor,
  roundsToAlarm,
  type VotePeriod,
  votePeriodSeconds,
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

describe("coreVerdict: what the probes have shown of core since the partner's alarm acted", () => {
  const config = fastBank();
  // The partner fails from 15 s; its alarm acts on its second failing round, at 30 s.
  const partnerDown = [period(0, 0), period(15, 3), period(30, 3)];
  const verdict = (core: VotePeriod[], kakao = partnerDown, extra: Record<string, VotePeriod[]> = {}) => {
    const v = votes(core, kakao, extra);
    return coreVerdict(config, partnerAnchor(KAKAO, v, 2, roundsToAlarm(config)), v);
  };

  it("anchors on the round the partner's alarm acted on: the second of its latest run of quorum rounds", () => {
    expect(roundsToAlarm(config)).toBe(2);
    expect(partnerAnchor(KAKAO, votes([], partnerDown), 2, 2)).toBe(T0 + 30_000);
    // Later rounds of the outage do not move it; a lone region failing before it does not start the run.
    const longer = [period(0, 1), period(15, 3), period(30, 3), period(45, 3), period(60, 2)];
    expect(partnerAnchor(KAKAO, votes([], longer), 2, 2)).toBe(T0 + 30_000);
    expect(partnerAnchor(KAKAO, votes([], [period(0, 0), period(15, 1)]), 2, 2)).toBeUndefined();
  });

  it('is healthy when every core dependency was seen up from a quorum of regions in that round or later', () => {
    expect(verdict([period(15, 0), period(30, 0)]).state).toBe('healthy');
  });

  it("is unknown while core's round has not arrived: an up round before the anchor is no evidence", () => {
    // Core was seen up at 15 s, after the partner began failing but before the round its alarm acted on.
    expect(verdict([period(15, 0)])).toEqual({
      state: 'unknown',
      detail: expect.stringContaining('core-ledger: not yet seen up from 2 regions since 05:00:30'),
    });
  });

  it("is failing when core failed in the partner's confirming round, though it was up in the partner's first", () => {
    expect(verdict([period(15, 0), period(30, 3)])).toEqual({
      state: 'failing',
      detail: expect.stringContaining('core-ledger was seen down'),
    });
  });

  it('is not fooled by a lone region failing on the partner long before', () => {
    // One region saw the partner down from 0 s; the quorum outage and core's failure both begin at 30 s.
    const kakao = [period(0, 1), period(15, 1), period(30, 3)];
    expect(verdict([period(0, 0), period(15, 0), period(30, 2)], kakao).state).toBe('failing');
  });

  it('does not skip a newer round with a down vote in favour of an older round seen up', () => {
    // At 45 s one region saw core down and one up (the third not in yet): it says nothing yet, and is not skipped.
    expect(verdict([period(30, 0), period(45, 1, 2)]).state).toBe('unknown');
  });

  it('lets a newer round with no down vote and too few regions in give way to the one before it', () => {
    expect(verdict([period(30, 0), period(45, 0, 1)]).state).toBe('healthy');
  });

  it('takes the newest round that says something: a core blip followed by a quorum up is healthy', () => {
    expect(verdict([period(30, 3), period(45, 0)]).state).toBe('healthy');
  });

  it('ignores a lone region failing on core: a quorum still saw it up', () => {
    expect(verdict([period(30, 1, 3)]).state).toBe('healthy');
  });

  it('is unknown when no data shows the partner failing yet', () => {
    expect(verdict([period(30, 0)], [period(30, 0)]).state).toBe('unknown');
  });

  it('reads one round per period: 10 s periods below a 60 s interval, 60 s at and above', () => {
    expect(votePeriodSeconds(fastBank(15))).toBe(10);
    expect(votePeriodSeconds(parseConfig({ ...bankInput, intervalSeconds: 30 }, BANK_FILE))).toBe(10);
    expect(votePeriodSeconds(fastBank(60))).toBe(60);
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
  const composite = (name: string, child: string, state: 'ALARM' | 'OK', at: number) =>
    compositeAlarmMessage(name, rule(name), child, state, new Date(at).toISOString());
  return {
    states,
    store,
    setVotes: (v: ReturnType<typeof votes>) => {
      current = v;
    },
    alarm: async (
      state: 'ALARM' | 'OK',
      at: number,
      name = 'bank-external-outage-kakao',
      child = 'bank-down-kakao-login',
    ) => {
      states.set(name, state);
      return (await handleAlarmStateChange(composite(name, child, state, at), ctx(at))).records;
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

  it('sends the page, saying it recovered, when the OK comes before core evidence (a short outage is not lost)', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.states.set('bank-core-outage', 'OK');
    w.setVotes(votes([], partnerDown));
    await w.alarm('ALARM', at(45));
    w.states.set('bank-down-kakao-login', 'OK');
    const ok = await w.alarm('OK', at(50));
    expect(brief(ok)).toEqual(['sent bank-external-outage-kakao']);
    expect(ok[0]!.messages.email).toContain('It recovered at 2026-11-26T05:00:50.000Z');
    expect(ok[0]!.messages.email).not.toContain('Core banking is healthy');
    // Its resolved follows once the OK has held for the settle time.
    const later = await w.tick(at(50) + 5 * 60_000);
    expect(later.map((r) => `${r.outcome}${r.resolved ? ' resolved' : ''}`)).toEqual(['sent resolved']);
  });

  it('sends nothing when the OK comes while core is seen failing, and says why', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.setVotes(votes([period(30, 3)], partnerDown));
    await w.alarm('ALARM', at(45));
    w.states.set('bank-down-kakao-login', 'OK');
    const ok = await w.alarm('OK', at(50));
    expect(brief(ok)).toEqual(['held:not-paged bank-external-outage-kakao']);
    expect(ok[0]!.heldDetail).toContain(
      'waited (since 2026-11-26T05:00:45.000Z) for the probes to show core up',
    );
    expect((await w.store.get('bank-external-outage-kakao'))?.open).toBe(false);
  });

  it('hands over to core-outage when its rule takes the composite out of ALARM and no OK comes', async () => {
    // CloudWatch: core-outage fires, the composite's NOT ALARM(core-outage) turns it OK, and the suppressor
    // (core-outage, now in ALARM) suppresses that OK action: the paging core hears nothing but its tick.
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.setVotes(votes([period(30, 3)], partnerDown));
    await w.alarm('ALARM', at(45));
    w.states.set('bank-external-outage-kakao', 'OK');
    w.states.set('bank-core-outage', 'ALARM');
    const held = await w.tick(at(47));
    expect(brief(held)).toEqual(['held:core-outage bank-external-outage-kakao']);
    expect((await w.store.get('bank-external-outage-kakao'))?.heldFor).toBe('core-outage');
    expect(await w.tick(at(49))).toEqual([]);
  });

  it('gives a released page the id of its alarm, so deciding it again cannot send it twice', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.states.set('bank-core-outage', 'OK');
    w.setVotes(votes([], partnerDown));
    await w.alarm('ALARM', at(45));
    const before = await w.store.get('bank-external-outage-kakao');
    w.setVotes(votes([period(30, 0)], partnerDown));
    const first = await w.tick(at(49));
    // The state write after the first release is lost: the next check decides it again.
    await w.store.put(before!);
    const again = await w.tick(at(51));
    expect(first.map((r) => r.id)).toEqual(again.map((r) => r.id));
    expect(first[0]!.id).toContain(`#${new Date(at(45)).toISOString()}#core-evidence`);
  });

  it('keeps the anchor it found, so later partner rounds do not move the evidence it waits for', async () => {
    const w = world();
    w.states.set('bank-down-kakao-login', 'ALARM');
    w.states.set('bank-core-outage', 'OK');
    w.setVotes(votes([period(15, 0)], partnerDown));
    await w.alarm('ALARM', at(45));
    expect((await w.store.get('bank-external-outage-kakao'))?.evidenceAnchor).toBe(
      new Date(at(30)).toISOString(),
    );
    // The partner's next round (45 s) is in, core's 30 s round too (but not its 45 s one): core's 30 s decides.
    w.setVotes(votes([period(15, 0), period(30, 0)], [...partnerDown, period(45, 3)]));
    expect(brief(await w.tick(at(47)))).toEqual(['sent bank-external-outage-kakao']);
  });
});

describe('an external page after a maintenance window', () => {
  // The bank mutes card-network on Sundays 03:00-04:00 Asia/Seoul; 2026-11-29 03:10 KST is 2026-11-28T18:10Z.
  const inWindow = Date.parse('2026-11-28T18:10:00.000Z');
  const after = Date.parse('2026-11-28T19:00:30.000Z');
  const cardDown = [
    { start: inWindow - 30_000, down: 3, samples: 3 },
    { start: inWindow - 15_000, down: 3, samples: 3 },
  ];
  const cardVotes = (core: VotePeriod[]) =>
    new Map<string, VotePeriod[]>([
      ...CORE.map((id) => [id, core] as [string, VotePeriod[]]),
      ['card-network', cardDown],
    ]);
  const outlast = async (core: VotePeriod[]) => {
    const w = world();
    w.states.set('bank-down-card-network', 'ALARM');
    w.states.set('bank-core-outage', 'OK');
    w.setVotes(cardVotes(core));
    const muted = await w.alarm(
      'ALARM',
      inWindow,
      'bank-external-outage-card-network',
      'bank-down-card-network',
    );
    expect(brief(muted)).toEqual(['held:maintenance bank-external-outage-card-network']);
    return w.tick(after);
  };

  it('claims core healthy when the votes show core up since the partner failed', async () => {
    const sent = await outlast([{ start: inWindow - 15_000, down: 0, samples: 3 }]);
    expect(brief(sent)).toEqual(['sent bank-external-outage-card-network']);
    expect(sent[0]!.messages.email).toContain('Core banking is healthy');
    expect(sent[0]!.messages.email).toContain('It began during maintenance window card-network-sunday');
  });

  it('pages without the claim, saying why, when the votes do not show core up', async () => {
    const sent = await outlast([{ start: inWindow - 15_000, down: 1, samples: 2 }]);
    expect(brief(sent)).toEqual(['sent bank-external-outage-card-network']);
    expect(sent[0]!.messages.email).not.toContain('Core banking is healthy');
    expect(sent[0]!.messages.email).toContain("Core banking's health is not confirmed");
  });
});
