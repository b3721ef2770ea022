// Scenario files (DESIGN.md "Scenario file"): parsing, validation against the monitor config, and the state
// of every dependency in every probe region at a moment of the scenario.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem, type MonitorConfig, problemsFromZod } from '#shared/config';

/** What a dependency does in one probe region at one moment. */
export type StandInState =
  | { readonly kind: 'up' }
  | { readonly kind: 'down' }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'status'; readonly code: number }
  | { readonly kind: 'silent' };

export interface ScenarioEvent {
  /** Seconds from the scenario's start. */
  readonly atSeconds: number;
  readonly dependency: string;
  readonly regions: 'all' | readonly string[];
  readonly state: StandInState;
  /** The state as written, for messages. */
  readonly stateText: string;
}

export interface Scenario {
  /** The scenario file as shown in messages. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  /** Absolute path of the config file, or undefined for the bundled example. */
  readonly configFile?: string;
  readonly durationSeconds: number;
  /** The virtual clock's origin. */
  readonly start: Date;
  readonly events: readonly ScenarioEvent[];
}

/** Scenarios default to a fixed, reproducible start (a Saturday afternoon in Korea, no maintenance window). */
export const DEFAULT_SCENARIO_START = '2026-10-17T06:00:00Z';
/** Longest scenario: a week of virtual time. */
export const MAX_SCENARIO_MINUTES = 7 * 24 * 60;

const OFFSET_RE = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const STATE_RE = /^(up|down|silent|slow:(\d+(?:\.\d+)?)(ms|s)|status:([1-5]\d\d))$/;

/** `30s`, `5m`, `1h`, `1h30m` → seconds; undefined when malformed. */
export function parseOffset(text: string): number | undefined {
  const m = OFFSET_RE.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function parseState(text: string): StandInState | undefined {
  const m = STATE_RE.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === 'up' || m[1] === 'down' || m[1] === 'silent') return { kind: m[1] };
  if (m[2] !== undefined) return { kind: 'slow', ms: Math.round(Number(m[2]) * (m[3] === 's' ? 1000 : 1)) };
  return { kind: 'status', code: Number(m[4]) };
}

/** An unknown key in a scenario points at the scenario's reference, not the config's. */
const SCENARIO_KEY_HINT = 'check the spelling against "Scenario format" in README.md';

const EventSchema = z.strictObject({
  at: z
    .string({ error: 'expected an offset such as "30s", "5m" or "1h"' })
    .refine((s) => parseOffset(s) !== undefined, {
      error: 'expected an offset such as "30s", "5m", "1h" or "1h30m"',
    }),
  dependency: z.string({ error: 'expected a dependency id, or "*" for every dependency' }),
  regions: z
    .union(
      [
        z.literal('all'),
        z.array(z.string()).min(1, { error: 'expected at least one probe region, or "all"' }),
      ],
      {
        error: 'expected "all" or a list of probe regions',
      },
    )
    .default('all'),
  state: z
    .string({ error: 'expected up, down, slow:2500ms, status:503 or silent' })
    .refine((s) => parseState(s) !== undefined, {
      error: (iss) =>
        `expected up, down, slow:2500ms, status:503 or silent (got ${JSON.stringify(iss.input)})`,
    }),
});

const ScenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  config: z
    .string({ error: 'expected a path to a monitor config, relative to the scenario file' })
    .optional(),
  durationMinutes: z
    .number({ error: 'expected durationMinutes as a number of minutes' })
    .int({ error: 'expected whole minutes' })
    .min(1, { error: 'expected at least 1 minute' })
    .max(MAX_SCENARIO_MINUTES, { error: `expected at most ${MAX_SCENARIO_MINUTES} minutes (a week)` }),
  start: z.iso
    .datetime({ offset: true, error: 'expected an ISO 8601 time such as "2022-10-15T06:19:00Z"' })
    .optional(),
  events: z.array(EventSchema, { error: 'expected a list of events' }).default([]),
});

