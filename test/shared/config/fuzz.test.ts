// Property-based tests of the config and scenario loaders (issue 16): whatever a user or a TS config hands them,
// they end in a valid, defaulted value or a ConfigError naming the file and each field, never another exception.
// Fixed seed and a bounded number of runs, so `npm test` is reproducible; the time per input is measured by
// `npm run bench -- hostile`, not asserted here.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '#shared/config';
import { loadScenarioFile, parseScenario } from '#shared/simulate';
import { fileText, mutated, VALID_CONFIG, VALID_SCENARIO } from '../../helpers/hostile-inputs.ts';

/** The seed the runs are drawn from: a failure found once is found again. */
const SEED = 16;

/** A clean refusal: ConfigError, at least one problem, each a one-line message, and no stack trace in the text. */
function assertCleanRefusal(e: unknown, file: string): void {
  if (!(e instanceof ConfigError)) throw e;
  expect(e.file).toBe(file);
  expect(e.problems.length).toBeGreaterThan(0);
  for (const p of e.problems) {
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.message).not.toMatch(/\n\s+at /);
  }
  expect(e.message).not.toMatch(/\n\s+at /);
}

describe('config loader: any input ends in a valid config or a clean ConfigError', () => {
  it('mutated config objects (parseConfig, as a TS config hands them over)', () => {
    fc.assert(
      fc.property(mutated(VALID_CONFIG), (raw) => {
        try {
          const config = parseConfig(raw, 'monitor.config.ts');
          // Valid: fully defaulted, exactly one check per dependency, a core dependency.
          for (const d of config.dependencies) expect(['http', 'tcp', 'dns', 'tls']).toContain(d.check.kind);
          expect(config.dependencies.some((d) => d.critical && d.tier === 'first-party')).toBe(true);
        } catch (e) {
          assertCleanRefusal(e, 'monitor.config.ts');
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  describe('files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'depmon-fuzz-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('config file text, as JSON and YAML (loadConfigFile)', async () => {
      await fc.assert(
        fc.asyncProperty(fileText(VALID_CONFIG), fc.constantFrom('json', 'yaml'), async (text, ext) => {
          const file = `monitor.config.${ext}`;
          await writeFile(path.join(dir, file), text);
          await loadConfigFile(file, dir).catch((e: unknown) => assertCleanRefusal(e, file));
        }),
        { seed: SEED, numRuns: 150 },
      );
    });

    it('scenario file text (loadScenarioFile)', async () => {
      await fc.assert(
        fc.asyncProperty(fileText(VALID_SCENARIO), fc.constantFrom('json', 'yaml'), async (text, ext) => {
          const file = `scenario.${ext}`;
          await writeFile(path.join(dir, file), text);
          await loadScenarioFile(file, dir).catch((e: unknown) => assertCleanRefusal(e, file));
        }),
        { seed: SEED, numRuns: 150 },
      );
    });
  });
});

describe('scenario loader: any input ends in a valid scenario or a clean ConfigError', () => {
  it('mutated scenario objects (parseScenario)', () => {
    fc.assert(
      fc.property(mutated(VALID_SCENARIO), (raw) => {
        try {
          const s = parseScenario(raw, 'kakao.yaml', '/tmp');
          for (const e of s.events) {
            expect(e.atSeconds).toBeLessThan(s.durationSeconds);
            if (e.state.kind === 'slow') expect(e.state.ms).toBeLessThanOrEqual(2 ** 31 - 1);
          }
          expect(Number.isNaN(s.start.getTime())).toBe(false);
        } catch (e) {
          assertCleanRefusal(e, 'kakao.yaml');
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
