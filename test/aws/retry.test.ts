import { describe, expect, it } from 'vitest';
import { AwsCallError, isRetryable, isThrottling } from '#aws/errors';
import { backoffMs, type RetryPolicy, retrier, retry } from '#aws/retry';
import { awsError } from '../helpers/aws.ts';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

/** A call that throws the given errors in turn, then answers `value`. */
function failing<T>(errors: unknown[], value: T) {
  let calls = 0;
  const fn = async () => {
    calls++;
    const e = errors.shift();
    if (e !== undefined) throw e;
    return value;
  };
  return { fn, calls: () => calls };
}

function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

describe('retry', () => {
  it('retries what is worth it, each wait drawn below a doubling cap (full jitter), and returns the value', async () => {
    // Prepare
    const call = failing(
      [awsError('Throttling', 'slow'), awsError('Throttling', 'slow'), awsError('X', 'x', 503)],
      7,
    );
    const { sleeps, sleep } = recorder();
    // Act
    const out = await retry(call.fn, { policy: POLICY, retryable: isRetryable, sleep, random: () => 0.99 });
    // Assess: caps 100, 200, then 400 held to the 300 maximum
    expect(out).toEqual({ ok: true, value: 7, attempts: 4 });
    expect(sleeps).toEqual([99, 198, 297]);
  });

  it('draws each wait anywhere from zero up to its cap', () => {
    expect(backoffMs(1, POLICY, () => 0)).toBe(0);
    expect(backoffMs(2, POLICY, () => 0.5)).toBe(100);
    expect(backoffMs(9, POLICY, () => 0.999)).toBe(299);
  });

  it('gives up after the policy attempts with the last error, never throwing', async () => {
    // Prepare
    const last = awsError('Throttling', 'still slow');
    const call = failing(
      [awsError('Throttling', 'slow'), awsError('Throttling', 'slow'), awsError('Throttling', 'slow'), last],
      1,
    );
    const { sleeps, sleep } = recorder();
    // Act
    const out = await retry(call.fn, { policy: POLICY, retryable: isThrottling, sleep });
    // Assess
    expect(out).toEqual({ ok: false, error: last, attempts: 4 });
    expect(call.calls()).toBe(4);
    expect(sleeps).toHaveLength(3);
  });

  it('does not retry an error that is not worth it', async () => {
    // Prepare
    const denied = awsError('AccessDeniedException', 'no', 400);
    const call = failing([denied], 1);
    const { sleeps, sleep } = recorder();
    // Act
    const out = await retry(call.fn, { policy: POLICY, retryable: isRetryable, sleep });
    // Assess
    expect(out).toEqual({ ok: false, error: denied, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('starts no retry whose wait would end past the time budget', async () => {
    // Prepare: the clock stands at 950 ms into a 1 s budget; the next wait would be 99 ms
    const call = failing([awsError('Throttling', 'slow'), awsError('Throttling', 'slow')], 1);
    const { sleeps, sleep } = recorder();
    let clock = 0;
    // Act
    const out = await retry(
      async () => {
        clock = 950;
        return call.fn();
      },
      {
        policy: { ...POLICY, budgetMs: 1000 },
        retryable: isRetryable,
        sleep,
        random: () => 0.99,
        now: () => clock,
        startedAt: 0,
      },
    );
    // Assess
    expect(out.ok).toBe(false);
    expect(out.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe('retrier', () => {
  it('throws AwsCallError naming the IAM action, the cause and the attempts', async () => {
    // Prepare
    const cause = awsError('Throttling', 'Rate exceeded');
    const { sleep } = recorder();
    const call = retrier({ policy: { ...POLICY, maxAttempts: 2 }, retryable: isThrottling, sleep });
    // Act
    const out = call('cloudwatch:DescribeAlarms', async () => {
      throw cause;
    });
    // Assess
    await expect(out).rejects.toBeInstanceOf(AwsCallError);
    await expect(out).rejects.toMatchObject({
      action: 'cloudwatch:DescribeAlarms',
      cause,
      attempts: 2,
      message: 'cloudwatch:DescribeAlarms: Rate exceeded',
    });
  });
});
