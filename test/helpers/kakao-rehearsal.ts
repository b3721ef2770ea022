// A Kakao-fire-like rehearsal (2022-10-15, the data-centre fire that took KakaoTalk down for hours while
// banks' cores stayed up), as the part of a simulation result the rehearsal account reads.
import type { RehearsalEvidence, SimProbeChange } from '#shared/simulate';

export const REGIONS = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'] as const;
const KAKAO = ['kakaotalk-message-api', 'kakaotalk-alimtalk-api', 'kakao-login'] as const;
const OTHERS = ['core-ledger', 'sms-gateway'] as const;

/** t = 0 at 06:19:00 UTC (15:19 KST). */
export const START = '2022-10-15T06:19:00.000Z';
const DOWN_FROM = 8 * 60; // 06:27 UTC, 15:27 KST
const UP_FROM = 3 * 3600; // 09:19 UTC
const DURATION = 4 * 3600;
/** The account's `generatedAt`, fixed so renderings do not depend on the clock. */
export const GENERATED_AT = new Date('2026-11-26T12:00:00Z');

/** Every dependency up everywhere at t = 0, then the Kakao APIs down and back up in each region. */
function probes(): SimProbeChange[] {
  const out: SimProbeChange[] = [];
  for (const region of REGIONS)
    for (const dependency of [...KAKAO, ...OTHERS])
      out.push({ atSeconds: 0, dependency, region, status: 'up' });
  REGIONS.forEach((region, i) => {
    // ap-northeast-3 sees it a round later: its resolver still had cached addresses.
    const from = DOWN_FROM + (i === 2 ? 60 : 0);
    for (const dependency of KAKAO)
      out.push(
        {
          atSeconds: from,
          dependency,
          region,
          status: 'down',
          reason: 'TIMEOUT',
          detail: `no answer in 5000 ms (${dependency})`,
        },
        { atSeconds: UP_FROM, dependency, region, status: 'up' },
      );
  });
  return out;
}

const DOWN_REASON =
  'Threshold Crossed: 2 out of the last 3 datapoints were greater than or equal to the threshold (2.0).';
const SUBJECT = 'SEV2 external outage: Kakao (3 APIs) down in 3/3 regions; core banking healthy';

export const kakaoRehearsal = (): RehearsalEvidence => ({
  scenario: {
    name: 'kakao-fire',
    file: 'kakao-fire.yaml',
    start: START,
    durationSeconds: DURATION,
    monitor: 'bank',
    timeZone: 'Asia/Seoul',
    intervalSeconds: 60,
    probeRegions: [...REGIONS],
    dependencies: [...KAKAO, ...OTHERS].map((id) => ({
      id,
      name: id,
      tier: id === 'core-ledger' ? 'first-party' : 'third-party',
      critical: id === 'core-ledger',
    })),
  },
  alarms: [
    ...KAKAO.map((d) => ({
      atSeconds: 600,
      alarm: `bank-down-${d}`,
      kind: 'metric' as const,
      from: 'OK',
      to: 'ALARM',
      reason: DOWN_REASON,
    })),
    {
      atSeconds: 600,
      alarm: 'bank-external-outage-kakao',
      kind: 'composite',
      from: 'OK',
      to: 'ALARM',
      reason: '',
    },
    ...KAKAO.map((d) => ({
      atSeconds: UP_FROM + 120,
      alarm: `bank-down-${d}`,
      kind: 'metric' as const,
      from: 'ALARM',
      to: 'OK',
      reason: '',
    })),
    {
      atSeconds: UP_FROM + 120,
      alarm: 'bank-external-outage-kakao',
      kind: 'composite',
      from: 'ALARM',
      to: 'OK',
      reason: '',
    },
  ],
  pages: [
    {
      atSeconds: 602,
      kind: 'external-outage',
      severity: 'SEV2',
      dependencies: [...KAKAO],
      subject: SUBJECT,
      resolved: false,
      alarm: 'bank-external-outage-kakao',
      routes: ['integrations-oncall'],
      regions: [...REGIONS],
      text: 'KakaoTalk message API, AlimTalk API and Kakao login are down.\nCore banking is healthy.\nFallback: switch chat transfers to in-app links.',
      sms: 'SEV2 Kakao down 3/3 regions. Core OK.',
      deliveries: [],
    },
    {
      atSeconds: UP_FROM + 122,
      kind: 'external-outage',
      severity: 'SEV2',
      dependencies: [...KAKAO],
      subject: 'RESOLVED external outage: Kakao',
      resolved: true,
      alarm: 'bank-external-outage-kakao',
      routes: ['integrations-oncall'],
      regions: [],
      text: 'Kakao APIs answer again in every region.',
      sms: 'RESOLVED Kakao.',
      deliveries: [],
    },
  ],
  held: [
    {
      atSeconds: 603,
      kind: 'external-outage',
      severity: 'SEV2',
      dependencies: [...KAKAO],
      subject: SUBJECT,
      resolved: false,
      alarm: 'bank-external-outage-kakao',
      reason: 'duplicate',
      detail: 'same alarm event delivered twice',
    },
  ],
  probes: probes(),
  alarmCatalog: { alarms: [] },
  notes: [],
});
