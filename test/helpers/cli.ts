// Running the depmon CLI in-process for tests: main() with captured stdout and stderr.
import { Writable } from 'node:stream';
import { type CliIO, main } from '../../cli/main.ts';

/** A stream that keeps what was written to it; `isTTY` makes it pass for a terminal. */
export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `depmon ARGS` in `cwd` with an empty environment; returns the exit code and both outputs. */
export async function depmon(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIO = { stdout, stderr, cwd, env: {} };
  const code = await main(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
