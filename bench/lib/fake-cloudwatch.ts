// CloudWatch on 127.0.0.1 for the real SDK client, as the notify function reads it: alarm states by name,
// DescribeAlarms with AlarmNamePrefix, StateValue, MaxRecords (refused over the API's 100) and NextToken, and
// GetMetricData (refused over 500 queries). Each request is recorded with the caller's clock.
// `answerCloudWatch` is the same behaviour for a server that stands in for more services (fake-notify-aws.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DESCRIBE_ALARMS_MAX_RECORDS } from '#aws/alarms';
import { GET_METRIC_DATA_MAX_QUERIES } from '#aws/down-metric';
import type { AlarmState } from '#shared/alarms';

export interface CwCall {
  readonly op: string;
  readonly stateValue?: string;
  readonly queries?: number;
  /** The notify function's (virtual) clock when the request arrived. */
  readonly at: number;
}

/** What a fake CloudWatch holds: alarm states by name, which names are composites, the calls, a clock. */
export interface CwState {
  readonly states: Map<string, AlarmState>;
  /** Replaced by a fresh array to count calls apart (fake-notify-aws.ts steps). */
  calls: CwCall[];
  readonly clock: { readonly now: number };
  readonly isComposite: (name: string) => boolean;
}

/** One CloudWatch request (operation from `x-amz-target`, parsed JSON body) answered: HTTP status and body. */
export function answerCloudWatch(cw: CwState, op: string, input: Record<string, unknown>): [number, unknown] {
  if (op === 'DescribeAlarms') {
    const stateValue = input.StateValue as string | undefined;
    cw.calls.push({ op, ...(stateValue ? { stateValue } : {}), at: cw.clock.now });
    const max = (input.MaxRecords as number | undefined) ?? 50;
    if (max > DESCRIBE_ALARMS_MAX_RECORDS)
      return [400, { __type: 'InvalidParameterValue', message: 'MaxRecords' }];
    const prefix = (input.AlarmNamePrefix as string | undefined) ?? '';
    const all = [...cw.states]
      .filter(([n, s]) => n.startsWith(prefix) && (!stateValue || s === stateValue))
      .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue }));
    const from = Number(input.NextToken ?? 0);
    const page = all.slice(from, from + max);
    return [
      200,
      {
        MetricAlarms: page.filter((a) => !cw.isComposite(a.AlarmName)),
        CompositeAlarms: page.filter((a) => cw.isComposite(a.AlarmName)),
        ...(from + max < all.length ? { NextToken: String(from + max) } : {}),
      },
    ];
  }
  if (op === 'GetMetricData') {
    const queries = input.MetricDataQueries as StatusQuery[];
    cw.calls.push({ op, queries: queries.length, at: cw.clock.now });
    if (queries.length > GET_METRIC_DATA_MAX_QUERIES)
      return [400, { __type: 'InvalidParameterValue', message: 'too many queries' }];
    const endMs = Number(input.EndTime) * 1000;
    const isDown = downByAlarm(cw.states);
    return [
      200,
      {
        MetricDataResults: queries.map((q) => {
          const votes = statusVotes(q, endMs, isDown);
          return votes
            ? { ...votes, StatusCode: 'Complete', Timestamps: votes.Timestamps.map((t) => t / 1000) }
            : {
                Id: q.Id,
                StatusCode: 'Complete',
                Timestamps: [Math.floor(Number(input.EndTime) / 60) * 60 - 60],
                Values: [6],
              };
        }),
      },
    ];
  }
  return [400, { __type: 'InvalidAction', message: op }];
}

/** A GetMetricData query of one dependency's `Status` statistic, as the notify function sends it. */
export interface StatusQuery {
  readonly Id: string;
  readonly MetricStat?: {
    readonly Metric?: {
      readonly Dimensions?: readonly { readonly Name?: string; readonly Value?: string }[];
    };
    readonly Period?: number;
    readonly Stat?: string;
  };
}

/** A dependency is down when its down alarm (`<name>-down-<id>`) is in ALARM. */
export const downByAlarm =
  (states: ReadonlyMap<string, string>) =>
  (dependency: string): boolean =>
    [...states].some(([name, s]) => s === 'ALARM' && name.endsWith(`-down-${dependency}`));

/**
 * The answer to one of the notify function's vote queries (ids `s<i>`: `Status` Sum, `n<i>`: SampleCount;
 * aws/down-metric.ts readDownSeries), as CloudWatch gives it when `regions` probe regions each vote once in the
 * last period that ended by `endMs`, all down or all up as `isDown` says. Timestamps in epoch ms. Undefined for
 * any other query (the region counts' `d<i>`).
 */
export function statusVotes(
  q: StatusQuery,
  endMs: number,
  isDown: (dependency: string) => boolean,
  regions = 3,
): { Id: string; Timestamps: number[]; Values: number[] } | undefined {
  const kind = /^([sn])\d+$/.exec(q.Id)?.[1];
  const dependency = q.MetricStat?.Metric?.Dimensions?.[0]?.Value;
  if (!kind || !dependency) return undefined;
  const periodMs = (q.MetricStat?.Period ?? 60) * 1000;
  const start = Math.floor(endMs / periodMs) * periodMs - periodMs;
  const value = kind === 'n' ? regions : isDown(dependency) ? 1000 * regions : 0;
  return { Id: q.Id, Timestamps: [start], Values: [value] };
}

/** CloudWatch on 127.0.0.1: alarm states by name, DescribeAlarms with prefix, StateValue, MaxRecords, NextToken. */
export async function startFakeCloudWatch(clock: { now: number }, isComposite: (name: string) => boolean) {
  const cw: CwState = { states: new Map(), calls: [], clock, isComposite };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
    const [status, value] = answerCloudWatch(cw, op, input);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(value));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    states: cw.states,
    calls: cw.calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
