// Reading config and scenario files defensively: only regular files (a named pipe would block the read forever,
// a device never ends), at most a size cap (a 20 MB YAML took 781 MB of memory), and values from a TS module
// copied into plain data first, so a getter that throws names its field instead of escaping as a stack trace.
import { open, stat } from 'node:fs/promises';
import { ConfigError } from './errors.ts';

/** Largest config or scenario file read: the bundled bank example is ~10 KB; 500 dependencies are ~300 KB. */
export const MAX_INPUT_FILE_BYTES = 2 * 1024 * 1024;
/** Deepest nesting copied out of a module's value (a config is at most ~6 levels deep). */
const MAX_DEPTH = 32;

/** What kind of file system object `s` is, in words, when it is not a regular file. */
function notRegular(s: Awaited<ReturnType<typeof stat>>): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Refuses anything but an existing regular file within the size cap; `what` names it ("config file"). */
export async function checkInputFile(
  abs: string,
  shown: string,
  what: string,
  notFound = 'file not found',
): Promise<void> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(shown, [
      {
        path: '',
        message: code === 'ENOENT' ? notFound : `could not read the ${what} (${code ?? String(e)})`,
      },
    ]);
  }
  const kind = notRegular(s);
  if (kind) throw new ConfigError(shown, [{ path: '', message: `expected a ${what}, got ${kind}` }]);
  if (s.size > MAX_INPUT_FILE_BYTES) throw tooLarge(shown, what);
}

function tooLarge(shown: string, what: string): ConfigError {
  return new ConfigError(shown, [
    { path: '', message: `expected a ${what} of at most ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB` },
  ]);
}

/**
 * The file's text, after checkInputFile, read through one descriptor up to the cap: files under /proc report a
 * size of 0 whatever they hold, so the cap is enforced on what is read, not on what stat said.
 */
export async function readInputFile(
  abs: string,
  shown: string,
  what: string,
  notFound?: string,
): Promise<string> {
  await checkInputFile(abs, shown, what, notFound);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(abs, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_INPUT_FILE_BYTES) throw tooLarge(shown, what);
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new ConfigError(shown, [{ path: '', message: `could not read the ${what} (${code})` }]);
  } finally {
    await fh?.close();
  }
}

/**
 * A deep copy of a module's exported value as plain data (objects, arrays, primitives), read once: a getter
 * or proxy trap that throws becomes a problem naming its field; a cycle or runaway depth is refused.
 */
export function plainData(raw: unknown, file: string): unknown {
  const seen = new Set<object>();
  const copy = (v: unknown, path: string, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const where = path || '(the default export)';
    if (depth > MAX_DEPTH)
      throw new ConfigError(file, [{ path, message: `expected at most ${MAX_DEPTH} levels of nesting` }]);
    if (seen.has(v))
      throw new ConfigError(file, [
        { path, message: 'expected plain data, found a reference back to a parent (a cycle)' },
      ]);
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        const n = read(() => v.length, where);
        return Array.from({ length: n }, (_, i) =>
          copy(
            read(() => v[i], `${path}[${i}]`),
            `${path}[${i}]`,
            depth + 1,
          ),
        );
      }
      const out: Record<string, unknown> = {};
      for (const k of read(() => Object.keys(v), where)) {
        const p = /^[A-Za-z_$][\w$-]*$/.test(k)
          ? path
            ? `${path}.${k}`
            : k
          : `${path}[${JSON.stringify(k)}]`;
        out[k] = copy(
          read(() => (v as Record<string, unknown>)[k], p),
          p,
          depth + 1,
        );
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  const read = <T>(get: () => T, path: string): T => {
    try {
      return get();
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const why = ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').slice(0, 200);
      throw new ConfigError(file, [
        { path, message: `could not read the value: evaluating it threw "${why}"` },
      ]);
    }
  };
  return copy(raw, '', 0);
}
