// CloudWatch on 127.0.0.1 for the real SDK client, as the notify function reads it: alarm states by name,
// DescribeAlarms with AlarmNamePrefix, StateValue, MaxRecords (refused over the API's 100) and NextToken, and
// GetMetricData (refused over 500 queries). Each request is recorded with the caller's clock.
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

/** CloudWatch on 127.0.0.1: alarm states by name, DescribeAlarms with prefix, StateValue, MaxRecords, NextToken. */
export async function startFakeCloudWatch(clock: { now: number }, isComposite: (name: string) => boolean) {
  const states = new Map<string, AlarmState>();
  const calls: CwCall[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(value));
    };
    if (op === 'DescribeAlarms') {
      calls.push({ op, ...(input.StateValue ? { stateValue: input.StateValue } : {}), at: clock.now });
      const max = input.MaxRecords ?? 50;
      if (max > DESCRIBE_ALARMS_MAX_RECORDS)
        return json(400, { __type: 'InvalidParameterValue', message: 'MaxRecords' });
      const all = [...states]
        .filter(
          ([n, s]) =>
            n.startsWith(input.AlarmNamePrefix ?? '') && (!input.StateValue || s === input.StateValue),
        )
        .map(([AlarmName, StateValue]) => ({ AlarmName, StateValue }));
      const from = Number(input.NextToken ?? 0);
      const page = all.slice(from, from + max);
      return json(200, {
        MetricAlarms: page.filter((a) => !isComposite(a.AlarmName)),
        CompositeAlarms: page.filter((a) => isComposite(a.AlarmName)),
        ...(from + max < all.length ? { NextToken: String(from + max) } : {}),
      });
    }
    if (op === 'GetMetricData') {
      calls.push({ op, queries: input.MetricDataQueries.length, at: clock.now });
      if (input.MetricDataQueries.length > GET_METRIC_DATA_MAX_QUERIES)
        return json(400, { __type: 'InvalidParameterValue', message: 'too many queries' });
      return json(200, {
        MetricDataResults: input.MetricDataQueries.map((q: { Id: string }) => ({
          Id: q.Id,
          StatusCode: 'Complete',
          Timestamps: [Math.floor(input.EndTime / 60) * 60 - 60],
          Values: [6],
        })),
      });
    }
    return json(400, { __type: 'InvalidAction', message: op });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    states,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
