// `depmon simulate` runs only on what `cdk synth` emits: when the home stack cannot be synthesized, it exits 2
// with one line saying so and why, rather than simulating some other rendering of the alarms.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliIO, main } from '../../cli/main.ts';
import { Capture } from '../helpers/cli.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('depmon simulate when synth fails', () => {
  it('exits 2 with one message naming the stack that cannot be synthesized and why', async () => {
    // Prepare: 500 partner APIs of one group: their down alarms and the group's composite share one alarm stack
    // (a composite lives with the alarms it names), past what one CloudFormation stack may hold.
    const dir = await mkdtemp(path.join(tmpdir(), 'depmon-synth-'));
    dirs.push(dir);
    const partners = Array.from({ length: 500 }, (_, i) => ({
      id: `partner-${i}`,
      name: `Partner ${i}`,
      tier: 'third-party',
      group: 'vendor',
      tcp: { host: '127.0.0.1', port: 9000 + i },
    }));
    const config = {
      name: 'wide',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      dependencies: [
        {
          id: 'ledger',
          name: 'Ledger',
          tier: 'first-party',
          critical: true,
          tcp: { host: '127.0.0.1', port: 8999 },
        },
        ...partners,
      ],
    };
    await writeFile(path.join(dir, 'wide.json'), JSON.stringify(config));
    await writeFile(path.join(dir, 'outage.yaml'), 'config: ./wide.json\ndurationMinutes: 5\nevents: []\n');
    const stdout = new Capture();
    const stderr = new Capture();
    const io: CliIO = { stdout, stderr, cwd: dir, env: {} };
    // Act
    const code = await main(['simulate', 'outage.yaml'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr.text).toMatch(
      /^wide\.json: dependencies: stack depmon-wide-alarms-\d+ would hold \d+ resources \(\d+ alarms\); depmon keeps a stack within 480 of CloudFormation's 500\n {2}Hint: deploy with more alarm stacks[^\n]*\n$/,
    );
    expect(stdout.text).toBe('');
  }, 120_000);
});
