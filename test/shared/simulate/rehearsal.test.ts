// The rehearsal account built from a simulation result: order, figures, page texts and held reasons, scale.
import { describe, expect, it } from 'vitest';
import { accountFromSimulation, type SimProbeChange } from '#shared/simulate';
import { GENERATED_AT, kakaoRehearsal, START } from '../../helpers/kakao-rehearsal.ts';

describe('accountFromSimulation on a Kakao-fire rehearsal', () => {
  it('puts the events in time order, cause before effect, one first failing probe per region', () => {
    // Prepare
    const input = kakaoRehearsal();

    // Act
    const account = accountFromSimulation(input, { generatedAt: GENERATED_AT });

    // Assess
    const times = account.events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const kinds = account.events.map((e) => e.kind);
    expect(kinds.slice(0, 9)).toEqual([
      'probe-failing',
      'probe-failing',
      'probe-failing',
      'alarm',
      'alarm',
      'alarm',
      'alarm',
      'page-sent',
      'page-held',
    ]);
    expect(kinds.at(-2)).toBe('resolution');
    expect(kinds.at(-1)).toBe('page-sent');
    const failing = account.events.filter((e) => e.kind === 'probe-failing');
    expect(failing.map((e) => e.region)).toEqual(['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3']);
    expect(failing[2]?.atSeconds).toBe(540);
    expect(failing[0]?.dependencies).toEqual([
      'kakaotalk-message-api',
      'kakaotalk-alimtalk-api',
      'kakao-login',
    ]);
    expect(account.events.filter((e) => e.kind === 'probe-recovered')).toHaveLength(3);
    expect(account.events.every((e) => e.source === 'simulator' || e.kind === 'resolution')).toBe(true);
  });

  it('computes onset, detection, first page and resolution as times and minutes from onset, in UTC and KST', () => {
    // Prepare
    const input = kakaoRehearsal();

    // Act
    const { figures, timeZoneLabel, title } = accountFromSimulation(input, { generatedAt: GENERATED_AT });

    // Assess
    expect(title).toBe('Rehearsal account: bank (kakao-fire)');
    expect(timeZoneLabel).toBe('KST');
    expect(figures.onset).toMatchObject({
      at: '2022-10-15T06:27:00.000Z',
      local: '2022-10-15 15:27:00 KST',
      minutesFromOnset: 0,
    });
    expect(figures.detection).toMatchObject({
      at: '2022-10-15T06:29:00.000Z',
      minutesFromOnset: 2,
      detail: 'first alarm: bank-down-kakaotalk-message-api',
    });
    expect(figures.firstPage).toMatchObject({
      at: '2022-10-15T06:29:02.000Z',
      local: '2022-10-15 15:29:02 KST',
    });
    expect(figures.firstPage?.minutesFromOnset).toBe(2);
    expect(figures.resolution).toMatchObject({
      at: '2022-10-15T09:21:00.000Z',
      local: '2022-10-15 18:21:00 KST',
      atSeconds: 3 * 3600 + 120,
      minutesFromOnset: 174,
    });
  });

  it('keeps the text of a page sent and the reason of a page held', () => {
    // Prepare
    const input = kakaoRehearsal();

    // Act
    const account = accountFromSimulation(input, { generatedAt: GENERATED_AT });

    // Assess
    const sent = account.events.find((e) => e.kind === 'page-sent');
    expect(sent?.text).toContain('Core banking is healthy.');
    expect(sent?.sms).toBe('SEV2 Kakao down 3/3 regions. Core OK.');
    expect(sent?.route).toBe('integrations-oncall');
    const held = account.events.find((e) => e.kind === 'page-held');
    expect(held).toMatchObject({ heldReason: 'duplicate', heldDetail: 'same alarm event delivered twice' });
    expect(held?.summary).toContain('held back (duplicate: same alarm event delivered twice)');
    expect(account.events.at(-1)?.resolved).toBe(true);
  });
});

describe('accountFromSimulation at scale', () => {
  it('takes half a million probe results and keeps only the changes', () => {
    // Prepare: 5 dependencies x 2 regions x 50,000 rounds, each dependency down for one stretch.
    const base = kakaoRehearsal();
    const probes: SimProbeChange[] = [];
    for (let round = 0; round < 50_000; round++) {
      for (let d = 0; d < 5; d++) {
        for (const region of ['ap-northeast-2', 'ap-northeast-1']) {
          const down = round >= 1000 * (d + 1) && round < 1000 * (d + 2);
          probes.push({
            atSeconds: round * 10,
            dependency: `dep-${d}`,
            region,
            status: down ? 'down' : 'up',
          });
        }
      }
    }

    // Act
    const account = accountFromSimulation({
      ...base,
      scenario: { ...base.scenario, durationSeconds: 50_000 * 10 },
      probes,
      alarms: [],
      pages: [],
      held: [],
    });

    // Assess
    expect(account.events.filter((e) => e.kind === 'probe-failing')).toHaveLength(10);
    expect(account.events.filter((e) => e.kind === 'probe-recovered')).toHaveLength(10);
    expect(account.window.to.at).toBe(new Date(Date.parse(START) + 50_000 * 10_000).toISOString());
  });
});
