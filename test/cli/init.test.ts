// `depmon init` through main(): it writes the three files, never overwrites one, and the project it writes
// checks and simulates with no edits. (test/package.test.ts does the same from the packed, installed package,
// with `npx cdk synth`.)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INIT_FILES } from '../../cli/commands/init.ts';
import { depmon } from '../helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-init-'));
  // The written config imports "depmon": here, this checkout (its sources, by the depmon-source condition).
  await mkdir(path.join(dir, 'node_modules'));
  await symlink(ROOT, path.join(dir, 'node_modules/depmon'), 'dir');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('depmon init', () => {
  const project = () => path.join(dir, 'fresh');

  it('writes monitor.config.ts, cdk.json and the scenario into a new DIR, and says what to run next', async () => {
    // Act
    const r = await depmon(['init', 'fresh'], dir);
    // Assess
    expect(r.code, r.stderr).toBe(0);
    for (const file of INIT_FILES) expect(existsSync(path.join(project(), file)), file).toBe(true);
    expect(r.stdout).toContain(
      'wrote fresh/monitor.config.ts, fresh/cdk.json, fresh/scenarios/partner-outage.yaml',
    );
    expect(r.stdout).toContain('npx cdk synth');
    const config = await readFile(path.join(project(), 'monitor.config.ts'), 'utf8');
    expect(config).toMatch(/^import \{ defineMonitor \} from 'depmon';$/m);
    const cdk = JSON.parse(await readFile(path.join(project(), 'cdk.json'), 'utf8')) as { app: string };
    expect(cdk.app).toBe('npx depmon app');
  });

  it('writes hosts that are loopback or under .example only', async () => {
    // Act
    const config = await readFile(path.join(project(), 'monitor.config.ts'), 'utf8');
    const hosts = [...config.matchAll(/(?:https?:\/\/|@)([a-z0-9.-]+)/gi)].map((m) => m[1] as string);
    // Assess
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect(host, host).toMatch(/^127\.0\.0\.1$|\.example$/);
  });

  it('checks with no edits: every dependency reported, the .example one down, exit code by the contract', async () => {
    // Act
    const r = await depmon(['check', '--json'], project());
    // Assess
    const { results } = JSON.parse(r.stdout) as { results: { dependency: string; status: string }[] };
    expect(results.map((x) => x.dependency).sort()).toEqual(['core-api', 'payment-partner']);
    expect(results.find((x) => x.dependency === 'payment-partner')?.status).toBe('down');
    // The loopback one is down unless something on this machine answers 127.0.0.1:8080: 1 when any is down.
    expect(r.code).toBe(results.some((x) => x.status === 'down') ? 1 : 0);
  });

  it('simulates its scenario with no edits: one SEV2 partner page, then its resolution', async () => {
    // Act
    const r = await depmon(['simulate', 'scenarios/partner-outage.yaml', '--json'], project());
    // Assess
    expect(r.code, r.stderr).toBe(0);
    const { pages } = JSON.parse(r.stdout) as {
      pages: { kind: string; severity: string; dependencies: string[]; resolved: boolean }[];
    };
    expect(pages.map((p) => [p.kind, p.severity, p.dependencies, p.resolved])).toEqual([
      ['external-outage', 'SEV2', ['payment-partner'], false],
      ['external-outage', 'SEV2', ['payment-partner'], true],
    ]);
  }, 180_000);

  it('refuses to overwrite: names the file, exits 2 and writes nothing', async () => {
    // Prepare
    const target = path.join(dir, 'existing');
    await mkdir(target);
    await writeFile(path.join(target, 'cdk.json'), '{ "app": "mine" }\n');
    // Act
    const r = await depmon(['init', 'existing'], dir);
    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'depmon: init: existing/cdk.json already exists; init never overwrites a file (move it away, or name another DIR)\n',
    );
    expect(await readFile(path.join(target, 'cdk.json'), 'utf8')).toBe('{ "app": "mine" }\n');
    expect(existsSync(path.join(target, 'monitor.config.ts'))).toBe(false);
    expect(existsSync(path.join(target, 'scenarios'))).toBe(false);
  });

  it('refuses more than one DIR (exit 2)', async () => {
    // Act
    const r = await depmon(['init', 'a', 'b'], dir);
    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^depmon: init: expected at most one DIR/);
  });
});