/** Reads and checks the file's own shape; the config-dependent checks come in `checkScenario`. */
export async function loadScenarioFile(file: string, cwd = process.cwd()): Promise<Scenario> {
  const abs = path.resolve(cwd, file);
  const shown = path.relative(cwd, abs).startsWith('..') ? abs : path.relative(cwd, abs);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'scenario file not found'
        : code === 'EISDIR'
          ? 'expected a scenario file, got a directory'
          : `could not read the scenario file (${code ?? String(e)})`;
    throw new ConfigError(shown, [{ path: '', message }]);
  }
  let raw: unknown;
  try {
    raw = abs.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const msg = e instanceof Error ? (e.message.split('\n')[0] as string) : String(e);
    throw new ConfigError(shown, [
      { path: '', message: `expected valid ${abs.endsWith('.json') ? 'JSON' : 'YAML'}: ${msg}` },
    ]);
  }
  return parseScenario(raw, shown, path.dirname(abs));
}

/** Validates an already-read scenario; `dir` resolves its `config`. */
export function parseScenario(raw: unknown, file: string, dir: string): Scenario {
  // zod's own message for these ("expected object, received null") names no field and no fix.
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    const got =
      raw === null || raw === undefined ? 'an empty file' : Array.isArray(raw) ? 'a list' : typeof raw;
    throw new ConfigError(file, [
      { path: '', message: `expected a scenario with durationMinutes and events (got ${got})` },
    ]);
  }
  const r = ScenarioSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(file, problemsFromZod(r.error, SCENARIO_KEY_HINT, raw));
  const s = r.data;
  const durationSeconds = s.durationMinutes * 60;
  const problems: ConfigProblem[] = [];
  const events = s.events.map((e, i): ScenarioEvent => {
    const atSeconds = parseOffset(e.at) as number;
    const state = parseState(e.state) as StandInState;
    if (atSeconds >= durationSeconds)
      problems.push({
        path: `events[${i}].at`,
        message: `expected an offset within durationMinutes (${s.durationMinutes}m), got "${e.at}"`,
      });
    if (state.kind === 'silent' && e.dependency !== '*')
      problems.push({
        path: `events[${i}].dependency`,
        message: 'expected "*" with state silent: a silent probe region reports nothing for any dependency',
      });
    return { atSeconds, dependency: e.dependency, regions: e.regions, state, stateText: e.state };
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  const base = path.basename(file).replace(/\.(ya?ml|json)$/, '');
  return {
    file,
    name: s.name ?? base,
    ...(s.description ? { description: s.description } : {}),
    ...(s.config ? { configFile: path.resolve(dir, s.config) } : {}),
    durationSeconds,
    start: new Date(s.start ?? DEFAULT_SCENARIO_START),
    events: [...events].sort((a, b) => a.atSeconds - b.atSeconds),
  };
}

/** Checks the events against the config: dependency ids and probe regions that exist. */
export function checkScenario(scenario: Scenario, config: MonitorConfig): void {
  const ids = new Set(config.dependencies.map((d) => d.id));
  const problems: ConfigProblem[] = [];
  scenario.events.forEach((e, i) => {
    if (e.dependency !== '*' && !ids.has(e.dependency))
      problems.push({
        path: `events[${i}].dependency`,
        message: `expected a dependency id of the config or "*", got "${e.dependency}"`,
        hint: `ids: ${[...ids].join(', ')}`,
      });
    if (e.regions !== 'all')
      e.regions.forEach((r, j) => {
        if (!config.probeRegions.includes(r))
          problems.push({
            path: `events[${i}].regions[${j}]`,
            message: `expected one of the config's probe regions (${config.probeRegions.join(', ')}), got "${r}"`,
          });
      });
  });
  if (problems.length > 0) throw new ConfigError(scenario.file, problems);
}

/** The state of `dependency` in `region` at `atSeconds`: the latest event that covers it, else up. */
export function stateAt(
  scenario: Scenario,
  dependency: string,
  region: string,
  atSeconds: number,
): StandInState {
  let state: StandInState = { kind: 'up' };
  for (const e of scenario.events) {
    if (e.atSeconds > atSeconds) break;
    if (e.state.kind === 'silent') continue;
    if (e.dependency !== '*' && e.dependency !== dependency) continue;
    if (e.regions !== 'all' && !e.regions.includes(region)) continue;
    state = e.state;
  }
  return state;
}

/** Whether a probe region reports at all at `atSeconds` (a later `up` for "*" in that region ends silence). */
export function regionSilentAt(scenario: Scenario, region: string, atSeconds: number): boolean {
  let silent = false;
  for (const e of scenario.events) {
    if (e.atSeconds > atSeconds) break;
    if (e.dependency !== '*') continue;
    if (e.regions !== 'all' && !e.regions.includes(region)) continue;
    silent = e.state.kind === 'silent';
  }
  return silent;
}
