// The bill's log bytes against what the probe function really writes: a real invocation (fake probes and
// CloudWatch, real cycle) logged through the real formatter (`jsonLog`), its lines measured byte by byte.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '#shared/config';
import { invocationLineBytes, probeResultLineBytes } from '#shared/cost';
import type { ProbeResult } from '#shared/probe';
import { type CycleRuntime, runInvocation } from '../../../functions/probe/cycle.ts';
import { jsonLog } from '../../../functions/probe/handler.ts';
import { probeSettings, thirdPartyEmbed } from '../../helpers/probe-function.ts';

const config = parseConfig({
  name: 'bank',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-1'],
  dependencies: [
    { id: 'core', name: 'Core', tier: 'first-party', critical: true, tcp: { host: 'core.example', port: 1 } },
    ...['kakaotalk-message-api', 'sms-gateway', 'card-network-authorisation', 'x'].map((id) => ({
      id,
      name: id,
      tier: 'third-party' as const,
      http: { url: `https://${id}.example/health` },
    })),
  ],
});

/** Runs one invocation of `rounds` rounds through the real formatter; returns the lines written to stdout. */
async function loggedLines(intervalSeconds: number): Promise<string[]> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  let clock = Date.parse('2026-12-02T01:02:00.250Z');
  const rt: CycleRuntime = {
    probe: async (deps, options) =>
      deps.map(
        (d): ProbeResult => ({
          dependency: d.id,
          tier: d.tier,
          region: options.region ?? 'local',
          time: clock,
          status: 'up',
          latencyMs: 123.4,
          httpStatus: 200,
        }),
      ),
    checkEgress: async () => ({ ok: true, url: 'https://sts.example/', httpStatus: 302, latencyMs: 5 }),
    publish: async (datums) => ({
      datums: datums.length,
      batches: 1,
      failedBatches: 0,
      failedDatums: 0,
      attempts: 1,
      errors: [],
    }),
    secrets: { resolve: async () => 'unused' },
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    log: jsonLog,
  };
  await runInvocation(thirdPartyEmbed(config, 8), probeSettings({ intervalSeconds }), rt);
  return written;
}

afterEach(() => vi.restoreAllMocks());

describe('log bytes the bill counts', () => {
  it('equal, to the byte, each probe-result line the probe function writes for a healthy HTTP probe', async () => {
    // Act
    const lines = (await loggedLines(60)).filter((l) => l.includes('"msg":"probe-result"'));

    // Assess: one line per dependency, each as long as the bill says for its id and region.
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      const { dependency, tier, region } = JSON.parse(l) as {
        dependency: string;
        tier: 'third-party';
        region: string;
      };
      expect(Buffer.byteLength(l)).toBe(probeResultLineBytes({ id: dependency, tier }, region));
    }
  });

  it('equal the invocation line within 10%, for one round and for six', async () => {
    for (const interval of [60, 10]) {
      // Act
      const line = (await loggedLines(interval)).find((l) => l.includes('"msg":"invocation"'))!;
      vi.restoreAllMocks();
      const rounds = 60 / interval;

      // Assess: the elapsed time and result counts vary by a few digits; the shape is the bill's.
      const modelled = invocationLineBytes('third-party', 0, 'ap-northeast-1', rounds);
      expect(Math.abs(Buffer.byteLength(line) - modelled) / modelled).toBeLessThan(0.1);
    }
  });
});
