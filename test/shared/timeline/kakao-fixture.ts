// A Kakao-fire-like rehearsal run (2022-10-15, the data-centre fire that took KakaoTalk down for hours
// while banks' cores stayed up), in the shape `depmon simulate` hands to `accountFromSimulation`.
import type { RehearsalInput, SimProbeResult } from '#shared/timeline';

export const REGIONS = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'] as const;
const KAKAO = ['kakaotalk-message-api', 'kakaotalk-alimtalk-api', 'kakao-login'] as const;
const OTHERS = ['core-ledger', 'sms-gateway'] as const;

/** t = 0 at 06:19:00 UTC (15:19 KST). */
export const START = '2022-10-15T06:19:00.000Z';
const DOWN_FROM = 8 * 60; // 06:27 UTC, 15:27 KST
const UP_FROM = 3 * 3600; // 09:19 UTC
const DURATION = 4 * 3600;

function probes(): SimProbeResult[] {
  const out: SimProbeResult[] = [];
  for (let t = 0; t <= DURATION; t += 60) {
    REGIONS.forEach((region, i) => {
      for (const dependency of KAKAO) {
        // ap-northeast-3 sees it a round later: its resolver still had cached addresses.
        const from = DOWN_FROM + (i === 2 ? 60 : 0);
        const down = t >= from && t < UP_FROM;
        out.push(
          down
            ? {
                atSeconds: t,
                dependency,
                region,
                status: 'down',
                reason: 'TIMEOUT',
                detail: `no answer in 5000 ms (${dependency})`,
              }
            : { atSeconds: t, dependency, region, status: 'up' },
        );
      }
      for (const dependency of OTHERS) out.push({ atSeconds: t, dependency, region, status: 'up' });
    });
  }
  return out;
}

export const kakaoRehearsal = (): RehearsalInput => ({
  config: { name: 'bank', timeZone: 'Asia/Seoul', probeRegions: [...REGIONS] },
  start: START,
  durationSeconds: DURATION,
  scenario: 'kakao-fire',
  alarms: [
    ...KAKAO.map((d) => ({
      atSeconds: 600,
      alarm: `bank-down-${d}`,
      from: 'OK',
      to: 'ALARM',
      reason:
        'Threshold Crossed: 2 out of the last 3 datapoints were greater than or equal to the threshold (2.0).',
    })),
    { atSeconds: 600, alarm: 'bank-external-outage-kakao', from: 'OK', to: 'ALARM' },
    ...KAKAO.map((d) => ({ atSeconds: UP_FROM + 120, alarm: `bank-down-${d}`, from: 'ALARM', to: 'OK' })),
    { atSeconds: UP_FROM + 120, alarm: 'bank-external-outage-kakao', from: 'ALARM', to: 'OK' },
  ],
  pages: [
    {
      atSeconds: 602,
      kind: 'external-outage',
      severity: 'SEV2',
      dependencies: [...KAKAO],
      subject: 'SEV2 external outage: Kakao (3 APIs) down in 3/3 regions; core banking healthy',
      text: 'KakaoTalk message API, AlimTalk API and Kakao login are down.\nCore banking is healthy.\nFallback: switch chat transfers to in-app links.',
      sms: 'SEV2 Kakao down 3/3 regions. Core OK.',
      route: 'integrations-oncall',
    },
    {
      atSeconds: 603,
      kind: 'external-outage',
      severity: 'SEV2',
      dependencies: [...KAKAO],
      subject: 'SEV2 external outage: Kakao (3 APIs) down in 3/3 regions; core banking healthy',
      held: true,
      heldReason: 'duplicate',
      heldDetail: 'same alarm event delivered twice',
    },
    {
      atSeconds: UP_FROM + 122,
      kind: 'external-outage',
      resolved: true,
      severity: 'SEV2',
      dependencies: [...KAKAO],
      subject: 'RESOLVED external outage: Kakao',
      text: 'Kakao APIs answer again in every region.',
      routes: ['integrations-oncall'],
    },
  ],
  probes: probes(),
  generatedAt: new Date('2026-11-26T12:00:00Z'),
});
