// `npm run bench`'s contract when a section cannot run: the command fails (exit 1) with one line naming the
// section and why, and bench/RESULTS.md stays as it was (a half run never replaces published figures).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESULTS = path.join(ROOT, 'bench/RESULTS.md');

describe('npm run bench', () => {
  it('fails a section that cannot run: exit 1, one line saying why, RESULTS.md untouched', () => {
    // Prepare: the coldstart section's baseline names no commit (BENCH_TREE=worktree: nothing is extracted first)
    const before = readFileSync(RESULTS, 'utf8');
    // Act
    const run = spawnSync(
      process.execPath,
      ['--conditions=depmon-source', '--import', 'tsx', 'bench/run.ts', 'coldstart'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, BENCH_TREE: 'worktree', BENCH_COLDSTART_BASE: 'no-such-ref-for-the-test' },
      },
    );
    // Assess
    expect(run.status).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('[bench coldstart]'));
    expect(lines).toEqual([
      'bench: section coldstart could not run: baseline no-such-ref-for-the-test (BENCH_COLDSTART_BASE) is not a commit in this repository',
      'bench: bench/RESULTS.md left as it was',
    ]);
    expect(readFileSync(RESULTS, 'utf8')).toBe(before);
  });
});
