import { afterEach, describe, expect, it } from 'vitest';
import { heartbeatDatum, type MetricDatum, resultDatums } from '#shared/metrics';
import type { ProbeResult } from '#shared/probe';
import {
  backoffMs,
  DEFAULT_RETRY,
  isRetryableWrite,
  publishDatums,
} from '../../../functions/probe/publish.ts';
import { type FakeCloudWatch, localCloudWatch, startFakeCloudWatch } from './fake-cloudwatch.ts';

const ctx = { roundTime: new Date('2026-11-26T03:00:00Z'), intervalSeconds: 60 };
const noWait = { sleep: async () => {}, random: () => 0.5 };

function results(n: number): ProbeResult[] {
  return Array.from({ length: n }, (_, i) => ({
    dependency: `dep-${i}`,
    tier: 'third-party' as const,
    region: 'ap-northeast-1',
    time: ctx.roundTime.getTime(),
    status: i % 2 === 0 ? ('up' as const) : ('down' as const),
    latencyMs: 100 + i,
    ...(i % 2 === 0 ? {} : { reason: 'TIMEOUT' as const }),
  }));
}

const client = localCloudWatch;

let fake: FakeCloudWatch | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('publishDatums', () => {
  it('sends the datums of a round in one PutMetricData request, heartbeat included', async () => {
    // Prepare
    fake = await startFakeCloudWatch();
    const datums: MetricDatum[] = [
      ...resultDatums(results(4), ctx),
      heartbeatDatum('ap-northeast-1', 'third-party', 0, true, ctx),
    ];
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', datums, noWait);
    // Assess
    expect(out).toMatchObject({ datums: 5, batches: 1, failedBatches: 0, failedDatums: 0, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      target: 'GraniteServiceVersion20100801.PutMetricData',
      signatureValid: true,
      region: 'ap-northeast-2',
      service: 'monitoring',
    });
    expect(fake.requests[0]!.body.Namespace).toBe('Depmon');
    const sent = fake.requests[0]!.body.MetricData!;
    expect(sent).toHaveLength(5);
    expect(sent[0]).toMatchObject({
      MetricName: 'Status',
      Dimensions: [{ Name: 'Dependency', Value: 'dep-0' }],
      Value: 0,
      Unit: 'Count',
      StorageResolution: 60,
    });
    expect(sent[1]).toMatchObject({ MetricName: 'Status', Value: 1000 });
    expect(sent[4]).toMatchObject({ MetricName: 'Heartbeat', Value: 1 });
  });

  it('retries throttling, then succeeds', async () => {
    // Prepare
    fake = await startFakeCloudWatch((n) => (n < 2 ? 'throttle' : 'ok'));
    const slept: number[] = [];
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', resultDatums(results(2), ctx), {
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    // Assess
    expect(out).toMatchObject({ failedBatches: 0, failedDatums: 0, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
    expect(slept).toEqual([50, 100]); // full jitter at 0.5 of caps 100, 200
  });

  it('counts a Region once when CloudWatch stores a batch and answers 5xx: the request is not retried', async () => {
    // Prepare: the first request is stored, then answered 500; any retry would be stored too.
    fake = await startFakeCloudWatch((n) => (n === 0 ? 'stored-server-error' : 'ok'));
    const round = resultDatums(results(2), ctx); // dep-1 is down from this Region
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', round, noWait);
    // Assess: one down vote (1000) in the Status Sum the quorum alarm reads, and the failure reported, not hidden.
    expect(fake.sum('Status', 'dep-1')).toBe(1000);
    expect(fake.requests).toHaveLength(1);
    expect(out).toMatchObject({ failedBatches: 1, failedDatums: 2, attempts: 1 });
    expect(out.errors).toEqual(['InternalServiceFault (HTTP 500) after 1 attempt']);
  });

  it('gives up after the attempt limit when throttled forever, and reports every datum it could not send', async () => {
    // Prepare
    fake = await startFakeCloudWatch(() => 'throttle');
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', resultDatums(results(3), ctx), noWait);
    // Assess
    expect(out).toMatchObject({
      batches: 1,
      failedBatches: 1,
      failedDatums: 3,
      attempts: DEFAULT_RETRY.maxAttempts,
    });
    expect(out.errors).toEqual(['Throttling (HTTP 400) after 6 attempts']);
  });

  it('does not retry a request that timed out, since CloudWatch may have stored it', async () => {
    // Prepare
    fake = await startFakeCloudWatch(() => 'hang');
    const impatient = client(fake.endpoint, 200);
    // Act
    const out = await publishDatums(impatient, 'Depmon', resultDatums(results(1), ctx), noWait);
    // Assess
    expect(out).toMatchObject({ failedDatums: 1, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
    expect(out.errors[0]).toMatch(/^TimeoutError after 1 attempt$/);
  });

  it('does not retry a validation error', async () => {
    // Prepare
    fake = await startFakeCloudWatch(() => 'invalid');
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', resultDatums(results(1), ctx), noWait);
    // Assess
    expect(out).toMatchObject({ failedDatums: 1, attempts: 1 });
  });

  it('stops retrying when the time budget is spent', async () => {
    // Prepare
    fake = await startFakeCloudWatch(() => 'throttle');
    let clock = 0;
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', resultDatums(results(1), ctx), {
      retry: { maxAttempts: 100, baseDelayMs: 1000, maxDelayMs: 1000, budgetMs: 2500 },
      random: () => 0.99,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    // Assess: delays of 990 ms fit twice into 2.5 s; the third would overrun.
    expect(out.attempts).toBe(3);
    expect(out.failedDatums).toBe(1);
  });

  it('splits more datums than one request may carry into several requests and sends them all', async () => {
    // Prepare: 2,100 results → 2,100 datums → 3 requests of at most 1,000
    fake = await startFakeCloudWatch();
    const datums = resultDatums(results(2100), ctx);
    // Act
    const out = await publishDatums(client(fake.endpoint), 'Depmon', datums, noWait);
    // Assess
    expect(out).toMatchObject({ datums: 2100, batches: 3, failedDatums: 0 });
    const sizes = fake.requests.map((r) => r.body.MetricData!.length).sort((a, b) => b - a);
    expect(sizes).toEqual([1000, 1000, 100]);
  });

  it('attempts every request even when one of them keeps failing', async () => {
    // Prepare: the request carrying the first 1,000 datums (it starts with dep-0) is throttled forever
    const isFirstBatch = (req: { body: { MetricData?: Array<Record<string, unknown>> } }) =>
      JSON.stringify(req.body.MetricData![0]!.Dimensions) === '[{"Name":"Dependency","Value":"dep-0"}]';
    fake = await startFakeCloudWatch((_n, req) => (isFirstBatch(req) ? 'throttle' : 'ok'));
    // Act
    const out = await publishDatums(
      client(fake.endpoint),
      'Depmon',
      resultDatums(results(2100), ctx),
      noWait,
    );
    // Assess
    expect(out).toMatchObject({ batches: 3, failedBatches: 1, failedDatums: 1000 });
    expect(new Set(fake.requests.map((r) => JSON.stringify(r.body.MetricData![0]))).size).toBe(3);
    expect(fake.requests.filter(isFirstBatch)).toHaveLength(DEFAULT_RETRY.maxAttempts);
  });
});

describe('retry helpers', () => {
  it('retries throttling and refused connections; not 5xx, timeouts or resets that may have stored datums, nor validation errors', () => {
    expect(isRetryableWrite({ name: 'Throttling', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(isRetryableWrite({ name: 'X', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isRetryableWrite({ name: 'Error', code: 'ECONNREFUSED' })).toBe(true);
    expect(isRetryableWrite({ name: 'X', $metadata: { httpStatusCode: 503 } })).toBe(false);
    expect(isRetryableWrite({ name: 'InternalServiceFault', $metadata: { httpStatusCode: 500 } })).toBe(
      false,
    );
    expect(isRetryableWrite({ name: 'TimeoutError' })).toBe(false);
    expect(isRetryableWrite({ name: 'Error', code: 'ECONNRESET' })).toBe(false);
    expect(isRetryableWrite({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } })).toBe(
      false,
    );
    expect(isRetryableWrite('nope')).toBe(false);
  });

  it('caps the backoff and draws it uniformly below the cap', () => {
    expect(backoffMs(1, DEFAULT_RETRY, () => 0.999)).toBe(99);
    expect(backoffMs(10, DEFAULT_RETRY, () => 0.5)).toBe(1000);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});
