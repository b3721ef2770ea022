// `depmon init [DIR]`: a starting project (a commented monitor.config.ts, a cdk.json whose app deploys it, a
// partner-outage scenario) that checks, simulates and synthesizes with no edits. It never overwrites a file.
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../main.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

const USAGE = `Usage: depmon init [DIR]

Writes a starting depmon project into DIR (default: the working directory, created if missing):
  monitor.config.ts               the monitor config, commented: two dependencies, one on-call channel
  cdk.json                        the CDK app: npx cdk synth / npx cdk deploy build and ship the stacks
  scenarios/partner-outage.yaml   a rehearsal: npx depmon simulate scenarios/partner-outage.yaml

Its hosts are loopback or under .example: a fresh project's depmon check reports both dependencies down
(exit 1) until you point them at your services. An existing file is never overwritten (exit 2).
`;

/** The files init writes, relative to DIR; their templates have the same paths under templates/init/. */
export const INIT_FILES = ['monitor.config.ts', 'cdk.json', 'scenarios/partner-outage.yaml'] as const;

// cli/commands/ in the repository, dist/cli/commands/ in the installed package; templates/ sits at the root.
const TEMPLATES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.js') ? '../../..' : '../..',
  'templates/init',
);

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    { help: { type: 'boolean', short: 'h', default: false } },
    true,
  );
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`init: expected at most one DIR\n\n${USAGE}`);
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  const shown = (file: string) => path.relative(io.cwd, path.join(dir, file)) || file;

  // All checked before anything is written: a half-written project would be worse than none.
  const existing = INIT_FILES.filter((file) => existsSync(path.join(dir, file)));
  if (existing.length > 0) {
    const names = existing.map(shown).join(', ');
    throw new UsageError(
      `init: ${names} already ${existing.length === 1 ? 'exists' : 'exist'}; init never overwrites a file (move ${existing.length === 1 ? 'it' : 'them'} away, or name another DIR)`,
    );
  }
  for (const file of INIT_FILES) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    // COPYFILE_EXCL: a file that appeared since the check above is still not overwritten.
    await copyFile(path.join(TEMPLATES, file), path.join(dir, file), 1);
  }

  const cd = path.relative(io.cwd, dir);
  io.stdout.write(
    [
      `depmon init: wrote ${INIT_FILES.map(shown).join(', ')}`,
      '',
      'Next:',
      ...(cd ? [`  cd ${cd}`] : []),
      '  npx depmon check                                    both dependencies show down (exit 1) until you point',
      '                                                      monitor.config.ts at your own hosts',
      '  npx depmon simulate scenarios/partner-outage.yaml   one SEV2 page for the partner, then its resolution',
      '  npx cdk synth                                       the stacks; npx cdk deploy ships them',
      '',
    ].join('\n'),
  );
  return 0;
}
