// `depmon note INCIDENT "text"`: see respond.ts.
import type { CliIO } from '../main.ts';
import { type RespondDeps, runNote } from './respond.ts';

export const run = (args: string[], io: CliIO, deps: RespondDeps = {}) => runNote(args, io, deps);
