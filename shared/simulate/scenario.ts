// Scenario files (DESIGN.md "Scenario file"): parsing, validation against the monitor config, and the state
// of every dependency in every probe region at a moment of the scenario.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  ConfigError,
  type ConfigProblem,
  type MonitorConfig,
  plainData,
  problemsFromZod,
  readInputFile,
} from '#shared/config';
import { MAX_NOTE_CHARS } from '#shared/pages';

/** What a dependency does in one probe region at one moment. */
export type StandInState =
  | { readonly kind: 'up' }
  | { readonly kind: 'down' }
  /** Answers after `ms` (of the scenario's time: a constant delay is probed once and holds, see the runner). */
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'status'; readonly code: number }
  /** The probe region reports nothing at all (its function failed). Only with dependency "*". */
  | { readonly kind: 'silent' }
  /** The probe region's own egress check fails: it abstains (heartbeat 0, no votes). Only with dependency "*". */
  | { readonly kind: 'egress-down' }
  /** `lost` of `of` resolved addresses refuse connections (an http check with allAddresses). */
  | { readonly kind: 'addresses-lost'; readonly lost: number; readonly of: number }
  /** The served certificate expires at this offset of the scenario (tls and https checks). */
  | { readonly kind: 'cert-expires'; readonly atSeconds: number }
  /** The expected status, with a body that fails the check's body or JSON assertions. */
  | { readonly kind: 'wrong-body' };

export interface ScenarioEvent {
  /** Seconds from the scenario's start. */
  readonly atSeconds: number;
  readonly dependency: string;
  readonly regions: 'all' | readonly string[];
  readonly state: StandInState;
  /** The state as written, for messages. */
  readonly stateText: string;
}

/** On-call's scripted response: an acknowledgement or a note of an action, at an offset. */
export interface ScenarioResponse {
  readonly atSeconds: number;
  readonly by: string;
  readonly kind: 'ack' | 'note';
  /** A note's text. */
  readonly text?: string;
}

export interface Scenario {
  /** The scenario file as shown in messages. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  /** Absolute path of its `config:`, or undefined: the command uses the discovered config (README "Which config file"). */
  readonly configFile?: string;
  readonly durationSeconds: number;
  /** The virtual clock's origin. */
  readonly start: Date;
  readonly events: readonly ScenarioEvent[];
  /** On-call's response, in time order. */
  readonly response: readonly ScenarioResponse[];
}

/** Scenarios default to a fixed, reproducible start (a Saturday afternoon in Korea, no maintenance window). */
export const DEFAULT_SCENARIO_START = '2026-10-17T06:00:00Z';
/** Longest scenario: a week of virtual time. */
export const MAX_SCENARIO_MINUTES = 7 * 24 * 60;

/** Most addresses an `addresses-lost` stand-in serves (one loopback address each, 127.0.0.1 up). */
export const MAX_STAND_IN_ADDRESSES = 8;

const OFFSET_RE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const STATE_RE =
  /^(up|down|silent|egress-down|wrong-body|slow:(\d+(?:\.\d+)?)(ms|s)|status:([1-5]\d\d)|addresses-lost:(\d+)\/(\d+)|cert-expires:(\S+))$/;
/** Every state a scenario may name, for messages. */
export const STATE_FORMS =
  'up, down, slow:2500ms, status:503, wrong-body, addresses-lost:1/2, cert-expires:2h, silent or egress-down';

