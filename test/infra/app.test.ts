import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'depmon-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('infra/app.ts', () => {
  it('prints a bad config as one clean message naming the file and field, and exits non-zero', () => {
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
    const r = spawnSync(
      process.execPath,
      ['--conditions=depmon-source', '--import', TSX, path.join(ROOT, 'infra/app.ts')],
      {
        cwd: dir,
        env: {
          ...process.env,
          CDK_OUTDIR: path.join(dir, 'out'),
          CDK_CONTEXT_JSON: JSON.stringify({ config: 'bad.json' }),
        },
        encoding: 'utf8',
      },
    );
    // Assess
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'bad.json: probeRegions[0]: expected an AWS region name such as "ap-northeast-2" (got "mars-north-1")\n',
    );
  });
});
