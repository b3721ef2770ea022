// Drills through the real probe engine: a loopback dependency that is up is reported down with reason DRILL
// while a drill read from the drill store (a loopback SSM stand-in, real signed requests) is active in this
// region; not after its end (no flag to clear), not in another region, and not when the store cannot be read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDrillReader } from '#aws/drills';
import { type MonitorConfig, parseConfig } from '#shared/config';
import type { MetricDatum } from '#shared/metrics';
import { probeAll } from '#shared/probe';
import { type Drill, drillParameterName } from '#shared/runtime';
import { type CycleRuntime, runInvocation } from '../../../functions/probe/cycle.ts';
import { probeSettings, thirdPartyEmbed } from '../../helpers/probe-function.ts';
import { startHttp, type TestServer } from '../../helpers/servers.ts';

let target: TestServer;
let ssm: TestServer;
let ssmAnswer: { status: number; body: unknown } = { status: 200, body: {} };
const ssmTargets: string[] = [];
let cfg: MonitorConfig;

beforeAll(async () => {
  target = await startHttp((_req, res) => res.end('ok'));
  ssm = await startHttp(async (req, res) => {
    for await (const _ of req);
    ssmTargets.push(String(req.headers['x-amz-target']));
    res.writeHead(ssmAnswer.status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(ssmAnswer.body));
  });
  cfg = parseConfig({
    name: 'bank',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-1'],
    dependencies: [
      {
        id: 'core',
        name: 'Core',
        tier: 'first-party',
        critical: true,
        http: { url: `http://127.0.0.1:${target.port}/` },
      },
      { id: 'kakao', name: 'Kakao', tier: 'third-party', http: { url: `http://127.0.0.1:${target.port}/` } },
    ],
  });
});
afterAll(async () => {
  await target.close();
  await ssm.close();
});

const T0 = Date.parse('2026-12-02T03:00:02.250Z');
const drill = (over: Partial<Drill> = {}): Drill => ({
  id: 'd1',
  dependency: 'kakao',
  regions: [],
  start: '2026-12-02T03:00:00.000Z',
  end: '2026-12-02T03:15:00.000Z',
  by: 'kim',
  ...over,
});
const storeWith = (drills: Drill[]) => {
  ssmAnswer = {
    status: 200,
    body: { Parameter: { Name: drillParameterName(cfg), Value: JSON.stringify({ drills }) } },
  };
};

/** One invocation on a fake clock starting at `start`, probing with the real engine; the results as logged. */
async function invoke(start: number) {
  let clock = start;
  const logs: Record<string, unknown>[] = [];
  const published: MetricDatum[] = [];
  const rt: CycleRuntime = {
    probe: probeAll,
    checkEgress: async () => ({ ok: true, url: 'http://127.0.0.1/', httpStatus: 200, latencyMs: 1 }),
    publish: async (d) => {
      published.push(...d);
      return { datums: d.length, batches: 1, failedBatches: 0, failedDatums: 0, attempts: 1, errors: [] };
    },
    secrets: { resolve: async () => 'unused' },
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    log: (r) => logs.push(r),
    drills: cachedDrillReader(
      {
        region: 'ap-northeast-2',
        parameter: drillParameterName(cfg),
        credentials: async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }),
        env: { AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${ssm.port}/` },
      },
      () => clock,
    ),
  };
  await runInvocation(thirdPartyEmbed(cfg, 4), probeSettings(), rt);
  return { results: logs.filter((l) => l.msg === 'probe-result'), logs, published };
}

describe('drills in the probe', () => {
  it('reports the drilled dependency down with reason DRILL, and publishes it as failing', async () => {
    storeWith([drill()]);
    const { results, published } = await invoke(T0);
    expect(ssmTargets.at(-1)).toBe('AmazonSSM.GetParameter');
    expect(results[0]).toMatchObject({ dependency: 'kakao', status: 'down', reason: 'DRILL' });
    expect(String(results[0]!.detail)).toMatch(
      /^\[DRILL\] until 2026-12-02T03:15:00.000Z by kim \(real result: up\)/,
    );
    // A down vote in its Status (0 up, 1 degraded, 1000 down).
    const status = published.find(
      (d) => d.MetricName === 'Status' && d.Dimensions?.some((x) => x.Value === 'kakao'),
    );
    expect(status?.Value).toBe(1000);
  });

  it('never outlives its window: after the end the same store reads as no drill', async () => {
    storeWith([drill()]);
    const { results } = await invoke(Date.parse('2026-12-02T03:15:00.250Z'));
    expect(results[0]).toMatchObject({ dependency: 'kakao', status: 'up' });
  });

  it('applies only in the regions it names', async () => {
    storeWith([drill({ regions: ['ap-northeast-3'] })]);
    const { results } = await invoke(T0);
    expect(results[0]).toMatchObject({ status: 'up' });
  });

  it('probes as without a drill when the store cannot be read, and logs it', async () => {
    ssmAnswer = { status: 400, body: { __type: 'AccessDeniedException', message: 'no' } };
    const { results, logs } = await invoke(T0);
    expect(results[0]).toMatchObject({ status: 'up' });
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'drill-store-unreadable',
        error: expect.stringContaining('AccessDeniedException'),
      }),
    );
  });
});
