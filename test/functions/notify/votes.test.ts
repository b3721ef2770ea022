// The votes notify reads for core's evidence: GetMetricData's Status Sum and SampleCount per period turned into
// the paging core's VotePeriods, each dependency read once per decide, every request paced, a failure logged.
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { voteLookbackMs } from '#shared/pages';
import { voteReader } from '../../../functions/notify/votes.ts';
import { bank } from '../../shared/pages/bank.ts';

const cwMock = mockClient(CloudWatchClient);
const config = bank();
const NOW = new Date('2026-11-26T05:05:20Z');
const M03 = new Date('2026-11-26T05:03:00Z');
const M04 = new Date('2026-11-26T05:04:00Z');

function reader(logs: Record<string, unknown>[] = [], paced: number[] = []) {
  return voteReader({
    cloudwatch: new CloudWatchClient({ region: 'ap-northeast-2' }),
    config,
    now: NOW,
    retry: (_action, fn) => fn(),
    pace: async () => {
      paced.push(1);
    },
    log: (r) => logs.push(r),
  });
}

beforeEach(() => cwMock.reset());

describe('the votes notify reads', () => {
  it('gives FLOOR(Sum / 1000) down and SampleCount samples per period, oldest first, from the lookback to now', async () => {
    // Prepare: the newest period first in the answer; 05:04 has two down votes and one degraded vote.
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 's0', Timestamps: [M04, M03], Values: [2001, 0] },
        { Id: 'n0', Timestamps: [M04, M03], Values: [3, 3] },
      ],
    });
    const paced: number[] = [];
    // Act
    const votes = await reader([], paced)(['kakao-login']);
    // Assess
    expect(votes.get('kakao-login')).toEqual([
      { start: M03.getTime(), down: 0, samples: 3 },
      { start: M04.getTime(), down: 2, samples: 3 },
    ]);
    const input = cwMock.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.EndTime).toEqual(NOW);
    expect(NOW.getTime() - input.StartTime!.getTime()).toBeGreaterThanOrEqual(voteLookbackMs(config));
    expect(input.MetricDataQueries!.map((q) => [q.MetricStat?.Stat, q.MetricStat?.Period])).toEqual([
      ['Sum', 60],
      ['SampleCount', 60],
    ]);
    expect(paced).toHaveLength(1);
  });

  it('reads each dependency once per decide, and again in the next', async () => {
    // Prepare
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const decide = reader();
    // Act: two external alarms in one decide ask for core each time; the next decide asks again.
    await decide(['kakao-login', 'core-ledger', 'core-auth']);
    await decide(['card-network', 'core-ledger', 'core-auth']);
    await reader()(['kakao-login', 'core-ledger']);
    // Assess
    const asked = cwMock
      .commandCalls(GetMetricDataCommand)
      .map((c) => c.args[0].input.MetricDataQueries!.filter((q) => q.Id!.startsWith('s')).length);
    expect(asked).toEqual([3, 1, 2]);
  });

  it('gives no periods, and logs a warning, when GetMetricData fails', async () => {
    // Prepare
    cwMock.on(GetMetricDataCommand).rejects(new Error('Throttling: Rate exceeded'));
    const logs: Record<string, unknown>[] = [];
    // Act
    const votes = await reader(logs)(['kakao-login', 'core-ledger']);
    // Assess
    expect([...votes]).toEqual([
      ['kakao-login', []],
      ['core-ledger', []],
    ]);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'warn', error: expect.stringMatching(/Throttling/) }),
    ]);
  });
});
