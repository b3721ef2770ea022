// The bundled scenarios under CloudWatch's own timing (`depmon simulate --jitter SEED`): every seed gives the
// same pages as the run without it (kinds, dependencies, count), shifted by no more than the model allows; a
// seeded run is reproducible. Each scenario is probed once against its stand-ins; the seeds replay those probes.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, type MonitorConfig } from '#shared/config';
import {
  loadScenarioFile,
  type ProbeRecording,
  type RunOptions,
  runScenario,
  type SimPage,
  seededTiming,
} from '#shared/simulate';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIOS = path.join(ROOT, 'examples/scenarios');
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
/**
 * How much later a page may come under the model: an alarm runs at most 59 s into its minute (datums of 60 s
 * periods are ingested within it), and a page the paging core sends on its minute tick (resolved) waits one tick.
 */
const MAX_SHIFT_SECONDS = 60;

const shape = (p: SimPage) =>
  `${p.resolved ? 'resolved ' : ''}${p.kind} ${p.severity} [${[...p.dependencies].sort().join(', ')}]`;

let config: MonitorConfig;
let base: Pick<RunOptions, 'config' | 'template' | 'plan'>;
beforeAll(async () => {
  ({ config } = await loadConfigFile(path.join(ROOT, 'examples/bank/monitor.config.ts'), ROOT));
  base = { config, ...synthHomeStack(config) };
}, 120_000);

const scenarios = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe.each(scenarios)('%s under 20 seeds', (file) => {
  let recording: ProbeRecording;
  let plain: readonly SimPage[];
  let scenario: Awaited<ReturnType<typeof loadScenarioFile>>;
  beforeAll(async () => {
    scenario = await loadScenarioFile(path.join(SCENARIOS, file), ROOT);
    recording = { rounds: [] };
    plain = (await runScenario({ ...base, scenario, record: recording })).pages;
  }, 180_000);

  it('gives the same pages for every seed, each at most the model’s bounds later', async () => {
    // Prepare
    const want = plain.map(shape);
    for (const seed of SEEDS) {
      // Act
      const r = await runScenario({ ...base, scenario, replay: recording, timing: seededTiming(seed) });
      // Assess: the same pages in the same order, none earlier, none later than the bound.
      expect(r.pages.map(shape), `seed ${seed}`).toEqual(want);
      r.pages.forEach((p, i) => {
        const shift = p.atSeconds - (plain[i] as SimPage).atSeconds;
        expect(shift, `seed ${seed}: ${shape(p)}`).toBeGreaterThanOrEqual(0);
        expect(shift, `seed ${seed}: ${shape(p)}`).toBeLessThanOrEqual(MAX_SHIFT_SECONDS);
      });
      expect(r.notes.some((n) => n.includes(`seed ${seed}`))).toBe(true);
    }
  }, 300_000);

  it('replays a seed to the same alarms, actions and pages', async () => {
    const once = await runScenario({ ...base, scenario, replay: recording, timing: seededTiming(7) });
    const again = await runScenario({ ...base, scenario, replay: recording, timing: seededTiming(7) });
    expect(again.alarms).toEqual(once.alarms);
    expect(again.actions).toEqual(once.actions);
    expect(again.pages).toEqual(once.pages);
  }, 60_000);
});
