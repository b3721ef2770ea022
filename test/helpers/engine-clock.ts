// The probe engine's clock in tests: vitest's fake timers for the timers and performance.now the engine reads,
// with I/O left real, so a probe talks to a real loopback server while the test decides when time passes. Time
// rules (a probe ends at its timeout, a cycle at its deadline) are checked on this clock, never the machine's;
// the wall-clock bounds are measured in bench/ (section g, `npm run bench -- bounds`).
import { vi } from 'vitest';

/** setImmediate stays real: fake-timers yields through it while advancing, which lets real I/O run. */
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] as const;

/** Stops the engine's clock; `vi.useRealTimers()` restarts it. */
export function stopEngineClock(): void {
  vi.useFakeTimers({ toFake: [...FAKED] });
}

/** A promise and whether it has settled yet, read without awaiting it. */
export function watch<T>(promise: Promise<T>): {
  readonly promise: Promise<T>;
  readonly settled: () => boolean;
} {
  let settled = false;
  const p = promise.finally(() => {
    settled = true;
  });
  return { promise: p, settled: () => settled };
}
