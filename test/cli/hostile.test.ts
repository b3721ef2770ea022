// Bad command-line input (issue 16): every case ends with exit 2 and one line naming the file and field or the
// flag, never a stack trace, never a hang (named pipes, /proc targets, the run's own inputs as outputs,
// impossible dates, endless windows, a timer-overflowing slow state, a TS config whose getter throws).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depmon } from '../helpers/cli.ts';

const CONFIG = {
  name: 'mini',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      http: { url: 'http://127.0.0.1:9/' },
    },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-hostile-cli-'));
  await writeFile(path.join(dir, 'monitor.config.json'), JSON.stringify(CONFIG));
  await writeFile(
    path.join(dir, 'blip.json'),
    JSON.stringify({ config: './monitor.config.json', durationMinutes: 2, events: [] }),
  );
  execFileSync('mkfifo', [
    path.join(dir, 'pipe.json'),
    path.join(dir, 'pipe.yaml'),
    path.join(dir, 'out.html'),
  ]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('inputs that used to hang, crash or be misread are refused with exit 2 and one line', () => {
  it.each([
    [['check', '--config', 'pipe.json'], 'pipe.json: expected a config file, got a named pipe\n'],
    [['simulate', 'pipe.yaml'], 'pipe.yaml: expected a scenario file, got a named pipe\n'],
    [['check', '--config', '/dev/zero'], '/dev/zero: expected a config file, got a device\n'],
    [
      ['simulate', 'blip.json', '--report', '/proc/self/nope/report.html'],
      'depmon: --report /proc/self/nope/report.html: is under /proc, a kernel file system; expected a file on disk\n',
    ],
    [
      ['simulate', 'blip.json', '--timeline', 'blip.json'],
      'depmon: --timeline blip.json: is an input of this run; expected a new file name\n',
    ],
    [
      ['simulate', 'blip.json', '--timeline', './monitor.config.json'],
      'depmon: --timeline ./monitor.config.json: is an input of this run; expected a new file name\n',
    ],
    [
      ['simulate', 'blip.json', '--report', 'blip.json'],
      'depmon: --report blip.json: expected a file ending in .html, .htm\n',
    ],
    [
      ['simulate', 'blip.json', '--report', 'out.html'],
      'depmon: --report out.html: is a named pipe; expected a regular file name\n',
    ],
    [
      ['start', '--report', '/proc/1/x/report.html'],
      'depmon: --report /proc/1/x/report.html: is under /proc, a kernel file system; expected a file on disk\n',
    ],
    [
      ['start', '--report', 'out.html'],
      'depmon: --report out.html: is a named pipe; expected a regular file name\n',
    ],
    [
      ['timeline', '--from', '0000-01-01T00:00:00Z', '--to', '2026-10-15T00:00:00Z'],
      'depmon: --to: expected at most 31 days after --from (an incident account; split a longer period)\n',
    ],
    [
      ['timeline', '--from', '2026-02-30T00:00:00Z', '--to', '2026-03-02T00:00:00Z'],
      'depmon: --from: expected an ISO 8601 time with Z or an offset, e.g. 2022-10-15T15:00:00+09:00 (got "2026-02-30T00:00:00Z")\n',
    ],
    [
      ['timeline', '--from', '2026-10-15T00:00:00Z', '--to', '2026-10-15T24:00:00Z'],
      'depmon: --to: expected an ISO 8601 time with Z or an offset, e.g. 2022-10-15T15:00:00+09:00 (got "2026-10-15T24:00:00Z")\n',
    ],
    [
      [
        'timeline',
        '--from',
        '2026-10-15T00:00:00Z',
        '--to',
        '2026-10-15T01:00:00Z',
        '--out',
        'monitor.config.json',
      ],
      'depmon: --out monitor.config.json: is an input of this run; expected a new file name\n',
    ],
    [
      [
        'timeline',
        '--from',
        '2026-10-15T00:00:00Z',
        '--to',
        '2026-10-15T01:00:00Z',
        '--out',
        '/proc/self/x/a.md',
      ],
      'depmon: --out /proc/self/x/a.md: is under /proc, a kernel file system; expected a file on disk\n',
    ],
  ])('depmon %j', async (args, stderr) => {
    // Act
    const r = await depmon(args, dir);
    // Assess
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr });
  });

  it('the inputs named as outputs are left as they were', async () => {
    expect(JSON.parse(await readFile(path.join(dir, 'blip.json'), 'utf8'))).toMatchObject({
      durationMinutes: 2,
    });
    expect(JSON.parse(await readFile(path.join(dir, 'monitor.config.json'), 'utf8'))).toEqual(CONFIG);
  });

  it('slow:3000000s (past the timer limit, it fired at once and read as up) is refused', async () => {
    await writeFile(
      path.join(dir, 'glacial.yaml'),
      'config: ./monitor.config.json\ndurationMinutes: 5\nevents:\n  - at: 1m\n    dependency: ledger\n    state: slow:3000000s\n',
    );
    const r = await depmon(['simulate', 'glacial.yaml'], dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr:
        'glacial.yaml: events[0].state: expected a slow answer of at most 3600s (slower only times out the same), got "slow:3000000s"\n',
    });
  });

  it('a TS config whose getter throws names the field: exit 2, not a zod stack trace and exit 1', async () => {
    await writeFile(
      path.join(dir, 'getter.config.ts'),
      `const dep = { id: 'ledger', name: 'Ledger', tier: 'first-party', critical: true, get http() { throw new Error('LEDGER_URL is not set'); } };
export default { name: 'mini', homeRegion: 'ap-northeast-2', probeRegions: ['ap-northeast-2'], dependencies: [dep] };
`,
    );
    const r = await depmon(['check', '--config', 'getter.config.ts'], dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr:
        'getter.config.ts: dependencies[0].http: could not read the value: evaluating it threw "LEDGER_URL is not set"\n',
    });
  });
});
