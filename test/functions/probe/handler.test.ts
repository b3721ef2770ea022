// The probe function end to end in-process: the real probe engine against a loopback stand-in, the real
// egress check, the real PutMetricData request against a loopback CloudWatch.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseConfig } from '#shared/config';
import { probeAll } from '#shared/probe';
import { runInvocation } from '../../../functions/probe/cycle.ts';
import { createRuntime } from '../../../functions/probe/handler.ts';
import { clockFromMinuteStart } from '../../helpers/clock.ts';
import { probeSettings, thirdPartyEmbed } from '../../helpers/probe-function.ts';
import { refusedPort } from '../../helpers/servers.ts';
import { type FakeCloudWatch, localCloudWatch, startFakeCloudWatch } from './fake-cloudwatch.ts';

let target: Server;
let base: string;
let cloudwatch: FakeCloudWatch;
const auth: (string | undefined)[] = [];

beforeAll(async () => {
  target = createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(req.url === '/broken' ? 503 : 200);
    res.end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  cloudwatch = await startFakeCloudWatch();
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
  await cloudwatch.close();
});

function setup(egressUrl: string) {
  const c = parseConfig({
    name: 'e2e',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-1'],
    egress: { url: egressUrl, timeoutMs: 1000 },
    dependencies: [
      { id: 'core', name: 'Core', tier: 'first-party', critical: true, http: { url: `${base}/core` } },
      {
        id: 'good',
        name: 'Good',
        tier: 'third-party',
        http: { url: `${base}/good`, headers: { Authorization: 'Bearer ${env:E2E_TOKEN}' } },
      },
      { id: 'broken', name: 'Broken', tier: 'third-party', http: { url: `${base}/broken` } },
    ],
  });
  const embed = thirdPartyEmbed(c, 4);
  const settings = probeSettings();
  const logs: Record<string, unknown>[] = [];
  const real = createRuntime(settings, {
    probe: probeAll,
    cloudwatch: localCloudWatch(cloudwatch.endpoint),
    env: { E2E_TOKEN: 'tok-very-secret-42' },
    log: (r) => logs.push(r),
  });
  const rt = { ...real, now: clockFromMinuteStart() };
  return { embed, settings, rt, logs };
}

describe('probe handler with the real engine', () => {
  it('votes: resolves the secret header, reports the broken target down, publishes every datum', async () => {
    // Prepare
    const before = cloudwatch.requests.length;
    const { embed, settings, rt, logs } = setup(`${base}/egress`);
    // Act
    const summary = await runInvocation(embed, settings, rt);
    // Assess
    expect(summary.rounds).toEqual([expect.objectContaining({ voted: true, results: 2, down: 1 })]);
    expect(auth).toContain('Bearer tok-very-secret-42');
    const sent = cloudwatch.requests.slice(before).flatMap((r) => r.body.MetricData!);
    const down = sent
      .filter((d) => d.MetricName === 'Status')
      .map((d) => [(d.Dimensions as { Value: string }[])[0]!.Value, d.Value]);
    expect(down).toEqual([
      ['good', 0],
      ['broken', 1000],
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'probe-result',
        dependency: 'broken',
        status: 'down',
        reason: 'HTTP_STATUS',
      }),
    );
    expect(JSON.stringify(logs)).not.toContain('tok-very-secret-42');
  });

  it('abstains when the egress reference does not answer: heartbeat 0 and no availability datums', async () => {
    // Prepare: a loopback port that refuses connections
    const closed = await refusedPort();
    onTestFinished(() => closed.close());
    const port = closed.port;
    const before = cloudwatch.requests.length;
    const { embed, settings, rt, logs } = setup(`http://127.0.0.1:${port}/{region}`);
    // Act
    const summary = await runInvocation(embed, settings, rt);
    // Assess
    expect(summary.rounds).toEqual([expect.objectContaining({ voted: false })]);
    const sent = cloudwatch.requests.slice(before).flatMap((r) => r.body.MetricData!);
    expect(sent.map((d) => `${d.MetricName}=${d.Value}`)).toEqual(['Heartbeat=0']);
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'abstain',
        reason: 'egress check failed: CONNECTION_REFUSED',
        egressUrl: `http://127.0.0.1:${port}/ap-northeast-1`,
      }),
    );
  });
});
