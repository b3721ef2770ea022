// The notify function at 1,000 dependencies (about 2,200 alarms): its CloudWatch reads per invocation, made by
// the real SDK client against a local CloudWatch that honours DescribeAlarms' filters and paging and checks
// GetMetricData's query limit, stay inside the APIs' limits and default request rates. DynamoDB and SNS are
// mocked in memory: only the alarm-state reads are under test here.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESCRIBE_ALARMS_MAX_RECORDS, DESCRIBE_ALARMS_TPS } from '#aws/alarms';
import { GET_METRIC_DATA_MAX_QUERIES } from '#aws/down-metric';
import { type NotifyDeps, notify } from '#functions/notify';
import { type AlarmPlan, type AlarmState, alarmNames, buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import { type AlarmStateChangeMessage, coreDependencyIds } from '#shared/pages';
import { type CwCall, startFakeCloudWatch } from '../../../bench/lib/fake-cloudwatch.ts';
import { scaleConfigInput } from '../../../bench/lib/scale-config.ts';
import { inMemoryDynamo } from '../../helpers/aws.ts';

const snsMock = mockClient(SNSClient);
const ddbMock = mockClient(DynamoDBClient);

const config: MonitorConfig = parseConfig(scaleConfigInput(1000), 'scale.config.json');
const plan: AlarmPlan = buildAlarmPlan(config);
const clock = { now: 0 };
let cw: Awaited<ReturnType<typeof startFakeCloudWatch>>;

beforeAll(async () => {
  const composites = new Set(plan.alarms.filter((a) => a.type === 'composite').map((a) => a.name));
  cw = await startFakeCloudWatch(clock, (name) => composites.has(name));
});
afterAll(() => cw.close());
beforeEach(() => {
  snsMock.reset();
  ddbMock.reset();
  inMemoryDynamo(ddbMock);
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  cw.calls.length = 0;
  cw.states.clear();
  for (const a of plan.alarms) cw.states.set(a.name, 'OK');
  clock.now = 0;
});

function deps(now: string): NotifyDeps {
  return {
    config,
    plan,
    sns: new SNSClient({ region: 'ap-northeast-2' }),
    ddb: new DynamoDBClient({ region: 'ap-northeast-2' }),
    cloudwatch: new CloudWatchClient({
      region: 'ap-northeast-2',
      endpoint: cw.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
    }),
    stateTable: 'scale-page-state',
    pageLogTable: 'scale-page-log',
    topics: Object.fromEntries(
      plan.routes.map((r) => [r.id, `arn:aws:sns:ap-northeast-2:123456789012:${r.id}`]),
    ),
    now: () => new Date(now),
    // Virtual time: pacing waits advance the clock instead of sleeping.
    clock: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  };
}

const event = (m: AlarmStateChangeMessage): SNSEvent =>
  ({ Records: [{ Sns: { Message: JSON.stringify(m) } }] }) as unknown as SNSEvent;

const alarmMessage = (name: string, state: 'ALARM' | 'OK', time: string): AlarmStateChangeMessage => ({
  AlarmName: name,
  NewStateValue: state,
  OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
  NewStateReason: 'test',
  StateChangeTime: time,
  AlarmActions: [],
  OKActions: [],
});

/** Pages DescribeAlarms needs for one state's alarms (at least one request, even for none). */
const pagesFor = (n: number) => Math.max(1, Math.ceil(n / DESCRIBE_ALARMS_MAX_RECORDS));
const count = (state: AlarmState) => [...cw.states.values()].filter((s) => s === state).length;
const describeCalls = () => cw.calls.filter((c) => c.op === 'DescribeAlarms');

/** The most calls that started within any one second of the virtual clock. */
function busiestSecond(calls: readonly CwCall[]): number {
  let most = 0;
  for (const c of calls)
    most = Math.max(most, calls.filter((d) => d.at >= c.at && d.at < c.at + 1000).length);
  return most;
}

/**
 * A clock for `running` concurrent invocations: a wait ends when every invocation still running waits, and the
 * clock then moves to the earliest wait's end (a discrete-event clock: no real waiting, no timing).
 */
function sharedVirtualTime(running: number) {
  const sleepers: { until: number; wake: () => void }[] = [];
  const advance = () => {
    if (sleepers.length === 0 || sleepers.length < running) return;
    clock.now = Math.max(clock.now, Math.min(...sleepers.map((s) => s.until)));
    for (const s of sleepers.filter((x) => x.until <= clock.now)) {
      sleepers.splice(sleepers.indexOf(s), 1);
      s.wake();
    }
  };
  return {
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        sleepers.push({ until: clock.now + ms, wake });
        advance();
      }),
    done: () => {
      running--;
      advance();
    },
  };
}

