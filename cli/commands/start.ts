// `depmon start`: not built yet.
import type { CliIO } from '../main.ts';

export async function run(_args: string[], io: CliIO): Promise<number> {
  io.stderr.write('depmon start: not available yet\n');
  return 2;
}
