// probeAll: concurrency, a hung dependency not delaying others, the cycle deadline, order and progress. Time is
// the engine's clock (fake timers), never the machine's: the wall-clock bounds are measured in bench/ (section g).
import type http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { type Dependency, DependencySchema } from '#shared/config';
import { type ProbeResult, probeAll } from '#shared/probe';
import { stopEngineClock, watch } from '../../helpers/engine-clock.ts';
import { closedAfterEach, socketsLeft, startHttp, startTcp } from '../../helpers/servers.ts';

/** The bound: a cycle ends within its deadline plus this much. */
const SLACK_MS = 250;

const serve = closedAfterEach();
const dep = (id: string, port: number, timeoutMs: number, tier = 'third-party'): Dependency =>
  DependencySchema.parse({ id, name: id, tier, http: { url: `http://127.0.0.1:${port}/${id}`, timeoutMs } });
const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(200).end('ok');

describe('probeAll', () => {
  it('a hung target does not delay a healthy one; results come back in input order', async () => {
    // Prepare
    const hung = await serve(startTcp((s) => s.resume()));
    const healthy = await serve(startHttp(ok));
    const finished: string[] = [];
    let healthyDone!: () => void;
    const healthyFinished = new Promise<void>((r) => {
      healthyDone = r;
    });
    stopEngineClock();
    let results: ProbeResult[];
    let finishedWhileClockStood: string[];
    try {
      // Act
      const cycle = probeAll([dep('hung', hung.port, 1500), dep('healthy', healthy.port, 1500)], {
        concurrency: 2,
        onResult: (r, done, total) => {
          finished.push(`${r.dependency} ${done}/${total}`);
          if (r.dependency === 'healthy') healthyDone();
        },
      });
      await healthyFinished;
      finishedWhileClockStood = [...finished];
      await vi.advanceTimersByTimeAsync(1500);
      results = await cycle;
    } finally {
      vi.useRealTimers();
    }
    // Assess: the healthy one finished with the clock standing still; the hung one when it reached its timeout.
    expect(finishedWhileClockStood).toEqual(['healthy 1/2']);
    expect(finished).toEqual(['healthy 1/2', 'hung 2/2']);
    expect(results.map((r) => [r.dependency, r.status, r.reason, r.latencyMs])).toEqual([
      ['hung', 'down', 'TIMEOUT', 1500],
      ['healthy', 'up', undefined, 0],
    ]);
    expect(await socketsLeft()).toEqual([]);
  });

  it('never has more probes in flight than the concurrency limit', async () => {
    let inFlight = 0;
    let most = 0;
    // Answers are held until three requests are in flight (or 500 ms pass, for the last two), so the limit is
    // reached however the machine schedules the probes.
    const held: (() => void)[] = [];
    const s = await serve(
      startHttp((_req, res) => {
        inFlight++;
        most = Math.max(most, inFlight);
        const answer = () => {
          clearTimeout(fallback);
          inFlight--;
          res.writeHead(200).end('ok');
        };
        const fallback = setTimeout(() => {
          held.splice(held.indexOf(answer), 1);
          answer();
        }, 500);
        held.push(answer);
        // Released 100 ms after the third arrives: time for a fourth, if the engine would send one, to show.
        if (inFlight === 3)
          setTimeout(() => {
            for (const a of held.splice(0)) a();
          }, 100);
      }),
    );
    const deps = Array.from({ length: 8 }, (_, i) => dep(`d${i}`, s.port, 2000));
    const results = await probeAll(deps, { concurrency: 3 });
    expect(results.every((r) => r.status === 'up')).toBe(true);
    expect(most).toBe(3);
  });

  it('the cycle deadline ends in-flight and unstarted probes as CYCLE_DEADLINE, when the clock reaches it', async () => {
    // Prepare
    let seen!: () => void;
    const hungAsked = new Promise<void>((r) => {
      seen = r;
    });
    const hung = await serve(startTcp((s) => s.once('data', () => seen()).resume()));
    const healthy = await serve(startHttp(ok));
    stopEngineClock();
    let endedBefore: boolean;
    let endedBy: boolean;
    let results: ProbeResult[];
    try {
      // Act: the clock stands still until the hung server has the request, then moves to the deadline.
      const cycle = watch(
        probeAll(
          [dep('fast', healthy.port, 5000), dep('hung', hung.port, 5000), dep('queued', healthy.port, 5000)],
          { concurrency: 1, cycleDeadlineMs: 400 },
        ),
      );
      await hungAsked;
      await vi.advanceTimersByTimeAsync(399);
      endedBefore = cycle.settled();
      await vi.advanceTimersByTimeAsync(1 + SLACK_MS);
      endedBy = cycle.settled();
      if (!endedBy) await vi.advanceTimersByTimeAsync(60_000);
      results = await cycle.promise;
    } finally {
      vi.useRealTimers();
    }
    // Assess
    expect({ endedBefore, endedBy }).toEqual({ endedBefore: false, endedBy: true });
    expect(results.map((r) => [r.dependency, r.status, r.reason])).toEqual([
      ['fast', 'up', undefined],
      ['hung', 'down', 'CYCLE_DEADLINE'],
      ['queued', 'down', 'CYCLE_DEADLINE'],
    ]);
    expect(results[1]!.latencyMs).toBe(400);
    expect(results[2]!.detail).toBe('not probed: cycle deadline of 400 ms reached');
    expect(results[1]!.detail).toBe('cycle deadline of 400 ms reached while waiting for response headers');
    expect(await socketsLeft()).toEqual([]);
  });

  it('an aborted cycle marks probes not yet run as CYCLE_DEADLINE without connecting', async () => {
    const s = await serve(startHttp(ok));
    const results = await probeAll([dep('a', s.port, 1000)], { signal: AbortSignal.abort() });
    expect(results[0]).toMatchObject({
      status: 'down',
      reason: 'CYCLE_DEADLINE',
      detail: 'not probed: cycle aborted',
    });
    expect(s.accepted()).toBe(0);
  });
});