describe('notify at 1,000 dependencies', () => {
  const group = config.dependencies.find((d) => d.group)?.group as string;
  const members = config.dependencies.filter((d) => d.group === group);
  const external = alarmNames.externalOutage(config, group);

  it('reads only the alarms not OK: 2 DescribeAlarms pages per invocation while one vendor is down, not 22', async () => {
    // Prepare: one vendor group down; every other alarm OK.
    for (const d of members) cw.states.set(alarmNames.down(config, d.id), 'ALARM');
    cw.states.set(external, 'ALARM');
    // Act: the vendor's external-outage page, then a one-minute tick with that incident open.
    const page = await notify(
      event(alarmMessage(external, 'ALARM', '2026-01-05T01:12:00.000+0000')),
      deps('2026-01-05T01:12:05Z'),
    );
    const afterPage = describeCalls().length;
    await notify({ source: 'depmon.tick' }, deps('2026-01-05T01:13:00Z'));
    // Assess: the page reads core as healthy (OK is inferred for every alarm not listed)…
    expect(page.records.map((r) => [r.outcome, r.kind])).toContainEqual(['sent', 'external-outage']);
    expect(page.records.find((r) => r.outcome === 'sent')?.subject).toContain('core healthy');
    // …with one page per non-OK state per invocation, and GetMetricData within its query limit.
    const bound = pagesFor(count('ALARM')) + pagesFor(count('INSUFFICIENT_DATA'));
    expect(plan.alarms.length).toBeGreaterThan(2000);
    expect(afterPage).toBe(bound);
    expect(describeCalls().length - afterPage).toBe(bound);
    const gmd = cw.calls.filter((c) => c.op === 'GetMetricData');
    // The region counts (one query per member), then core's evidence (two per member and core dependency).
    const voted = members.length + coreDependencyIds(config).length;
    expect(gmd.length).toBe(
      Math.ceil(members.length / GET_METRIC_DATA_MAX_QUERIES) +
        Math.ceil((2 * voted) / GET_METRIC_DATA_MAX_QUERIES),
    );
    expect(gmd.every((c) => (c.queries ?? 0) <= GET_METRIC_DATA_MAX_QUERIES)).toBe(true);
  });

  it('keeps DescribeAlarms within its default rate when every dependency is down at once', async () => {
    // Prepare: every down alarm and composite in ALARM (over 1,000 alarms: 11 pages or more).
    for (const a of plan.alarms)
      if (a.name.includes('-down-') || a.type === 'composite') cw.states.set(a.name, 'ALARM');
    // Act
    await notify(
      event(alarmMessage(external, 'ALARM', '2026-01-05T01:12:00.000+0000')),
      deps('2026-01-05T01:12:05Z'),
    );
    // Assess: all the pages it takes, and never more than the default TPS in any one second.
    const calls = describeCalls();
    expect(calls.length).toBe(pagesFor(count('ALARM')) + pagesFor(count('INSUFFICIENT_DATA')));
    expect(calls.length).toBeGreaterThan(DESCRIBE_ALARMS_TPS);
    expect(busiestSecond(calls)).toBeLessThanOrEqual(DESCRIBE_ALARMS_TPS);
    expect(calls.filter((c) => c.stateValue === 'ALARM').length).toBe(pagesFor(count('ALARM')));
  });

  it("keeps a burst of alarm messages, one invocation each, within DescribeAlarms' rate, deciding every one and failing none", async () => {
    // Prepare: every partner group down at once (its down alarms and external-outage composite in ALARM), so
    // each read of the alarm states takes several pages; one alarm message per group.
    const groups = [...new Set(config.dependencies.flatMap((d) => (d.group ? [d.group] : [])))];
    for (const d of config.dependencies) if (d.group) cw.states.set(alarmNames.down(config, d.id), 'ALARM');
    for (const g of groups) cw.states.set(alarmNames.externalOutage(config, g), 'ALARM');
    // …and every first-party down alarm without data (a probe region gone quiet): more pages per read.
    for (const d of config.dependencies)
      if (!d.group) cw.states.set(alarmNames.down(config, d.id), 'INSUFFICIENT_DATA');
    const messages = groups.map((g) =>
      alarmMessage(alarmNames.externalOutage(config, g), 'ALARM', '2026-01-05T01:12:00.000+0000'),
    );
    // Virtual time shared by the invocations: it moves on (to the earliest wait's end) only when every
    // invocation still running is waiting, so work in progress (DynamoDB, the fake CloudWatch) takes none.
    const time = sharedVirtualTime(messages.length);
    const logs: Record<string, unknown>[] = [];
    const burst = (): NotifyDeps => ({
      ...deps('2026-01-05T01:12:05Z'),
      sleep: time.sleep,
      log: (r) => logs.push(r),
    });
    // Act: every message's invocation at once.
    const results = await Promise.allSettled(
      messages.map((m) => notify(event(m), burst()).finally(time.done)),
    );
    // Assess: none failed or gave up waiting; every group's page went out once; DescribeAlarms never ran
    // past its default rate in any second, and fewer reads were made than one per message.
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(logs.filter((l) => String(l.msg).startsWith('the paging lease was held'))).toEqual([]);
    const sent = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.records : []));
    const paged = sent
      .filter((r) => r.outcome === 'sent' && r.kind === 'external-outage')
      .map((r) => r.alarmName);
    expect(new Set(paged).size).toBe(groups.length);
    expect(paged.length).toBe(groups.length);
    const calls = describeCalls();
    expect(groups.length).toBeGreaterThan(DESCRIBE_ALARMS_TPS);
    expect(calls.length).toBeGreaterThan(DESCRIBE_ALARMS_TPS);
    expect(calls.length).toBeLessThan(groups.length * pagesFor(count('ALARM')));
    expect(busiestSecond(calls)).toBeLessThanOrEqual(DESCRIBE_ALARMS_TPS);
  });

  it("paces one lease holder's reads together with the previous holder's, when the two follow within a second", async () => {
    // Prepare: everything down (11 pages or more per read), and two messages for two invocations in turn.
    for (const a of plan.alarms)
      if (a.name.includes('-down-') || a.type === 'composite') cw.states.set(a.name, 'ALARM');
    const second = alarmNames.externalOutage(
      config,
      config.dependencies.filter((d) => d.group).at(-1)!.group!,
    );
    // Act: the second invocation takes the lease the moment the first gives it back (no time passes between).
    await notify(
      event(alarmMessage(external, 'ALARM', '2026-01-05T01:12:00.000+0000')),
      deps('2026-01-05T01:12:05Z'),
    );
    const first = describeCalls().length;
    await notify(
      event(alarmMessage(second, 'ALARM', '2026-01-05T01:12:01.000+0000')),
      deps('2026-01-05T01:12:05Z'),
    );
    // Assess: both read the alarm states in full, and never more than the default TPS in any one second.
    const calls = describeCalls();
    expect(first).toBeGreaterThan(DESCRIBE_ALARMS_TPS);
    expect(calls.length).toBe(2 * first);
    expect(busiestSecond(calls)).toBeLessThanOrEqual(DESCRIBE_ALARMS_TPS);
  });

  it('asks GetMetricData in requests of at most 500 queries for a composite of many dependencies', async () => {
    const { latestDownSums } = await import('#aws/down-metric');
    const client = deps('2026-01-05T01:12:05Z').cloudwatch;
    const ids = config.dependencies.map((d) => d.id);
    const sums = await latestDownSums(client, {
      namespace: config.namespace,
      dependencies: ids,
      period: 60,
      periods: 4,
      now: new Date('2026-01-05T01:12:05Z'),
    });
    const gmd = cw.calls.filter((c) => c.op === 'GetMetricData');
    expect(gmd.map((c) => c.queries)).toEqual([500, 500]);
    expect(sums.size).toBe(1000);
  });
});
