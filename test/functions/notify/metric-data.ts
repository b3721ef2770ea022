// GetMetricData for notify's tests with a mocked CloudWatch client: the region counts' queries get fixed
// results; the votes' queries (core's evidence) get every probe region seeing each dependency down exactly when
// its down alarm is in ALARM, in the last period that ended.
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { AwsStub } from 'aws-sdk-client-mock';
import { downByAlarm, type StatusQuery, statusVotes } from '../../../bench/lib/fake-cloudwatch.ts';

// biome-ignore lint/suspicious/noExplicitAny: the mock's input and output types are the client's unions.
type CloudWatchStub = AwsStub<any, any, CloudWatchClient['config']>;

export function answerMetricData(
  cwMock: CloudWatchStub,
  states: Readonly<Record<string, string>>,
  counts: readonly { Id: string; Values: number[]; Timestamps?: Date[] }[] = [],
): void {
  const isDown = downByAlarm(new Map(Object.entries(states)));
  cwMock.on(GetMetricDataCommand).callsFake((input) => {
    const queries = input.MetricDataQueries as StatusQuery[];
    if (queries.some((q) => q.Id.startsWith('d'))) return { MetricDataResults: counts };
    return {
      MetricDataResults: queries.map((q) => {
        const r = statusVotes(q, input.EndTime.getTime(), isDown)!;
        return { ...r, Timestamps: r.Timestamps.map((t) => new Date(t)) };
      }),
    };
  });
}
