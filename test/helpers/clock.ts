// A clock for the probe function's invocations. The schedule fires at the top of the minute, and a round due
// in the minute's last half second is rightly skipped as too late; on the wall clock a test can start there.

/** Real elapsed time, counted from one second past the current minute's start. */
export function clockFromMinuteStart(): () => number {
  const t0 = Date.now();
  const from = Math.floor(t0 / 60_000) * 60_000 + 1000;
  return () => from + (Date.now() - t0);
}