/** `30s`, `5m`, `1h`, `1h30m`, `2d` → seconds; undefined when malformed. */
export function parseOffset(text: string): number | undefined {
  const m = OFFSET_RE.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

export function parseState(text: string): StandInState | undefined {
  const m = STATE_RE.exec(text.trim());
  if (!m) return undefined;
  const word = m[1];
  if (
    word === 'up' ||
    word === 'down' ||
    word === 'silent' ||
    word === 'egress-down' ||
    word === 'wrong-body'
  )
    return { kind: word };
  if (m[2] !== undefined) return { kind: 'slow', ms: Math.round(Number(m[2]) * (m[3] === 's' ? 1000 : 1)) };
  if (m[4] !== undefined) return { kind: 'status', code: Number(m[4]) };
  if (m[5] !== undefined) return { kind: 'addresses-lost', lost: Number(m[5]), of: Number(m[6]) };
  const at = parseOffset(m[7] ?? '');
  return at === undefined ? undefined : { kind: 'cert-expires', atSeconds: at };
}

/** What is impossible about a state on its own (a delay no timer can wait, more addresses lost than served). */
function stateProblem(st: StandInState, text: string): string | undefined {
  if (
    st.kind === 'addresses-lost' &&
    (st.of < 2 || st.of > MAX_STAND_IN_ADDRESSES || st.lost < 1 || st.lost > st.of)
  )
    return `expected addresses-lost:LOST/OF with 2 <= OF <= ${MAX_STAND_IN_ADDRESSES} and 1 <= LOST <= OF, got "${text}"`;
  return undefined;
}

/** Whether a state is about the probe region itself (every dependency), not one dependency. */
export const isRegionState = (st: StandInState) => st.kind === 'silent' || st.kind === 'egress-down';

/** An unknown key in a scenario points at the scenario's reference, not the config's. */
const SCENARIO_KEY_HINT = 'check the spelling against "Scenario format" in docs/simulate.md';

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
  state: z.string({ error: `expected one of ${STATE_FORMS}` }).refine((s) => parseState(s) !== undefined, {
    error: (iss) => `expected one of ${STATE_FORMS} (got ${JSON.stringify(iss.input)})`,
  }),
});

const ResponseSchema = z
  .strictObject({
    at: z.string({ error: 'expected an offset such as "14m"' }).refine((s) => parseOffset(s) !== undefined, {
      error: 'expected an offset such as "30s", "14m" or "1h30m"',
    }),
    by: z
      .string({ error: 'expected who responded, e.g. "kim"' })
      .trim()
      .min(1, { error: 'expected who responded, e.g. "kim"' })
      .max(200, { error: 'expected at most 200 characters' }),
    ack: z.literal(true, { error: 'expected ack: true' }).optional(),
    note: z
      .string({ error: 'expected the action as text, e.g. "switched notices to SMS"' })
      .trim()
      .min(1, { error: 'expected the action as text, e.g. "switched notices to SMS"' })
      .max(MAX_NOTE_CHARS, { error: `expected at most ${MAX_NOTE_CHARS} characters` })
      .optional(),
  })
  .refine((r) => (r.ack === true) !== (r.note !== undefined), {
    error: 'expected exactly one of ack: true or note: "text"',
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
  response: z
    .array(ResponseSchema, { error: 'expected a list such as [{ at: 14m, by: kim, ack: true }]' })
    .default([]),
});

/** Reads and checks the file's own shape; the config-dependent checks come in `checkScenario`. */
export async function loadScenarioFile(file: string, cwd = process.cwd()): Promise<Scenario> {
  const abs = path.resolve(cwd, file);
  const shown = path.relative(cwd, abs).startsWith('..') ? abs : path.relative(cwd, abs);
  // Only a regular file, at most MAX_INPUT_FILE_BYTES: a named pipe would block the read, a device never end.
  const text = await readInputFile(abs, shown, 'scenario file', 'scenario file not found');
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
export function parseScenario(input: unknown, file: string, dir: string): Scenario {
  const raw = plainData(input, file);
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
    const impossible = stateProblem(state, e.state);
    if (impossible) problems.push({ path: `events[${i}].state`, message: impossible });
    problems.push(...stateBoundProblems(state, e.state, `events[${i}].state`));
    if (isRegionState(state) && e.dependency !== '*')
      problems.push({
        path: `events[${i}].dependency`,
        message: `expected "*" with state ${state.kind}: it is the probe region's own state, for every dependency`,
      });
    return { atSeconds, dependency: e.dependency, regions: e.regions, state, stateText: e.state };
  });
  const response = s.response.map((r, i): ScenarioResponse => {
    const atSeconds = parseOffset(r.at) as number;
    if (atSeconds >= durationSeconds)
      problems.push({
        path: `response[${i}].at`,
        message: `expected an offset within durationMinutes (${s.durationMinutes}m), got "${r.at}"`,
      });
    return {
      atSeconds,
      by: r.by,
      kind: r.ack ? 'ack' : 'note',
      ...(r.note !== undefined ? { text: r.note } : {}),
    };
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
    response: [...response].sort((a, b) => a.atSeconds - b.atSeconds),
  };
}

