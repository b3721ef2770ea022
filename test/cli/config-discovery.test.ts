// The one config discovery rule (README "Which config file"), command by command: the named file, else a
// scenario's `config:`, else monitor.config.* in the working directory, else one line saying so. The bundled
// example bank is never a silent fallback.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as timeline } from '../../cli/commands/timeline.ts';
import { awsError } from '../helpers/aws.ts';
import { Capture, depmon } from '../helpers/cli.ts';

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** DESIGN.md's minimal config with its own name, region and dependency id, so a test can tell which was used. */
const mini = (name: string, dep: string, port: number, homeRegion = 'ap-northeast-2') => ({
  name,
  homeRegion,
  probeRegions: ['ap-northeast-2'],
  channels: [{ id: 'oncall', type: 'email', address: 'oncall@corp.example' }],
  dependencies: [
    { id: dep, name: dep, tier: 'first-party', critical: true, tcp: { host: '127.0.0.1', port } },
  ],
});

let dir: string;
let empty: string;
let port: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-discovery-'));
  empty = await mkdtemp(path.join(tmpdir(), 'depmon-discovery-empty-'));
  port = await closedPort();
  await writeFile(
    path.join(dir, 'monitor.config.json'),
    JSON.stringify(mini('found', 'found-ledger', port, 'eu-west-3')),
  );
  await writeFile(path.join(dir, 'other.json'), JSON.stringify(mini('named', 'named-ledger', port)));
  await writeFile(path.join(dir, 'own.json'), JSON.stringify(mini('own', 'own-ledger', port)));
  // No config: of its own; its event names the discovered config's dependency.
  await writeFile(
    path.join(dir, 'plain.yaml'),
    'durationMinutes: 3\nevents:\n  - at: 1m\n    dependency: "*"\n    state: down\n',
  );
  await writeFile(
    path.join(dir, 'with-own.yaml'),
    'config: ./own.json\ndurationMinutes: 3\nevents:\n  - at: 1m\n    dependency: own-ledger\n    state: down\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

const missing = (command: string, where: string, extra = '') =>
  `depmon: ${command}: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${where}; name one with --config FILE${extra}\n`;

describe('depmon check', () => {
  it('uses monitor.config.json in the working directory, and --config over it', async () => {
    const found = await depmon(['check', '--json'], dir);
    const named = await depmon(['check', '--json', '--config', 'other.json'], dir);
    expect(JSON.parse(found.stdout).results.map((r: { dependency: string }) => r.dependency)).toEqual([
      'found-ledger',
    ]);
    expect(JSON.parse(named.stdout).results.map((r: { dependency: string }) => r.dependency)).toEqual([
      'named-ledger',
    ]);
  });
});

describe('depmon cost', () => {
  it('uses monitor.config.json in the working directory, and --config over it', async () => {
    const found = await depmon(['cost', '--json'], dir);
    const named = await depmon(['cost', '--json', '-c', 'other.json'], dir);
    expect([found.code, named.code]).toEqual([0, 0]);
    expect(JSON.parse(found.stdout).depmon.name).toBe('found');
    expect(JSON.parse(named.stdout).depmon.name).toBe('named');
  });
});

describe('depmon timeline', () => {
  const cw = mockClient(CloudWatchClient);
  const ddb = mockClient(DynamoDBClient);
  afterAll(() => {
    cw.restore();
    ddb.restore();
  });

  it('reads the AWS account of the config in the working directory (its home region)', async () => {
    // Prepare: every call denied, so the one-line error names the region the config chose.
    cw.onAnyCommand().rejects(awsError('AccessDenied', 'denied'));
    ddb.onAnyCommand().rejects(awsError('AccessDeniedException', 'denied'));
    const stdout = new Capture();
    const stderr = new Capture();
    // Act
    const code = await timeline(
      ['--from', '2026-11-25T06:00:00Z', '--to', '2026-11-25T07:00:00Z'],
      { stdout, stderr, cwd: dir, env: {} },
      {
        cloudwatch: new CloudWatchClient({ region: 'eu-west-3' }),
        dynamodb: new DynamoDBClient({ region: 'eu-west-3' }),
        now: () => new Date('2026-11-26T00:00:00Z'),
        sleep: async () => {},
      },
    );
    // Assess
    expect(code).toBe(2);
    expect(stderr.text).toMatch(/^depmon timeline: access denied for \S+ in eu-west-3: /);
  });
});

describe('depmon simulate', () => {
  const SIM_TIMEOUT_MS = 120_000;

  it(
    "runs a scenario without config: against the working directory's config, not the bundled bank",
    async () => {
      const r = await depmon(['simulate', 'plain.yaml', '--json'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).scenario.monitor).toBe('found');
    },
    SIM_TIMEOUT_MS,
  );

  it(
    "prefers the scenario's own config: to the working directory's, and --config to both",
    async () => {
      const own = await depmon(['simulate', 'with-own.yaml', '--json'], dir);
      const named = await depmon(['simulate', 'plain.yaml', '--json', '--config', 'other.json'], dir);
      expect(own.code, own.stderr).toBe(0);
      expect(named.code, named.stderr).toBe(0);
      expect(JSON.parse(own.stdout).scenario.monitor).toBe('own');
      expect(JSON.parse(named.stdout).scenario.monitor).toBe('named');
    },
    SIM_TIMEOUT_MS,
  );

  it('exits 2 in one line when neither the scenario nor the working directory names a config', async () => {
    await writeFile(path.join(empty, 'plain.yaml'), 'durationMinutes: 3\nevents: []\n');
    const r = await depmon(['simulate', 'plain.yaml'], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(missing('simulate', empty, ', or set config: in plain.yaml'));
  });
});
