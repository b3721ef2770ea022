// Finding, reading and validating a monitor config file (.ts, .json, .yaml).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, problemsFromZod } from './errors.ts';
import { checkInputFile, plainData, readInputFile } from './read.ts';
import { type MonitorConfig, MonitorConfigSchema } from './schema.ts';

/** The names depmon looks for, in order, when no file is named. */
const CONFIG_FILE_NAMES = [
  'monitor.config.ts',
  'monitor.config.json',
  'monitor.config.yaml',
  'monitor.config.yml',
] as const;

export interface LoadedConfig {
  readonly config: MonitorConfig;
  /** The file it came from, as the user would name it (relative to cwd where possible). */
  readonly file: string;
}

/** Validates an already-read value. `file` only names the source in errors. */
export function parseConfig(input: unknown, file = 'config'): MonitorConfig {
  // A TS config is live code: read each value once, so a throwing getter names its field (no stack trace).
  const raw = plainData(input, file);
  // zod's own message for these ("expected object, received null") names no field and no fix.
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    const got =
      raw === null || raw === undefined ? 'an empty file' : Array.isArray(raw) ? 'a list' : typeof raw;
    throw new ConfigError(file, [
      {
        path: '',
        message: `expected a monitor config object with name, homeRegion, probeRegions and dependencies (got ${got})`,
      },
    ]);
  }
  const result = MonitorConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, problemsFromZod(result.error, undefined, raw));
  return result.data;
}

/** The config file in `cwd` by the default names, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const p = path.join(cwd, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Loads and validates a config file. `.ts`/`.mts`/`.js` files must default-export `defineMonitor({...})`
 * (TypeScript needs a TS-aware loader such as the depmon CLI's).
 */
export async function loadConfigFile(file: string, cwd = process.cwd()): Promise<LoadedConfig> {
  // An empty name (`--config ""`, `cdk synth -c config=`) would resolve to the working directory itself.
  if (file.trim() === '')
    throw new ConfigError('config', [{ path: '', message: 'expected a config file name, got an empty one' }]);
  const abs = path.resolve(cwd, file);
  const shown = path.relative(cwd, abs).startsWith('..') ? abs : path.relative(cwd, abs) || file;
  const raw = await readRaw(abs, shown);
  return { config: parseConfig(raw, shown), file: shown };
}

async function readRaw(abs: string, shown: string): Promise<unknown> {
  const ext = path.extname(abs).toLowerCase();
  await checkInputFile(abs, shown, 'config file');
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    const text = await readInputFile(abs, shown, 'config file');
    try {
      return ext === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new ConfigError(shown, [
        { path: '', message: `expected valid ${ext === '.json' ? 'JSON' : 'YAML'}${where}: ${msg}` },
      ]);
    }
  }
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
    } catch (e) {
      const message = `could not load the module: ${importFailure(e)}`;
      // `#shared/config` resolves only inside this repository; defineMonitor only adds types anyway.
      const hint = /Cannot find module '(#shared\/config|depmon)'/.test(message)
        ? 'outside the depmon repository, default-export the plain object: export default { name: ..., dependencies: [...] }'
        : undefined;
      throw new ConfigError(shown, [hint ? { path: '', message, hint } : { path: '', message }]);
    }
    if (mod.default === undefined) {
      throw new ConfigError(shown, [
        { path: '', message: 'expected a default export', hint: 'export default defineMonitor({ ... })' },
      ]);
    }
    return mod.default;
  }
  throw new ConfigError(shown, [
    { path: '', message: `expected a .ts, .json or .yaml file (got "${ext || 'no extension'}")` },
  ]);
}

/**
 * One line for a module that failed to load. A TypeScript syntax error's first line is only esbuild's
 * "Transform failed with 1 error:"; the line that says where and what comes after it.
 */
function importFailure(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).replace(/\u001b\[[0-9;]*m/g, '');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0] ?? 'unknown error';
  if (/^Transform failed with \d+ errors?:?$/.test(first) && lines[1]) return lines[1].trim();
  return first;
}
