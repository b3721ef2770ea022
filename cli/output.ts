// Output files named on the command line (--report, --timeline, --out): checked before any work, written without
// surprises. Only a new file or an existing regular one is written (a named pipe would block the write forever);
// never an input of the same run (`--report scenario.yaml` would replace the scenario); missing folders are made
// one level at a time (Node's recursive mkdir spins at 100% CPU under /proc).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeParentDirs } from '#shared/timeline';
import { UsageError } from './usage.ts';

/** Kernel file systems: nothing depmon writes belongs there, and Node's mkdir loops on /proc. */
const KERNEL_FS = ['/proc', '/sys', '/dev'] as const;

export interface OutputCheck {
  /** Extensions the file must end in (lower case, with the dot). */
  readonly extensions?: readonly string[];
  /** Files this run reads (scenario, config): an output must not replace one. */
  readonly inputs?: readonly string[];
}

/** The path with symlinks resolved as far as it exists, so two spellings of one file compare equal. */
function canonical(abs: string): string {
  let dir = abs;
  const rest: string[] = [];
  while (!existsSync(dir) && dir !== path.dirname(dir)) {
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  try {
    return path.join(realpathSync(dir), ...rest);
  } catch {
    return abs;
  }
}

/**
 * Refuses an output path depmon cannot or must not write, as a UsageError (exit 2, one line naming the flag): a
 * wrong extension, a directory, a named pipe, device or socket, an input of this run, or a parent that exists but
 * is not a directory. A missing parent folder is created when writing.
 */
export function checkOutputFile(flag: string, file: string, cwd: string, opts: OutputCheck = {}): void {
  const abs = path.resolve(cwd, file);
  const ext = path.extname(abs).toLowerCase();
  if (existsSync(abs)) {
    const s = statSync(abs);
    if (s.isDirectory()) throw new UsageError(`${flag} ${file}: is a directory; expected a file name`);
    if (!s.isFile())
      throw new UsageError(
        `${flag} ${file}: is ${s.isFIFO() ? 'a named pipe' : s.isSocket() ? 'a socket' : 'a device'}; expected a regular file name`,
      );
  }
  if (opts.extensions && !opts.extensions.includes(ext))
    throw new UsageError(`${flag} ${file}: expected a file ending in ${opts.extensions.join(', ')}`);
  const target = canonical(abs);
  const kernel = KERNEL_FS.find((root) => target === root || target.startsWith(`${root}/`));
  if (kernel)
    throw new UsageError(
      `${flag} ${file}: is under ${kernel}, a kernel file system; expected a file on disk`,
    );
  for (const input of opts.inputs ?? []) {
    if (canonical(path.resolve(cwd, input)) === target)
      throw new UsageError(`${flag} ${file}: is an input of this run; expected a new file name`);
  }
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${file}: ${dir} is not a directory`);
      break;
    }
    if (dir === path.dirname(dir)) break;
  }
}

/** Creates the missing folders above `file` (one level at a time: see shared/timeline). */
export { makeParentDirs };

/** Writes an output file (creating its folder); a failure is one line naming the flag, not a stack trace. */
export async function writeOutput(flag: string, shown: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code =
      (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
    throw new UsageError(`${flag} ${shown}: could not write the file (${code})`);
  }
}

/** makeParentDirs, then the text. */
export async function writeTextFile(file: string, text: string): Promise<void> {
  await makeParentDirs(file);
  await writeFile(file, text, 'utf8');
}
