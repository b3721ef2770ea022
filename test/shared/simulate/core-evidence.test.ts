// External pages and core's evidence, end to end under CloudWatch's own timing (`--jitter`): the bank example in
// the fast profile at 15 s, where core's probe function publishes apart from the partners' and its datums can
// arrive after a partner's alarm has acted. With a fixed suppressor wait, seeds 3 and 4 sent "EXTERNAL OUTAGE -
// core healthy" seconds before the core-outage page when both failed together; the paging core now waits for
// the probes' own data to show core up.
import { beforeAll, describe, expect, it } from 'vitest';
import { type MonitorConfig, parseConfig } from '#shared/config';
import { coreEvidenceMaxWaitMs } from '#shared/pages';
import {
  type ProbeRecording,
  parseScenario,
  type RunOptions,
  runScenario,
  seededTiming,
} from '#shared/simulate';
import bankInput from '../../../examples/bank/monitor.config.ts';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

let config: MonitorConfig;
let base: Pick<RunOptions, 'config' | 'template' | 'plan'>;
beforeAll(() => {
  config = parseConfig(
    { ...bankInput, intervalSeconds: 15, policy: { ...bankInput.policy, detection: 'fast' } },
    'examples/bank/monitor.config.ts',
  );
  base = { config, ...synthHomeStack(config) };
}, 120_000);

const scenarioOf = (deps: string[], at: Record<string, string> = {}) =>
  parseScenario(
    {
      durationMinutes: 9,
      events: deps.map((dependency) => ({
        at: at[dependency] ?? '5m',
        dependency,
        regions: 'all',
        state: 'down',
      })),
    },
    'core-evidence.yaml',
    '/tmp',
  );

/** The scenario probed once, then its rounds replayed under each timing seed. */
async function* underSeeds(scenario: ReturnType<typeof scenarioOf>) {
  const recording: ProbeRecording = { rounds: [] };
  await runScenario({ ...base, scenario, record: recording });
  for (const seed of SEEDS)
    yield {
      seed,
      r: await runScenario({ ...base, scenario, replay: recording, timing: seededTiming(seed) }),
    };
}

describe('external pages wait for core evidence (fast profile, 15 s, 20 timing seeds)', () => {
  it('never pages a partner as external when core failed at the same moment', async () => {
    // Prepare, act: probe once, replay the probes under each seed.
    for await (const { seed, r } of underSeeds(scenarioOf(['core-ledger', 'kakaotalk-message-api']))) {
      // Assess: the core-outage page, and the partner's page held for it, never sent.
      const kinds = r.pages.filter((p) => !p.resolved).map((p) => p.kind);
      expect(kinds, `seed ${seed}`).toEqual(['core-outage']);
      expect(
        r.held.some((h) => h.alarm === 'bank-external-outage-kakao' && h.reason === 'core-outage'),
        `seed ${seed}`,
      ).toBe(true);
    }
  }, 300_000);

  it('never pages a partner as external when core failed one round after it, before its alarm acted', async () => {
    // The partner's alarm acts on its second failing round (5m15s), the one core failed in: core's earlier
    // round, seen up after the partner began failing, is no evidence for it.
    const scenario = scenarioOf(['kakaotalk-message-api', 'core-ledger'], { 'core-ledger': '5m15s' });
    for await (const { seed, r } of underSeeds(scenario)) {
      const kinds = r.pages.filter((p) => !p.resolved).map((p) => p.kind);
      expect(kinds, `seed ${seed}`).toEqual(['core-outage']);
    }
  }, 300_000);

  it('pages a partner alone as external, claiming core healthy, within the longest wait of its alarm', async () => {
    const longest = coreEvidenceMaxWaitMs(config) / 1000;
    for await (const { seed, r } of underSeeds(scenarioOf(['kakaotalk-message-api']))) {
      const page = r.pages.find((p) => p.kind === 'external-outage' && !p.resolved);
      const alarmed = r.alarms.find((a) => a.alarm === 'bank-external-outage-kakao' && a.to === 'ALARM');
      expect(page, `seed ${seed}`).toBeDefined();
      expect(alarmed, `seed ${seed}`).toBeDefined();
      expect(page!.text, `seed ${seed}`).toContain('Core banking is healthy');
      expect(page!.atSeconds - alarmed!.atSeconds, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      expect(page!.atSeconds - alarmed!.atSeconds, `seed ${seed}`).toBeLessThanOrEqual(longest);
    }
  }, 300_000);
});
