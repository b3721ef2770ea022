// The code the bench measures: by default the last commit (HEAD), extracted with `git archive` into
// bench/out/head, so other work in progress in the tree cannot skew or break a run. BENCH_TREE=worktree
// measures the working tree instead (for iterating on the engine).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { OUT_DIR, ROOT } from './machine.ts';

export interface Tree {
  /** Root of the measured source: ROOT itself, or the extracted commit. */
  readonly root: string;
  /** "HEAD abc1234" or "working tree at abc1234 (uncommitted changes in …)". */
  readonly label: string;
}

const PATHS = ['shared', 'aws', 'functions', 'infra', 'package.json', 'package-lock.json', 'tsconfig.json'];
let tree: Tree | undefined;

const git = (...args: string[]) =>
  execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** What `depmon simulate` runs: the repository itself, described by its commit and any uncommitted changes. */
export function workingTreeLabel(): string {
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'shared', 'functions', 'infra', 'cli')
    .split('\n')
    .filter(Boolean);
  return `the working tree at ${commit}${dirty.length > 0 ? ` (${dirty.length} uncommitted changes in shared/, functions/, infra/, cli/)` : ''}`;
}

export function measuredTree(): Tree {
  if (tree) return tree;
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'shared', 'functions', 'infra')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  if (process.env.BENCH_TREE === 'worktree') {
    tree = {
      root: ROOT,
      label: `the working tree at ${commit}${dirty.length > 0 ? ` with uncommitted changes in ${dirty.join(', ')}` : ''}`,
    };
    return tree;
  }
  const root = path.join(OUT_DIR, 'head');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive HEAD ${PATHS.join(' ')} | tar -x -C "${root}"`]);
  // The engine child lives beside the extracted source, so `#shared/*` resolves to the commit's shared/.
  mkdirSync(path.join(root, 'bench'), { recursive: true });
  copyFileSync(path.join(ROOT, 'bench/lib/engine-child.ts'), path.join(root, 'bench/engine-child.ts'));
  tree = { root, label: `commit ${commit} (HEAD)` };
  return tree;
}

/** Path of the engine child entry inside the measured tree. */
export function engineChildEntry(t: Tree): string {
  return t.root === ROOT
    ? path.join(ROOT, 'bench/lib/engine-child.ts')
    : path.join(t.root, 'bench/engine-child.ts');
}