/** Slowest stand-in answer: past every check's longest timeout (60 s) a slower one only times out the same. */
export const MAX_SLOW_MS = 3_600_000;

/**
 * Bounds on a state's numbers, apart from its syntax (STATE_RE): `slow:3000000s` would overflow the stand-in's
 * timer (Node fires a delay over 2^31-1 ms at once), so the "slow" dependency would answer at once and read up.
 */
function stateBoundProblems(state: StandInState, text: string, at: string): ConfigProblem[] {
  if (state.kind === 'slow' && !(state.ms <= MAX_SLOW_MS))
    return [
      {
        path: at,
        message: `expected a slow answer of at most ${MAX_SLOW_MS / 1000}s (slower only times out the same), got ${JSON.stringify(text)}`,
      },
    ];
  return [];
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
    const deps = config.dependencies.filter((d) => e.dependency === '*' || d.id === e.dependency);
    const unfit = deps.filter((d) => !stateFits(e.state, d));
    if (unfit.length > 0 && (e.dependency !== '*' || unfit.length === deps.length))
      problems.push({
        path: `events[${i}].state`,
        message: `${e.stateText} cannot apply to ${unfit.map((d) => d.id).join(', ')}: ${STATE_NEEDS[e.state.kind]}`,
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

/** What a dependency's check must be for the states that depend on it. */
const STATE_NEEDS: Readonly<Record<StandInState['kind'], string>> = {
  up: '',
  down: '',
  slow: '',
  status: '',
  silent: '',
  'egress-down': '',
  'addresses-lost': 'expected an http check with allAddresses: true',
  'cert-expires': 'expected a tls check or an https:// http check',
  'wrong-body': 'expected an http check with json or bodyMatches assertions (a body they can fail)',
};

/** Whether a state can be rehearsed on a dependency's check (a "*" event skips those it cannot). */
export function stateFits(st: StandInState, d: MonitorConfig['dependencies'][number]): boolean {
  const c = d.check;
  switch (st.kind) {
    case 'addresses-lost':
      return c.kind === 'http' && c.allAddresses;
    case 'cert-expires':
      return c.kind === 'tls' || (c.kind === 'http' && c.url.startsWith('https:'));
    case 'wrong-body':
      return c.kind === 'http' && (c.json.length > 0 || c.bodyMatches.length > 0);
    default:
      return true;
  }
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
    if (isRegionState(e.state)) continue;
    if (e.dependency !== '*' && e.dependency !== dependency) continue;
    if (e.regions !== 'all' && !e.regions.includes(region)) continue;
    state = e.state;
  }
  return state;
}

/** Whether a probe region reports at all at `atSeconds` (a later `up` for "*" in that region ends silence). */
export function regionSilentAt(scenario: Scenario, region: string, atSeconds: number): boolean {
  return regionModeAt(scenario, region, atSeconds) === 'silent';
}

/**
 * What a probe region does at `atSeconds`: votes, stays silent (its function failed), or abstains (its own
 * egress check failed: heartbeat 0, no votes). A later "*" event of any other state in that region ends it.
 */
export function regionModeAt(
  scenario: Scenario,
  region: string,
  atSeconds: number,
): 'voting' | 'silent' | 'abstaining' {
  let mode: 'voting' | 'silent' | 'abstaining' = 'voting';
  for (const e of scenario.events) {
    if (e.atSeconds > atSeconds) break;
    if (e.dependency !== '*') continue;
    if (e.regions !== 'all' && !e.regions.includes(region)) continue;
    mode = e.state.kind === 'silent' ? 'silent' : e.state.kind === 'egress-down' ? 'abstaining' : 'voting';
  }
  return mode;
}
