// The house rule "no function over 60 lines in production code" (shared/ functions/ infra/ cli/ aws/), held by
// tools/long-functions.mjs run as a developer would run it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOOL = join(import.meta.dirname, '../../tools/long-functions.mjs');
const ROOT = join(import.meta.dirname, '../..');

interface Long {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function run(args: string[], cwd = ROOT): { status: number | null; long: Long[] } {
  const r = spawnSync(process.execPath, [TOOL, '--json', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, long: (JSON.parse(r.stdout) as { functions: Long[] }).functions };
}

describe('long functions', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'depmon-long-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  beforeAll(() => {
    // Prepare (shared): 60 lines is the limit, 61 is over; the comment on lines 1-2 does not count. Lines: atLimit
    // 3-62, over 63-123, Stack 124-187 (build 125-186), outer 188-251 (inner 189-249).
    const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `  x += ${i};`).join('\n');
    const dir = join(scratch, 'src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'a.ts'),
      [
        '// a comment\n// another',
        `export function atLimit(x: number) {\n${body(60)}\n}`,
        `export function over(x: number) {\n${body(61)}\n}`,
        `class Stack {\n  build(x: number) {\n${body(62)}\n  }\n}`,
        `export function outer() {\n  const inner = (x: number) => {\n${body(61)}\n  };\n  return inner;\n}`,
      ].join('\n'),
    );
  });

  it('no production function is over 60 lines', () => {
    // Act
    const { status, long } = run([]);
    // Assess
    expect(
      long.map((f) => `${f.file}:${f.line} ${f.name} ${f.lines} lines`),
      'split these into named steps',
    ).toEqual([]);
    expect(status).toBe(0);
  });

  it('counts a function from its first token to its closing brace, methods and nested arrows included', () => {
    // Act
    const { status, long } = run(['src'], scratch);
    // Assess
    expect(status).toBe(1);
    expect(long.map((f) => [f.name, f.lines, f.line])).toEqual([
      ['outer', 64, 188],
      ['Stack.build', 62, 125],
      ['over', 61, 63],
      ['outer › inner', 61, 189],
    ]);
  });

  it('exits 0 when nothing is over and 2 on a bad flag', () => {
    // Act
    const clean = spawnSync(process.execPath, [TOOL, '--max', '1000', 'src'], {
      cwd: scratch,
      encoding: 'utf8',
    });
    const bad = spawnSync(process.execPath, [TOOL, '--max', 'x'], { cwd: ROOT, encoding: 'utf8' });
    // Assess
    expect([clean.status, clean.stdout]).toEqual([0, '']);
    expect([bad.status, bad.stderr.trim()]).toEqual([
      2,
      '--max: expected a whole number of lines, 1 or more',
    ]);
  });
});
