// The one retry-with-backoff of every AWS call depmon makes: exponential backoff with full jitter (AWS
// Architecture Blog, "Exponential Backoff and Jitter"), bounded by attempts and optionally by elapsed
// time. Sleep, clock and randomness are injectable, so tests neither wait nor depend on chance.
import { AwsCallError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts per call, the first one included. */
  readonly maxAttempts: number;
  /** Backoff cap for attempt n is min(maxDelayMs, baseDelayMs * 2^(n-1)); the delay is uniform in [0, cap). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry is started once this much time would have passed since `startedAt`. @default no limit */
  readonly budgetMs?: number;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Which errors are worth another attempt. */
  readonly retryable: (err: unknown) => boolean;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** Milliseconds, for the budget. @default Date.now */
  readonly now?: () => number;
  /** When the budget started (several calls may share one). @default now() when the call starts */
  readonly startedAt?: number;
}

/** What a call came to: its value or its last error, and how many attempts it took. */
export type RetryOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/** Runs `fn` until it succeeds, fails with an error not worth retrying, or the policy runs out. Never throws. */
export async function retry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<RetryOutcome<T>> {
  const { policy, retryable } = options;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const started = options.startedAt ?? now();
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn(), attempts: attempt };
    } catch (error) {
      const delay = backoffMs(attempt, policy, random);
      const outOfTime = policy.budgetMs !== undefined && now() + delay - started > policy.budgetMs;
      if (!retryable(error) || attempt >= policy.maxAttempts || outOfTime) {
        return { ok: false, error, attempts: attempt };
      }
      await sleep(delay);
    }
  }
}

/** Runs AWS calls under one policy; a call that finally fails throws AwsCallError naming its IAM action. */
export type Retrier = <T>(action: string, fn: () => Promise<T>) => Promise<T>;

export function retrier(options: RetryOptions): Retrier {
  return async (action, fn) => {
    const out = await retry(fn, options);
    if (out.ok) return out.value;
    throw new AwsCallError(action, out.error, out.attempts);
  };
}
