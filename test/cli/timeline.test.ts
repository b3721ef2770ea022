// `depmon timeline` against the real AWS SDK v3 clients with aws-sdk-client-mock: pagination,
// throttling, access denied, no credentials, an empty window, retention, and the account it writes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { marshallRecord, utcDays } from '#aws/page-log';
import type { PageLogRecord } from '#shared/pages';
import { metricPeriod } from '#shared/timeline';
import { run, type TimelineDeps } from '../../cli/commands/timeline.ts';
import { type CliIO, main } from '../../cli/main.ts';
import { awsError } from '../helpers/aws.ts';

const cwMock = mockClient(CloudWatchClient);
const ddbMock = mockClient(DynamoDBClient);

const NOW = new Date('2026-11-26T12:00:00Z');
const FROM = '2026-11-25T06:00:00Z';
const TO = '2026-11-25T10:00:00Z';
const CONFIG = {
  name: 'bank',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
  timeZone: 'Asia/Seoul',
  dependencies: [
    {
      id: 'core-ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      http: { url: 'https://ledger.bank.example/h' },
    },
    {
      id: 'kakaotalk-message-api',
      name: 'KakaoTalk',
      tier: 'third-party',
      group: 'kakao',
      http: { url: 'https://api.kakao.example/h' },
    },
  ],
};

let dir: string;
let configFile: string;
let sleeps: number[];

function io(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  return { stdout, stderr, cwd: dir, env: {}, out: () => out, err: () => err };
}

function deps(): TimelineDeps {
  return {
    cloudwatch: new CloudWatchClient({ region: 'ap-northeast-2' }),
    dynamodb: new DynamoDBClient({ region: 'ap-northeast-2' }),
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    // Full jitter at its midpoint: each wait is half its attempt's cap.
    random: () => 0.5,
  };
}

const history = (
  alarm: string,
  at: string,
  from: string,
  to: string,
  reason = `Threshold Crossed: ${to}`,
) => ({
  AlarmName: alarm,
  AlarmType: 'MetricAlarm' as const,
  Timestamp: new Date(at),
  HistoryItemType: 'StateUpdate' as const,
  HistorySummary: `Alarm updated from ${from} to ${to}`,
  HistoryData: JSON.stringify({
    version: '1.0',
    oldState: { stateValue: from },
    newState: { stateValue: to, stateReason: reason },
  }),
});

const S = (s: string): AttributeValue => ({ S: s });
function pageItem(at: string, outcome: 'sent' | 'held', extra: Record<string, AttributeValue> = {}) {
  const id = `bank-external-outage-kakao#${at}#integrations-oncall#${outcome}`;
  return {
    day: S(at.slice(0, 10)),
    sk: S(`${at}#${id}`),
    id: S(id),
    at: S(at),
    alarmTime: S(at),
    alarmName: S('bank-external-outage-kakao'),
    alarmState: S('ALARM'),
    kind: S('external-outage'),
    resolved: { BOOL: false },
    severity: S('SEV2'),
    dependencies: { L: [S('kakaotalk-message-api')] },
    failingRegions: { L: [S('ap-northeast-2'), S('ap-northeast-1')] },
    outcome: S(outcome),
    subject: S('SEV2 external outage: Kakao down; core banking healthy'),
    messages: {
      M: {
        default: S('default'),
        email: S('KakaoTalk message API is down.\nCore banking is healthy.'),
        sms: S('SEV2 Kakao down'),
        https: S('{}'),
      },
    },
    ...extra,
  };
}

