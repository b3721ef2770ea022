// probeAll: concurrency, a hung dependency not delaying others, the cycle deadline, order and progress.
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Dependency, DependencySchema } from '#shared/config';
import { type ProbeResult, probeAll } from '#shared/probe';
import { socketsLeft, startHttp, startTcp, type TestServer } from '../../helpers/servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(p: Promise<TestServer>): Promise<TestServer> {
  const s = await p;
  servers.push(s);
  return s;
}
const dep = (id: string, port: number, timeoutMs: number, tier = 'third-party'): Dependency =>
  DependencySchema.parse({ id, name: id, tier, http: { url: `http://127.0.0.1:${port}/${id}`, timeoutMs } });
const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(200).end('ok');

describe('probeAll', () => {
  it('a hung target does not delay a healthy one; results come back in input order', async () => {
    // Prepare
    const hung = await serve(startTcp((s) => s.resume()));
    const healthy = await serve(startHttp(ok));
    const finished: string[] = [];
    // Act
    const results = await probeAll([dep('hung', hung.port, 1500), dep('healthy', healthy.port, 1500)], {
      concurrency: 2,
      onResult: (r, done, total) => finished.push(`${r.dependency} ${done}/${total}`),
    });
    // Assess
    expect(finished).toEqual(['healthy 1/2', 'hung 2/2']);
    expect(results.map((r) => [r.dependency, r.status, r.reason])).toEqual([
      ['hung', 'down', 'TIMEOUT'],
      ['healthy', 'up', undefined],
    ]);
    expect(results[1]!.latencyMs).toBeLessThan(results[0]!.latencyMs);
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

  it('the cycle deadline ends in-flight and unstarted probes as CYCLE_DEADLINE', async () => {
    const hung = await serve(startTcp((s) => s.resume()));
    const healthy = await serve(startHttp(ok));
    const t0 = performance.now();
    const results: ProbeResult[] = await probeAll(
      [dep('fast', healthy.port, 5000), dep('hung', hung.port, 5000), dep('queued', healthy.port, 5000)],
      { concurrency: 1, cycleDeadlineMs: 400 },
    );
    const took = performance.now() - t0;
    expect(results.map((r) => [r.dependency, r.status, r.reason])).toEqual([
      ['fast', 'up', undefined],
      ['hung', 'down', 'CYCLE_DEADLINE'],
      ['queued', 'down', 'CYCLE_DEADLINE'],
    ]);
    expect(results[2]!.detail).toBe('not probed: cycle deadline of 400 ms reached');
    expect(results[1]!.detail).toBe('cycle deadline of 400 ms reached while waiting for response headers');
    expect(took).toBeLessThan(400 + 250);
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
