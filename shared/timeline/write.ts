// Writes an account to a file in the format its extension names (.md, .html, .csv, .json).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatForFile, renderTimeline } from './render.ts';
import type { Account } from './types.ts';

/** A file name whose extension is not one depmon writes. */
export class TimelineFormatError extends Error {
  constructor(readonly file: string) {
    super(`${file}: expected a file ending in .md, .html, .csv or .json`);
    this.name = 'TimelineFormatError';
  }
}

/** Renders `account` in the format `file`'s extension names and writes it (creating its folder). */
export async function writeTimeline(account: Account, file: string): Promise<void> {
  const format = formatForFile(file);
  if (!format) throw new TimelineFormatError(file);
  const text = renderTimeline(account, format);
  await makeParentDirs(file);
  await writeFile(file, text, 'utf8');
}

/** Creates the missing folders above `file`, one level at a time from the nearest existing one: Node's recursive
 *  mkdir spins at 100% CPU under /proc. The CLI's other output files use it too. */
export async function makeParentDirs(file: string): Promise<void> {
  const missing: string[] = [];
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(dir) && dir !== path.dirname(dir)) {
    missing.unshift(dir);
    dir = path.dirname(dir);
  }
  for (const d of missing) await mkdir(d);
}
