// PutMetricData as one signed AWS JSON 1.0 request (aws/metrics.ts) beside the pinned @aws-sdk/client-cloudwatch
// it replaces in the probe bundle: the same request as CloudWatch parses it (headers, body, gzip from the same
// size, a signature the SDK's own signer agrees with) and every failure read alike, so the one retry rule for
// PutMetricData (retry only what provably stored nothing) judges both the same way.
import { CloudWatchClient, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { envCredentials } from '#aws/credentials';
import { describeError, isRetryableWrite, isThrottling } from '#aws/errors';
import { GZIP_FROM_BYTES, gzipThreshold, sendPutMetricData } from '#aws/metrics';
import { heartbeatDatum, type MetricDatum, resultDatums } from '#shared/metrics';
import type { ProbeResult } from '#shared/probe';
import {
  type FakeAnswer,
  type FakeCloudWatch,
  localCloudWatch,
  type RecordedRequest,
  startFakeCloudWatch,
} from '../functions/probe/fake-cloudwatch.ts';

const ctx = { roundTime: new Date('2026-11-26T03:00:00Z'), intervalSeconds: 20 };

function datums(n: number): MetricDatum[] {
  const results: ProbeResult[] = Array.from({ length: n }, (_, i) => ({
    dependency: `dep-${i}`,
    tier: 'third-party',
    region: 'ap-northeast-1',
    time: ctx.roundTime.getTime(),
    status: i % 3 === 0 ? 'down' : 'up',
    latencyMs: 12.345 + i,
    ...(i % 3 === 0 ? { reason: 'TIMEOUT' as const } : {}),
  }));
  return [...resultDatums(results, ctx), heartbeatDatum('ap-northeast-1', 'third-party', 0, true, ctx)];
}

function sdkClient(endpoint: string, requestTimeout?: number): CloudWatchClient {
  return new CloudWatchClient({
    region: 'ap-northeast-2',
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    ...(requestTimeout ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
}

const sdkSend = (client: CloudWatchClient, batch: readonly MetricDatum[]) =>
  client.send(
    new PutMetricDataCommand({
      Namespace: 'Depmon',
      MetricData: batch.map((d) => ({ ...d, Dimensions: [...d.Dimensions], Unit: d.Unit as StandardUnit })),
    }),
  );

/** What CloudWatch sees of a request, less what differs between any two requests (the signature's time). */
const seen = (r: RecordedRequest) => ({ ...r, wireBytes: r.contentEncoding ? 'gzip' : r.wireBytes });

let fake: FakeCloudWatch | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('sendPutMetricData', () => {
  it.each([
    ['a small round, sent as plain JSON', 10],
    ['a large round, gzipped as the SDK gzips it', 300],
  ])('sends %s exactly as the pinned SDK client does', async (_name, n) => {
    // Prepare
    fake = await startFakeCloudWatch();
    const batch = datums(n);
    // Act
    await sdkSend(sdkClient(fake.endpoint), batch);
    await sendPutMetricData(localCloudWatch(fake.endpoint), 'Depmon', batch);
    // Assess: the same parsed request, both signatures verified by the SDK's own signer
    const [sdk, own] = fake.requests;
    expect(seen(own!)).toEqual(seen(sdk!));
    expect(own).toMatchObject({
      signatureValid: true,
      service: 'monitoring',
      region: 'ap-northeast-2',
      contentType: 'application/x-amz-json-1.0',
      queryMode: 'true',
      target: 'GraniteServiceVersion20100801.PutMetricData',
    });
    expect(own!.contentEncoding).toBe(own!.jsonBytes >= GZIP_FROM_BYTES ? 'gzip' : undefined);
    expect(own!.body.MetricData![0]).toMatchObject({
      Timestamp: ctx.roundTime.getTime() / 1000,
      StorageResolution: 1,
    });
    expect(fake.stored).toHaveLength(2);
  });

  it('signs the session token Lambda passes in the environment', async () => {
    // Prepare
    fake = await startFakeCloudWatch();
    const credentials = envCredentials({
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret',
      AWS_SESSION_TOKEN: 'tok-1',
    });
    // Act
    await sendPutMetricData({ ...localCloudWatch(fake.endpoint), credentials }, 'Depmon', datums(1));
    // Assess
    expect(fake.requests[0]).toMatchObject({ sessionToken: 'tok-1', signatureValid: true });
  });

  it('compresses as AWS_DISABLE_REQUEST_COMPRESSION and AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES say, as the SDK does', async () => {
    // Prepare
    fake = await startFakeCloudWatch();
    const target = localCloudWatch(fake.endpoint);
    // Act
    await sendPutMetricData(
      { ...target, env: { ...target.env, AWS_DISABLE_REQUEST_COMPRESSION: 'true' } },
      'D',
      datums(300),
    );
    await sendPutMetricData(
      { ...target, env: { ...target.env, AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES: '0' } },
      'D',
      datums(1),
    );
    // Assess
    expect(fake.requests.map((r) => r.contentEncoding)).toEqual([undefined, 'gzip']);
    expect(fake.requests.every((r) => r.signatureValid)).toBe(true);
    expect(gzipThreshold({})).toBe(10_240);
    expect(gzipThreshold({ AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES: 'many' })).toBe(10_240);
  });
});

describe('a failed PutMetricData, read as the SDK reads it', () => {
  /** The error each sender ends with, described and judged by the one retry rule. */
  async function bothFail(answer: FakeAnswer | 'refused' | 'wrong-key') {
    fake = await startFakeCloudWatch(() => (answer === 'refused' || answer === 'wrong-key' ? 'ok' : answer));
    const endpoint = fake.endpoint;
    if (answer === 'refused') await fake.close();
    // A short deadline only where nothing answers: a loaded machine may take longer to answer the others.
    const deadline = answer === 'hang' ? 300 : undefined;
    const sdk = sdkClient(endpoint, deadline);
    const own = localCloudWatch(endpoint, deadline);
    const wrong = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'not-the-secret' };
    if (answer === 'wrong-key') sdk.config.credentials = async () => wrong;
    const ownTarget = answer === 'wrong-key' ? { ...own, credentials: async () => wrong } : own;
    const sdkErr = await sdkSend(sdk, datums(1)).catch((e: unknown) => e);
    const ownErr = await sendPutMetricData(ownTarget, 'Depmon', datums(1)).catch((e: unknown) => e);
    const judge = (e: unknown) => ({
      retried: isRetryableWrite(e),
      throttling: isThrottling(e),
      code: (e as { code?: string }).code,
    });
    return {
      sdk: judge(sdkErr),
      own: judge(ownErr),
      described: describeError(ownErr),
      sdkDescribed: describeError(sdkErr),
    };
  }

  it.each([
    ['throttling: retried', 'throttle', 'Throttling (HTTP 400)', true],
    [
      'a 5xx: not retried, CloudWatch may have stored the datums',
      'server-error',
      'InternalServiceFault (HTTP 500)',
      false,
    ],
    ['a refused value: not retried', 'invalid', 'InvalidParameterValueException (HTTP 400)', false],
    ['a bad signature: not retried', 'wrong-key', 'SignatureDoesNotMatch (HTTP 403)', false],
    ['no answer within the deadline: not retried, it may have been stored', 'hang', 'TimeoutError', false],
    ['a refused connection: retried, nothing was sent', 'refused', 'ECONNREFUSED', true],
  ] as const)('%s', async (_name, answer, described, retried) => {
    // Act
    const out = await bothFail(answer);
    // Assess: judged alike; described alike, except that a socket error is named by its code (the SDK says "Error")
    expect(out.own).toEqual(out.sdk);
    expect(out.own.retried).toBe(retried);
    expect(out.described).toBe(described);
    expect(out.sdkDescribed).toBe(answer === 'refused' ? 'Error' : described);
  });
});