/** Status Sum per minute from 06:25: 0, 0, 2001 (06:27: 2 down, 1 degraded), 3000, 3000, …; 0 again from 09:19. */
function downSeries(): { Timestamps: Date[]; sums: number[] } {
  const Timestamps: Date[] = [];
  const sums: number[] = [];
  for (let t = Date.parse('2026-11-25T06:25:00Z'); t <= Date.parse('2026-11-25T09:20:00Z'); t += 60_000) {
    Timestamps.push(new Date(t));
    const m = (t - Date.parse('2026-11-25T06:25:00Z')) / 60_000;
    sums.push(m < 2 ? 0 : m === 2 ? 2001 : t >= Date.parse('2026-11-25T09:19:00Z') ? 0 : 3000);
  }
  return { Timestamps, sums };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-timeline-cli-'));
  configFile = path.join(dir, 'monitor.config.json');
  await writeFile(configFile, JSON.stringify(CONFIG));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(resetMocks);

function resetMocks(): void {
  cwMock.reset();
  ddbMock.reset();
  sleeps = [];
  cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
  cwMock.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
  cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  ddbMock.on(QueryCommand).resolves({ Items: [] });
}

/** A Kakao-fire-like incident spread over several pages of every API. */
function kakaoIncident(): void {
  cwMock
    .on(DescribeAlarmHistoryCommand)
    .resolvesOnce({
      AlarmHistoryItems: [
        history('bank-down-kakaotalk-message-api', '2026-11-25T06:29:10Z', 'OK', 'ALARM'),
        history('bank-eu-down-kakaotalk-message-api', '2026-11-25T06:29:11Z', 'OK', 'ALARM'),
      ],
      NextToken: 'h1',
    })
    .resolvesOnce({
      AlarmHistoryItems: [
        history('bank-external-outage-kakao', '2026-11-25T06:29:10Z', 'OK', 'ALARM'),
        history('someone-elses-alarm', '2026-11-25T07:00:00Z', 'OK', 'ALARM'),
      ],
      NextToken: 'h2',
    })
    .resolvesOnce({
      AlarmHistoryItems: [
        history('bank-down-kakaotalk-message-api', '2026-11-25T09:21:10Z', 'ALARM', 'OK'),
        history('bank-external-outage-kakao', '2026-11-25T09:21:10Z', 'ALARM', 'OK'),
      ],
    });
  const { Timestamps, sums } = downSeries();
  const half = Math.floor(Timestamps.length / 2);
  const counts = Timestamps.map(() => 3);
  cwMock
    .on(GetMetricDataCommand)
    .resolvesOnce({
      MetricDataResults: [
        {
          Id: 's1',
          Timestamps: Timestamps.slice(0, half),
          Values: sums.slice(0, half),
          StatusCode: 'PartialData',
        },
        {
          Id: 'n1',
          Timestamps: Timestamps.slice(0, half),
          Values: counts.slice(0, half),
          StatusCode: 'PartialData',
        },
      ],
      NextToken: 'm1',
    })
    .resolvesOnce({
      MetricDataResults: [
        { Id: 's1', Timestamps: Timestamps.slice(half), Values: sums.slice(half), StatusCode: 'Complete' },
        { Id: 'n1', Timestamps: Timestamps.slice(half), Values: counts.slice(half), StatusCode: 'Complete' },
        { Id: 's0', Timestamps, Values: Timestamps.map(() => 0), StatusCode: 'Complete' },
        { Id: 'n0', Timestamps, Values: counts, StatusCode: 'Complete' },
      ],
    });
  ddbMock
    .on(QueryCommand)
    .resolvesOnce({
      Items: [
        pageItem('2026-11-25T06:29:12.000Z', 'sent', {
          messageId: S('msg-1'),
          route: S('integrations-oncall'),
        }),
      ],
      LastEvaluatedKey: { day: S('2026-11-25'), sk: S('x') },
    })
    .resolvesOnce({
      Items: [
        pageItem('2026-11-25T06:29:13.000Z', 'held', {
          heldReason: S('duplicate'),
          heldDetail: S('same alarm event delivered twice'),
        }),
      ],
    });
}

const args = (...extra: string[]) => ['--from', FROM, '--to', TO, '--config', configFile, ...extra];

describe('depmon timeline', () => {
  it("follows NextToken and LastEvaluatedKey across pages and keeps only this monitor's alarms", async () => {
    // Prepare
    kakaoIncident();
    const out = path.join(dir, 'paged.json');
    const cli = io();

    // Act
    const code = await run(args('--out', out), cli, deps());

    // Assess
    expect(cli.err()).toBe(`depmon timeline: wrote 10 events to ${out}\n`);
    expect(code).toBe(0);
    const historyCalls = cwMock.commandCalls(DescribeAlarmHistoryCommand).map((c) => c.args[0].input);
    expect(historyCalls.map((i) => i.NextToken)).toEqual([undefined, 'h1', 'h2']);
    expect(historyCalls[0]).toMatchObject({ HistoryItemType: 'StateUpdate', ScanBy: 'TimestampAscending' });
    expect(cwMock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'm1',
    ]);
    const queries = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.ExclusiveStartKey?.day?.S)).toEqual([undefined, '2026-11-25']);
    expect(queries[0]).toMatchObject({
      TableName: 'bank-page-log',
      ExpressionAttributeValues: { ':day': { S: '2026-11-25' } },
    });
    const account = JSON.parse(await readFile(out, 'utf8'));
    const alarms = account.events
      .filter((e: { kind: string }) => e.kind === 'alarm')
      .map((e: { alarm: string }) => e.alarm);
    expect(alarms).toEqual([
      'bank-down-kakaotalk-message-api',
      'bank-external-outage-kakao',
      'bank-down-kakaotalk-message-api',
      'bank-external-outage-kakao',
    ]);
  });

  it('writes the account in time order with the figures, in UTC and KST', async () => {
    // Prepare
    kakaoIncident();
    const out = path.join(dir, 'kakao.json');

    // Act
    const code = await run(args('--out', out), io(), deps());

    // Assess
    expect(code).toBe(0);
    const account = JSON.parse(await readFile(out, 'utf8'));
    expect(account.events.map((e: { kind: string }) => e.kind)).toEqual([
      'probe-failing', // 06:27 2 of 3
      'probe-failing', // 06:28 3 of 3
      'alarm',
      'alarm',
      'page-sent',
      'page-held',
      'probe-recovered',
      'alarm',
      'alarm',
      'resolution',
    ]);
    expect(account.events[0]).toMatchObject({
      failingRegions: 2,
      reportingRegions: 3,
      source: 'probe-metrics',
    });
    expect(account.events[4]).toMatchObject({
      messageId: 'msg-1',
      text: 'KakaoTalk message API is down.\nCore banking is healthy.',
    });
    expect(account.events[5]).toMatchObject({ heldReason: 'duplicate' });
    expect(account.events[3]).toMatchObject({
      alarm: 'bank-external-outage-kakao',
      pageKind: 'external-outage',
      dependencies: ['kakaotalk-message-api'],
    });
    expect(account.figures.onset).toMatchObject({
      at: '2026-11-25T06:27:00.000Z',
      local: '2026-11-25 15:27:00 KST',
    });
    expect(account.figures.detection).toMatchObject({
      at: '2026-11-25T06:29:10.000Z',
      minutesFromOnset: 2.2,
    });
    expect(account.figures.firstPage).toMatchObject({
      at: '2026-11-25T06:29:12.000Z',
      minutesFromOnset: 2.2,
    });
    expect(account.figures.resolution).toMatchObject({
      at: '2026-11-25T09:21:10.000Z',
      minutesFromOnset: 174.2,
    });
  });

  it('retries throttling with backoff, then succeeds', async () => {
    // Prepare
    cwMock
      .on(DescribeAlarmHistoryCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .resolves({ AlarmHistoryItems: [history('bank-core-outage', '2026-11-25T07:00:00Z', 'OK', 'ALARM')] });
    ddbMock
      .on(QueryCommand)
      .rejectsOnce(awsError('ProvisionedThroughputExceededException', 'slow down'))
      .resolves({ Items: [] });
    const cli = io();

    // Act
    const code = await run(args(), cli, deps());

    // Assess
    expect(code).toBe(0);
    // Caps of 1 s then 2 s for the history's two retries; the page log's one retry starts again at 1 s.
    expect(sleeps).toEqual([500, 1000, 500]);
    expect(cwMock.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(3);
    expect(cli.out()).toContain('Alarm bank-core-outage, pages core-outage: OK → ALARM');
  });

  it('gives up on endless throttling with one line and exit 2', async () => {
    // Prepare
    cwMock.on(GetMetricDataCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const cli = io();

    // Act
    const code = await run(args(), cli, deps());

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toMatch(
      /^depmon timeline: AWS kept throttling cloudwatch:GetMetricData \(5 attempts.*\n$/,
    );
    expect(cli.out()).toBe('');
  });

  it('names the denied action and the docs policy on AccessDenied', async () => {
    // Prepare
    cwMock
      .on(DescribeAlarmHistoryCommand)
      .rejects(
        awsError(
          'AccessDenied',
          'User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: cloudwatch:DescribeAlarmHistory because no identity-based policy allows the cloudwatch:DescribeAlarmHistory action',
        ),
      );
    const cli = io();

    // Act
    const code = await run(args(), cli, deps());

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toBe(
      'depmon timeline: access denied for cloudwatch:DescribeAlarmHistory in ap-northeast-2: attach the read-only IAM policy in docs/timeline.md ("IAM policy (read-only)")\n',
    );
  });

  it('names dynamodb:Query when the page log is denied, even without an action in the message', async () => {
    // Prepare
    ddbMock.on(QueryCommand).rejects(awsError('AccessDeniedException', 'Access denied'));
    const cli = io();

    // Act
    const code = await run(args(), cli, deps());

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toContain('access denied for dynamodb:Query');
  });

  it('says there are no credentials, without a stack trace', async () => {
    // Prepare
    cwMock
      .on(DescribeAlarmsCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const cli = io();

    // Act
    const code = await run(args(), cli, deps());

    // Assess
    expect(code).toBe(2);
    expect(cli.err().split('\n')).toHaveLength(2);
    expect(cli.err()).toMatch(/^depmon timeline: no AWS credentials found: set AWS_PROFILE/);
  });

  it('names a missing page log table and --table', async () => {
    // Prepare
    ddbMock.on(QueryCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found'));
    const cli = io();

    // Act
    const code = await run(args('--table', 'custom-log'), cli, deps());

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toContain('the page log table "custom-log" does not exist in ap-northeast-2');
  });

  it('still writes an empty account, with a note, for an empty window', async () => {
    // Prepare
    const cli = io();

    // Act: a relative --out is relative to the working directory
    const code = await run(args('--out', 'empty.md'), cli, deps());

    // Assess
    expect(code).toBe(0);
    expect(cli.err()).toContain(
      'depmon timeline: nothing recorded between 2026-11-25T06:00:00.000Z and 2026-11-25T10:00:00.000Z',
    );
    const md = await readFile(path.join(dir, 'empty.md'), 'utf8');
    expect(md).toContain('Nothing recorded in the window');
    expect(md).toContain('No events in the window.');
    expect(md).toContain('No depmon alarms of "bank" exist in ap-northeast-2');
  });

  it('says which part is incomplete when the window reaches past retention', async () => {
    // Prepare: 40 days back: alarm history (30 days) is gone, metrics only at 5-minute periods.
    const cli = io();

    // Act
    const code = await run(
      ['--from', '2026-10-17T00:00:00Z', '--to', '2026-10-17T06:00:00Z', '--config', configFile],
      cli,
      deps(),
    );

    // Assess
    expect(code).toBe(0);
    expect(cwMock.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(0);
    expect(
      cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Period,
    ).toBe(300);
    expect(cli.err()).toContain('warning: Alarm history is kept 30 days: the whole window is older');
    expect(cli.err()).toContain('warning: Probe metrics at 1-minute resolution are kept 15 days');
  });

  it('writes the format --out names, and markdown on stdout without it', async () => {
    // Prepare
    kakaoIncident();
    const html = path.join(dir, 'kakao.html');

    // Act
    const code = await run(args('--out', html), io(), deps());
    resetMocks();
    kakaoIncident();
    const cli = io();
    await run(args(), cli, deps());

    // Assess
    expect(code).toBe(0);
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*2026-11-25 15:27:00 KST/);
    expect(cli.out()).toMatch(/^# Incident account: bank\n/);
  });

  it('reads page log items exactly as the notify function writes them', async () => {
    // Prepare
    const record: PageLogRecord = {
      id: 'bank-core-outage#2026-11-25T07:00:00.000Z#core-oncall',
      at: '2026-11-25T07:00:02.000Z',
      alarmTime: '2026-11-25T07:00:00.000Z',
      alarmName: 'bank-core-outage',
      alarmState: 'ALARM',
      kind: 'core-outage',
      resolved: false,
      severity: 'SEV1',
      tier: 'first-party',
      dependencies: ['core-ledger'],
      failingRegions: ['ap-northeast-2', 'ap-northeast-1'],
      outcome: 'sent',
      route: 'core-oncall',
      topicArn: 'arn:aws:sns:ap-northeast-2:123456789012:bank-core-oncall',
      messageId: 'b1946ac9-2d3e-4f5a-9c1b-0e6f7a8b9c0d',
      subject: 'SEV1 core outage: Ledger down in 2/3 regions',
      messages: {
        default: 'd',
        email: 'Ledger is down.\n원장 장애',
        sms: 'SEV1 Ledger down',
        https: '{"kind":"core-outage"}',
      },
      since: '2026-11-25T06:58:00.000Z',
      flapping: false,
      attributes: { severity: 'SEV1', kind: 'core-outage' },
    };
    ddbMock.on(QueryCommand).resolves({
      Items: [{ day: S('2026-11-25'), sk: S(`${record.at}#${record.id}`), ...marshallRecord(record) }],
    });
    const out = path.join(dir, 'notify.json');

    // Act
    const code = await run(args('--out', out), io(), deps());

    // Assess
    expect(code).toBe(0);
    const [event] = JSON.parse(await readFile(out, 'utf8')).events;
    expect(event).toMatchObject({
      kind: 'page-sent',
      source: 'page-log',
      at: '2026-11-25T07:00:02.000Z',
      severity: 'SEV1',
      pageKind: 'core-outage',
      regions: ['ap-northeast-2', 'ap-northeast-1'],
      messageId: record.messageId,
      topicArn: record.topicArn,
      text: 'Ledger is down.\n원장 장애',
      sms: 'SEV1 Ledger down',
    });
  });

  it('counts failing regions from region-rounds when probes run several rounds per period', async () => {
    // Prepare: a 10 s interval read at 60 s periods (older than 3 hours): 6 rounds per region per period.
    // Status Sums: 1000 per down vote (07:02 also holds 4 degraded votes, which are not failures).
    const fast = path.join(dir, 'fast.json');
    await writeFile(fast, JSON.stringify({ ...CONFIG, intervalSeconds: 10 }));
    const ts = [0, 1, 2, 3].map((m) => new Date(Date.parse('2026-11-25T07:00:00Z') + m * 60_000));
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 's1', Timestamps: ts, Values: [0, 3000, 12_004, 18_000] },
        { Id: 'n1', Timestamps: ts, Values: [18, 18, 18, 18] },
      ],
    });
    const out = path.join(dir, 'fast.json.out.json');

    // Act
    const code = await run(['--from', FROM, '--to', TO, '--config', fast, '--out', out], io(), deps());

    // Assess
    expect(code).toBe(0);
    expect(
      cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Period,
    ).toBe(60);
    const { events } = JSON.parse(await readFile(out, 'utf8'));
    expect(
      events.map((e: { at: string; failingRegions: number }) => [e.at.slice(11, 16), e.failingRegions]),
    ).toEqual([
      ['07:01', 1],
      ['07:02', 2],
      ['07:03', 3],
    ]);
  });

  it.each([
    [['--to', TO], '--from is required'],
    [['--from', '2026-11-25 06:00', '--to', TO], '--from: expected an ISO 8601 time with Z or an offset'],
    [['--from', FROM, '--to', '2026-11-25T10:00:00'], '--to: expected an ISO 8601 time with Z or an offset'],
    [['--from', TO, '--to', FROM], '--to: expected a time after --from'],
    [
      ['--from', FROM, '--to', TO, '--out', 'x.pdf'],
      '--out: expected a file ending in .md, .html, .csv or .json',
    ],
  ])('refuses bad flags %j with one line naming the flag, exit 2', async (flags, message) => {
    // Prepare
    const cli = io();

    // Act
    const code = await main(['timeline', ...flags, '--config', configFile], cli);

    // Assess
    expect(code).toBe(2);
    expect(cli.err()).toContain(`depmon: ${message}`);
    expect(cli.err().trim().split('\n')).toHaveLength(1);
  });

  it('says which config files it looked for when there is none, as check does', async () => {
    // Prepare: an empty folder as the working directory.
    const empty = await mkdtemp(path.join(tmpdir(), 'depmon-timeline-empty-'));
    const cli = { ...io(), cwd: empty };

    // Act
    const code = await main(['timeline', '--from', FROM, '--to', TO], cli);

    // Assess
    await rm(empty, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(cli.err()).toBe(
      `depmon: timeline: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${empty}; name one with --config FILE\n`,
    );
  });

  it('takes -c for --config, as check and cost do', async () => {
    // Prepare
    const cli = io();

    // Act
    const code = await main(['timeline', '--from', FROM, '--to', TO, '-c', 'no-such.config.json'], cli);

    // Assess: the config is read (and found missing), not refused as an unknown option.
    expect(code).toBe(2);
    expect(cli.err()).toBe('no-such.config.json: file not found\n');
  });
});

describe('metricPeriod', () => {
  const H = 3_600_000;
  const D = 24 * H;
  it.each([
    [10, 1 * H, 10],
    [15, 1 * H, 30],
    [20, 2 * H, 20],
    [60, 1 * H, 60],
    [10, 4 * H, 60],
    [60, 14 * D, 60],
    [60, 16 * D, 300],
    [60, 64 * D, 3600],
  ])('reads a %i s interval %i ms back at %i s periods', (interval, age, period) => {
    expect(metricPeriod(interval, age)).toBe(period);
  });

  it('has nothing past 455 days', () => {
    expect(metricPeriod(60, 456 * D)).toBeUndefined();
  });
});

describe('utcDays', () => {
  it('lists every UTC day partition a window touches', () => {
    expect(utcDays(new Date('2026-11-24T23:30:00Z'), new Date('2026-11-26T00:00:00Z'))).toEqual([
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
    ]);
  });
});

describe('depmon simulate kakao-fire --timeline (the rehearsal account)', () => {
  const ROOT = path.resolve(import.meta.dirname, '../..');
  interface Event {
    at: string;
    local: string;
    atSeconds: number;
    minutesFromOnset: number;
    kind: string;
    source: string;
    region?: string;
    dependencies?: string[];
    pageKind?: string;
    resolved?: boolean;
    text?: string;
  }
  interface Figure {
    at: string;
    local: string;
    atSeconds: number;
    minutesFromOnset: number;
  }
  let account: {
    events: Event[];
    figures: Record<'onset' | 'detection' | 'firstPage' | 'resolution', Figure>;
  };
  let code: number;
  let stderr: string;

  beforeAll(async () => {
    // Prepare
    const cli = io();
    const file = path.join(dir, 'rehearsal.json');
    // Act: the real rehearsal (stand-ins on 127.0.0.1, probe engine, synthesized alarms, paging core).
    code = await main(
      ['simulate', path.join(ROOT, 'examples/scenarios/kakao-fire.yaml'), '--json', '--timeline', file],
      cli,
    );
    stderr = cli.err();
    if (code === 0) account = JSON.parse(await readFile(file, 'utf8'));
  }, 180_000);

  it('writes every event in time order, each with atSeconds and KST', () => {
    expect(code, stderr).toBe(0);
    const seconds = account.events.map((e) => e.atSeconds);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(account.events.every((e) => e.local.endsWith(' KST'))).toBe(true);
    const kinds = account.events.map((e) => e.kind);
    expect(kinds[0]).toBe('probe-failing');
    expect(kinds.indexOf('alarm')).toBeLessThan(kinds.indexOf('page-sent'));
    expect(kinds.indexOf('resolution')).toBeGreaterThan(kinds.lastIndexOf('probe-recovered'));
    expect(account.events.at(-1)).toMatchObject({
      kind: 'page-sent',
      resolved: true,
      pageKind: 'external-outage',
    });
  });

  it("has one first failing probe per region for the message API, at the scenario's T+10m", () => {
    expect(code, stderr).toBe(0);
    const first = account.events.filter(
      (e) => e.kind === 'probe-failing' && e.dependencies?.includes('kakaotalk-message-api'),
    );
    expect(first.map((e) => e.region).sort()).toEqual(['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3']);
    expect(first.every((e) => e.atSeconds === 600)).toBe(true);
  });

  it('gives the figures: onset, detection within the 2-of-3 window, one external page, resolution after recovery', () => {
    expect(code, stderr).toBe(0);
    const { onset, detection, firstPage, resolution } = account.figures;
    expect(onset).toMatchObject({ atSeconds: 600, local: '2022-10-15 15:29:00 KST', minutesFromOnset: 0 });
    expect(detection.minutesFromOnset).toBeGreaterThanOrEqual(2); // 2 of 3 one-minute periods
    expect(detection.minutesFromOnset).toBeLessThanOrEqual(3);
    expect(firstPage.atSeconds).toBeGreaterThanOrEqual(detection.atSeconds);
    expect(firstPage.minutesFromOnset).toBeLessThanOrEqual(5);
    const sent = account.events.filter((e) => e.kind === 'page-sent' && !e.resolved);
    expect(sent.map((e) => e.pageKind)).toEqual(['external-outage']);
    expect(sent[0]?.text).toMatch(/core banking/i);
    const lastRecovery = account.events.filter((e) => e.kind === 'probe-recovered').at(-1)!;
    expect(lastRecovery.atSeconds).toBe(2 * 3600 + 10 * 60); // the message API, the last to come back
    expect(resolution.atSeconds).toBeGreaterThan(lastRecovery.atSeconds);
    expect(resolution.atSeconds - lastRecovery.atSeconds).toBeLessThanOrEqual(180);
    expect(resolution.minutesFromOnset).toBe((resolution.atSeconds - 600) / 60);
  });
});
