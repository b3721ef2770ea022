// The bundled scenarios under CloudWatch's own timing (`depmon simulate --jitter SEED`): every seed gives the
// same pages as the run without it (kinds, dependencies, how many of each), shifted by no more than the model
// allows; a seeded run is reproducible. Each scenario is probed once against its stand-ins; the seeds replay
// those probes.
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

/** Each page shape → the times it was sent, in order. */
function byShape(pages: readonly SimPage[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of pages) out.set(shape(p), [...(out.get(shape(p)) ?? []), p.atSeconds]);
  return out;
}

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
    // Prepare: pages of independent incidents that come within a minute of each other may swap places, so
    // each page is compared with the same page (kind, severity, dependencies; k-th of its kind) of the plain run.
    const want = byShape(plain);
    for (const seed of SEEDS) {
      // Act
      const r = await runScenario({ ...base, scenario, replay: recording, timing: seededTiming(seed) });
      // Assess: the same pages, as many of each; none earlier, none later than the bound.
      const got = byShape(r.pages);
      expect([...got.keys()].sort(), `seed ${seed}`).toEqual([...want.keys()].sort());
      for (const [key, times] of got) {
        const before = want.get(key) as number[];
        expect(times.length, `seed ${seed}: ${key}`).toBe(before.length);
        times.forEach((t, k) => {
          const shift = t - (before[k] as number);
          expect(shift, `seed ${seed}: ${key}`).toBeGreaterThanOrEqual(0);
          expect(shift, `seed ${seed}: ${key}`).toBeLessThanOrEqual(MAX_SHIFT_SECONDS);
        });
      }
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
