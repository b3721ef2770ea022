// The notify function holds an external page until the probes' own votes (GetMetricData) show core up since
// the partner began failing, polling while the page waits, and sends it without the "core healthy" claim when
// the evidence never comes. Time is virtual: the injected clock moves only by the function's own waits.
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_BUDGET_MS, type NotifyDeps, type NotifySummary, notify } from '#functions/notify';
import type { AlarmState } from '#shared/alarms';
import {
  type AlarmStateChangeMessage,
  CORE_EVIDENCE_POLL_BUDGET_MS,
  CORE_EVIDENCE_POLL_MS,
  coreEvidenceMaxWaitMs,
} from '#shared/pages';
import { inMemoryDynamo } from '../../helpers/aws.ts';
import { compositeAlarmMessage } from '../../shared/pages/alarm-messages.ts';
import { bank, bankPlan } from '../../shared/pages/bank.ts';

const snsMock = mockClient(SNSClient);
const ddbMock = mockClient(DynamoDBClient);
const cwMock = mockClient(CloudWatchClient);

const config = bank();
const plan = bankPlan(config);
const TOPICS = {
  'core-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-core-oncall',
  'integrations-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-integrations-oncall',
  'monitor-owners': 'arn:aws:sns:ap-northeast-2:123456789012:bank-monitor-owners',
};
const CORE = ['core-ledger', 'core-transfers', 'core-auth'];
/** The partner's alarm acts at 05:05:13; its first failing period is 05:04 (one-minute periods). */
const FAILED_AT = '2026-11-26T05:05:13.000+0000';
const T0 = Date.parse('2026-11-26T05:05:20Z');
const M04 = Date.parse('2026-11-26T05:04:00Z');
const M03 = Date.parse('2026-11-26T05:03:00Z');

/** The virtual clock: the function's waits (polls, backoff, pacing) move it. */
const clock = { now: T0 };

interface Period {
  readonly start: number;
  readonly down: number;
  readonly samples: number;
}
type Votes = Record<string, readonly Period[]>;

const up = (start: number): Period => ({ start, down: 0, samples: 3 });
const down = (start: number): Period => ({ start, down: 3, samples: 3 });
/** kakao-login down from 05:04; core seen up in 05:03 only (its 05:04 votes not ingested yet). */
const coreNotYet: Votes = {
  'kakao-login': [up(M03), down(M04)],
  ...Object.fromEntries(CORE.map((id) => [id, [up(M03)]])),
};
/** …and core's 05:04 votes in: every region saw it up. */
const coreUp: Votes = { ...coreNotYet, ...Object.fromEntries(CORE.map((id) => [id, [up(M03), up(M04)]])) };

/**
 * CloudWatch as a function of the virtual clock: DescribeAlarms answers `states(now)`; GetMetricData answers the
 * votes' queries (Status Sum and SampleCount per dependency) from `votes(now)` and the region counts with none.
 */
function cloudwatch(states: (now: number) => Record<string, AlarmState>, votes: (now: number) => Votes) {
  cwMock.on(DescribeAlarmsCommand).callsFake(() => {
    const all = Object.entries(states(clock.now)).map(([AlarmName, StateValue]) => ({
      AlarmName,
      StateValue,
    }));
    return {
      MetricAlarms: all.filter((a) => a.AlarmName.includes('-down-')),
      CompositeAlarms: all.filter((a) => !a.AlarmName.includes('-down-')),
    };
  });
  cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const v = votes(clock.now);
    return {
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
        const periods = v[q.MetricStat?.Metric?.Dimensions?.[0]?.Value ?? ''] ?? [];
        const sum = q.MetricStat?.Stat === 'Sum' && !q.Id!.startsWith('d');
        return {
          Id: q.Id,
          Timestamps: periods.map((p) => new Date(p.start)),
          Values: periods.map((p) => (sum ? 1000 * p.down : p.samples)),
        };
      }),
    };
  });
}

const voteCalls = () =>
  cwMock.commandCalls(GetMetricDataCommand).filter((c) => c.args[0].input.ScanBy === 'TimestampAscending');

const kakaoDown: Record<string, AlarmState> = {
  'bank-core-outage': 'OK',
  'bank-down-kakao-login': 'ALARM',
  'bank-external-outage-kakao': 'ALARM',
};

