// `depmon simulate --jitter SEED` through main(): the flag runs CloudWatch's timing model and says so; a seed that
// is not a whole number in range is bad usage (exit 2, one line, no run).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { depmon } from '../helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SILENT = path.join(ROOT, 'examples/scenarios/region-silent.yaml');

describe('depmon simulate --jitter', () => {
  it('runs the scenario under the seeded timing model and names the seed in the notes', async () => {
    // Act
    const r = await depmon(['simulate', SILENT, '--json', '--jitter', '42'], ROOT);
    // Assess
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      notes: string[];
      pages: { kind: string; resolved: boolean }[];
      alarms: { atSeconds: number }[];
    };
    expect(doc.notes.some((n) => n.startsWith('CloudWatch timing model, seed 42:'))).toBe(true);
    expect(doc.pages.map((p) => [p.kind, p.resolved])).toEqual([
      ['monitor-blind', false],
      ['monitor-blind', true],
    ]);
    // Alarms run at their own second of the minute, not all on it.
    expect(doc.alarms.some((a) => a.atSeconds % 60 !== 0)).toBe(true);
  }, 120_000);

  for (const bad of ['-1', '1.5', 'abc', '4294967296']) {
    it(`refuses --jitter ${bad} as bad usage`, async () => {
      const r = await depmon(['simulate', SILENT, `--jitter=${bad}`], ROOT);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--jitter ${bad}: expected a whole number seed from 0 to 4294967295`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
