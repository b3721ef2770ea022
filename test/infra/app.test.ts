import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'depmon-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the app as `cdk synth` does (the CLI passes its context in CDK_CONTEXT_JSON), without asset bundling. */
function synth(cwd: string, context: Record<string, unknown> = {}) {
  const outdir = path.join(cwd, 'out');
  const r = spawnSync(
    process.execPath,
    ['--conditions=depmon-source', '--import', TSX, path.join(ROOT, 'infra/app.ts')],
    {
      cwd,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
      },
      encoding: 'utf8',
    },
  );
  return { ...r, outdir };
}

const mini = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      tcp: { host: 'ledger.example', port: 1 },
    },
  ],
  ...extra,
});
/** A child-process synth loads aws-cdk-lib through tsx: 10 s of CPU, much longer on a shared machine. */
const SYNTH_TIMEOUT_MS = 240_000;

describe('infra/app.ts', () => {
  it(
    'prints a bad config as one clean message naming the file and field, and exits non-zero',
    () => {
      // Prepare: what `cdk synth -c config=bad.json` hands the app
      const bad = path.join(dir, 'bad.json');
      writeFileSync(
        bad,
        JSON.stringify({
          name: 'x',
          homeRegion: 'ap-northeast-2',
          probeRegions: ['mars-north-1'],
          dependencies: [
            { id: 'a', name: 'A', tier: 'first-party', critical: true, tcp: { host: 'a.example', port: 1 } },
          ],
        }),
      );
      // Act
      const r = synth(dir, { config: 'bad.json' });
      // Assess
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'bad.json: probeRegions[0]: expected an AWS region name such as "ap-northeast-2" (got "mars-north-1")\n',
      );
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'synthesizes monitor.config.json of the working directory, warns that its pages reach nobody, leaves no feature flag unset',
    () => {
      // Prepare: a config with no channels
      const project = path.join(dir, 'project');
      mkdirSync(project);
      writeFileSync(path.join(project, 'monitor.config.json'), JSON.stringify(mini('found')));
      // Act
      const r = synth(project);
      // Assess: the stacks are the found config's; one warning line; and the feature flag report (what the CDK
      // CLI counts for "N feature flags are not configured") leaves no flag unset whose default is not the
      // recommendation.
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe(
        'depmon: warning: monitor.config.json: channels: none configured, so every page reaches nobody (add channels; without routes, each gets every page)\n',
      );
      const manifest = JSON.parse(readFileSync(path.join(r.outdir, 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, { properties?: { templateFile?: string; flags?: object } }>;
      };
      // core-outage lives in the core stack (the home region's stacks: infra/home-region.ts).
      const core = Object.values(manifest.artifacts).find((a) =>
        a.properties?.templateFile?.includes('Core'),
      );
      expect(readFileSync(path.join(r.outdir, core!.properties!.templateFile!), 'utf8')).toContain(
        'found-core-outage',
      );
      const flags = manifest.artifacts['aws-cdk-lib/feature-flag-report']!.properties!.flags as Record<
        string,
        { userValue?: unknown; recommendedValue?: unknown; unconfiguredBehavesLike?: { v2?: unknown } }
      >;
      const unset = Object.entries(flags).filter(
        ([, f]) =>
          f.userValue === undefined && (f.unconfiguredBehavesLike?.v2 ?? false) !== f.recommendedValue,
      );
      expect(unset.map(([name]) => name)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'does not fall back to the bundled example: an empty folder is one line saying how to name a config',
    () => {
      // Prepare
      const empty = path.join(dir, 'empty');
      mkdirSync(empty);
      // Act
      const r = synth(empty);
      // Assess
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `depmon: cdk synth: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${empty}; name one with -c config=FILE\n`,
      );
    },
    SYNTH_TIMEOUT_MS,
  );
});
