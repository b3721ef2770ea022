// Bad command-line usage: printed as one line on stderr, exit 2.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(`depmon: ${message}`);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>
>;

/** `node:util` parseArgs with its errors turned into UsageError. */
export function parseCliArgs<T extends Options>(
  args: string[],
  options: T,
  allowPositionals = false,
): Parsed<T> {
  try {
    return parseArgs({ args, options: options as T, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