const rule = plan.alarms.find((a) => a.name === 'bank-external-outage-kakao');
const kakao = (state: 'ALARM' | 'OK' = 'ALARM', at = FAILED_AT): SNSEvent => {
  const m: AlarmStateChangeMessage = compositeAlarmMessage(
    'bank-external-outage-kakao',
    rule?.type === 'composite' ? rule.rule : '',
    'bank-down-kakao-login',
    state,
    at,
  );
  return { Records: [{ Sns: { Message: JSON.stringify(m) } }] } as unknown as SNSEvent;
};

function deps(logs: Record<string, unknown>[] = []): NotifyDeps {
  return {
    config,
    plan,
    sns: new SNSClient({ region: 'ap-northeast-2' }),
    ddb: new DynamoDBClient({ region: 'ap-northeast-2' }),
    cloudwatch: new CloudWatchClient({ region: 'ap-northeast-2' }),
    stateTable: 'bank-page-state',
    pageLogTable: 'bank-page-log',
    topics: TOPICS,
    now: () => new Date(clock.now),
    clock: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
    log: (r) => logs.push(r),
  };
}

const published = () =>
  snsMock.commandCalls(PublishCommand).map((c) => ({
    subject: c.args[0].input.Subject ?? '',
    email: JSON.parse(c.args[0].input.Message!).email as string,
  }));

beforeEach(() => {
  snsMock.reset();
  ddbMock.reset();
  cwMock.reset();
  inMemoryDynamo(ddbMock);
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  clock.now = T0;
});

describe("notify and core's evidence", () => {
  it('sends the external page at once when the votes show core up since the partner failed', async () => {
    // Prepare
    cloudwatch(
      () => kakaoDown,
      () => coreUp,
    );
    // Act
    const summary = await notify(kakao(), deps());
    // Assess: one read of the votes, the page with the claim, no wait
    expect(summary.records.map((r) => [r.outcome, r.kind])).toEqual([['sent', 'external-outage']]);
    expect(published()).toHaveLength(1);
    expect(published()[0]!.subject).toMatch(/EXTERNAL OUTAGE: kakao .* - core healthy$/);
    expect(published()[0]!.email).toContain('Core banking is healthy');
    expect(voteCalls()).toHaveLength(1);
    expect(clock.now).toBe(T0);
  });

  it("holds the page while core's votes since the partner failed are missing, and sends it from a poll once they arrive", async () => {
    // Prepare: core's 05:04 votes come in 5 s after the partner's alarm acted.
    cloudwatch(
      () => kakaoDown,
      (now) => (now < T0 + 5_000 ? coreNotYet : coreUp),
    );
    // Act
    const summary = await notify(kakao(), deps());
    // Assess: the first read and the polls at +2 s and +4 s found no evidence; the poll at +6 s sent the page,
    // with the claim, and the polling stopped.
    expect(summary.records.map((r) => [r.outcome, r.kind, r.id.includes('#core-evidence')])).toEqual([
      ['sent', 'external-outage', true],
    ]);
    expect(published()).toHaveLength(1);
    expect(published()[0]!.email).toContain('Core banking is healthy');
    expect(voteCalls()).toHaveLength(4);
    expect(clock.now).toBe(T0 + 6_000);
  });

  it('hands a waiting page to the core-outage hold when core-outage goes into ALARM meanwhile', async () => {
    // Prepare: core never shows up in the votes; core-outage is in ALARM from +3 s.
    cloudwatch(
      (now) =>
        now < T0 + 3_000
          ? kakaoDown
          : { ...kakaoDown, 'bank-core-outage': 'ALARM', 'bank-down-core-ledger': 'ALARM' },
      () => coreNotYet,
    );
    // Act
    const summary = await notify(kakao(), deps());
    // Assess: held for the core outage, not sent; polling stopped once nothing waited for core's evidence.
    expect(summary.records.map((r) => [r.outcome, r.heldReason])).toEqual([['held', 'core-outage']]);
    expect(published()).toEqual([]);
    expect(clock.now).toBe(T0 + 4_000);
  });

  it('sends the page without the "core healthy" claim once the longest wait has passed when GetMetricData keeps failing', async () => {
    // Prepare: every GetMetricData request fails, the region counts' and the votes' alike.
    cloudwatch(
      () => kakaoDown,
      () => coreUp,
    );
    cwMock
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const logs: Record<string, unknown>[] = [];
    const sentAt: number[] = [];
    snsMock.on(PublishCommand).callsFake(() => {
      sentAt.push(clock.now);
      return { MessageId: 'm-1' };
    });
    // Act: the alarm's invocation polls within its delivery budget; the one-minute ticks take over.
    const first = await notify(kakao(), deps(logs));
    clock.now = T0 + 60_000;
    const ticks = [await notify({ source: 'depmon.tick' }, deps(logs))];
    clock.now = T0 + 120_000;
    ticks.push(await notify({ source: 'depmon.tick' }, deps(logs)));
    // Assess: nothing sent before the longest wait had passed, then one page without the claim, saying why;
    // no invocation threw.
    expect(first.records).toEqual([]);
    expect(ticks.flatMap((t) => t.records.map((r) => [r.outcome, r.kind]))).toEqual([
      ['sent', 'external-outage'],
    ]);
    expect(sentAt).toHaveLength(1);
    // The wait counts from the alarm's own time (its StateChangeTime), which the page's id keeps too.
    const alarmAt = Date.parse(FAILED_AT.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    expect(sentAt[0]! - alarmAt).toBeGreaterThanOrEqual(coreEvidenceMaxWaitMs(config));
    const [page] = published();
    expect(page!.subject).toMatch(/EXTERNAL OUTAGE: kakao/);
    expect(page!.subject).not.toContain('core healthy');
    expect(page!.email).not.toContain('Core banking is healthy');
    expect(page!.email).toContain("Core banking's health is not confirmed");
    expect(logs.some((l) => String(l.msg).startsWith('GetMetricData failed; core'))).toBe(true);
  });

  it("decides an alarm message that arrives while it polls, covering that message's invocation, and stops polling once nothing waits", async () => {
    // Prepare: core's votes never come; at +2 s the partner recovers and its OK message arrives in a second
    // invocation, which waits for the lease the first one holds while it polls.
    let second: Promise<NotifySummary> | undefined;
    const logs: Record<string, unknown>[] = [];
    const recovered = { 'bank-core-outage': 'OK' } as const;
    cloudwatch(
      (now) => {
        if (now < T0 + 2_000) return kakaoDown;
        second ??= notify(kakao('OK', '2026-11-26T05:05:21.000+0000'), {
          ...deps(logs),
          sleep: () => new Promise((r) => setTimeout(r, 1)),
        });
        return recovered;
      },
      () => coreNotYet,
    );
    // Act: the first invocation's waits move the clock and let the second one run.
    const first = await notify(kakao(), {
      ...deps(logs),
      sleep: async (ms) => {
        clock.now += ms;
        await new Promise((r) => setTimeout(r, 1));
      },
    });
    // Assess: the holder's poll decided the OK: the page that waited goes out then, without the "core
    // healthy" claim and saying it recovered (a short outage is not lost; its resolved follows after the
    // settle time); the second invocation returned covered, and the polling stopped.
    expect(first.records.map((r) => [r.outcome, r.heldReason, r.resolved])).toEqual([
      ['sent', undefined, false],
    ]);
    expect((await second!).records).toEqual([]);
    expect(logs.filter((l) => String(l.msg).startsWith('covered by'))).toHaveLength(1);
    expect(published()).toHaveLength(1);
    expect(published()[0]!.email).toContain('It recovered at');
    expect(published()[0]!.email).not.toContain('Core banking is healthy');
    // Three reads of the alarm states (two DescribeAlarms filters each): at once, at +2 s, and at +4 s with the OK.
    expect(cwMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(3 * 2);
  });

  it('releases on the tick a page that an earlier invocation left waiting', async () => {
    // Prepare: no evidence during the alarm's invocation; core's votes are in by the tick a minute later.
    cloudwatch(
      () => kakaoDown,
      (now) => (now < T0 + 60_000 ? coreNotYet : coreUp),
    );
    const first = await notify(kakao(), deps());
    const polled = voteCalls().length;
    clock.now = T0 + 60_000;
    // Act
    const tick = await notify({ source: 'depmon.tick' }, deps());
    // Assess: the alarm's invocation polled and sent nothing; the tick sent the page with the claim.
    expect(first.records).toEqual([]);
    expect(polled).toBeGreaterThan(1);
    expect(tick.records.map((r) => [r.outcome, r.kind])).toEqual([['sent', 'external-outage']]);
    expect(published()).toHaveLength(1);
    expect(published()[0]!.email).toContain('Core banking is healthy');
  });
});

describe('the simulator polls as notify does', () => {
  it('polls a waiting page for as long as notify does within its delivery budget', () => {
    // shared/simulate's runner stops its 2 s re-checks at CORE_EVIDENCE_POLL_BUDGET_MS; notify starts no poll
    // once the next would end past its delivery budget.
    expect(CORE_EVIDENCE_POLL_BUDGET_MS).toBe(DELIVERY_BUDGET_MS - CORE_EVIDENCE_POLL_MS);
  });
});
