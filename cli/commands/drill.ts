// `depmon drill start DEPENDENCY --minutes 15 [--regions a,b] [--core] [--by NAME]` and `depmon drill stop
// [DEPENDENCY]`: writes the deployment's drill store (#aws/drills; the probes make the dependency fail with
// reason DRILL until the end time, notify marks the pages [DRILL]) and records the drill in the page log.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { callerArn } from '#aws/caller';
import { type DrillStore, readDrillStore, writeDrillStore } from '#aws/drills';
import { defaultPageLogTable, writeResponse } from '#aws/page-log';
import { loadConfigFile, type MonitorConfig, resolveConfigFile } from '#shared/config';
import type { ResponseRecord } from '#shared/pages';
import { activeDrills, type Drill, drillParameterName, MAX_DRILL_MINUTES } from '#shared/runtime';
import type { CliIO } from '../main.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

export interface DrillDeps {
  readonly dynamodb?: DynamoDBClient;
  /** @default the SDK's credential chain */
  readonly credentials?: DrillStore['credentials'];
  readonly identity?: () => Promise<string>;
  readonly now?: () => Date;
}

/** How long an ended drill stays in the store. */
const DRILL_KEEP_MS = 86_400_000;

const OPTIONS = {
  minutes: { type: 'string' },
  regions: { type: 'string' },
  core: { type: 'boolean' },
  by: { type: 'string' },
  config: { type: 'string', short: 'c' },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: depmon drill start DEPENDENCY --minutes N [--regions R1,R2] [--core] [--by NAME]
       depmon drill stop [DEPENDENCY] [--by NAME]

The deployed probes report DEPENDENCY failing (reason DRILL) for N minutes (1-${MAX_DRILL_MINUTES}), in every probe
region or the ones named, so the real alarms, notify and channels fire; every page says [DRILL]. A critical
first-party dependency needs --core. The drill ends at its end time by itself; stop ends it early.
`;

export async function run(args: string[], io: CliIO, deps: DrillDeps = {}): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, true);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const [action, dependency, ...extra] = positionals;
  if ((action !== 'start' && action !== 'stop') || extra.length > 0)
    throw new UsageError('drill: expected "drill start DEPENDENCY --minutes N" or "drill stop [DEPENDENCY]"');
  const { file } = resolveConfigFile({ cwd: io.cwd, command: 'drill', named: values.config });
  const { config } = await loadConfigFile(file, io.cwd);
  const request = action === 'start' ? startRequest(config, dependency, values) : undefined;
  if (action === 'stop' && dependency !== undefined) dependencyOf(config, dependency);
  const ddb = deps.dynamodb ?? new DynamoDBClient({ region: config.homeRegion });
  const credentials = deps.credentials ?? (async () => ddb.config.credentials());
  const store: DrillStore = {
    region: config.homeRegion,
    parameter: drillParameterName(config),
    credentials,
    env: io.env,
  };
  const now = deps.now?.() ?? new Date();
  try {
    const by =
      values.by?.trim() ||
      (await (deps.identity ?? (() => callerArn({ region: config.homeRegion, env: io.env, credentials })))());
    const table = values.table ?? defaultPageLogTable(config);
    const records = request
      ? await start(store, { ...request, by }, now)
      : await stop(store, dependency, by, now);
    for (const r of records) await writeResponse(ddb, table, r);
    io.stdout.write(
      records.length === 0 ? 'depmon drill: no active drill to stop\n' : records.map(describe).join(''),
    );
    return 0;
  } catch (e) {
    const err = e as { name?: string; message?: string };
    io.stderr.write(
      `depmon drill: ${err.name ?? 'Error'}: ${(err.message ?? String(e)).split('\n')[0]} (${store.parameter} in ${config.homeRegion})\n`,
    );
    return 1;
  }
}

type Values = ReturnType<typeof parseCliArgs<typeof OPTIONS>>['values'];

function dependencyOf(config: MonitorConfig, id: string) {
  const dep = config.dependencies.find((d) => d.id === id);
  if (!dep) throw new UsageError(`drill: DEPENDENCY: expected a dependency id of the config, got "${id}"`);
  return dep;
}

function startRequest(config: MonitorConfig, id: string | undefined, values: Values) {
  if (id === undefined) throw new UsageError('drill start: DEPENDENCY is required');
  const dep = dependencyOf(config, id);
  if (dep.tier === 'first-party' && dep.critical && !values.core)
    throw new UsageError(
      `drill start: ${id} is a critical first-party dependency (core): add --core to drill it`,
    );
  const minutes = Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_DRILL_MINUTES)
    throw new UsageError(`drill start: --minutes: expected a whole number from 1 to ${MAX_DRILL_MINUTES}`);
  const regions = values.regions ? values.regions.split(',').map((r) => r.trim()) : [];
  const unknown = regions.filter((r) => !config.probeRegions.includes(r));
  if (unknown.length > 0)
    throw new UsageError(
      `drill start: --regions: expected probe regions of the config (${config.probeRegions.join(', ')}), got ${unknown.join(', ')}`,
    );
  return { dependency: id, minutes, regions };
}

async function start(
  store: DrillStore,
  req: { dependency: string; minutes: number; regions: string[]; by: string },
  now: Date,
): Promise<ResponseRecord[]> {
  // Ended drills stay a day: notify still marks the resolved pages of an incident that began in one.
  const kept = (await readDrillStore(store)).filter((d) => Date.parse(d.end) > now.getTime() - DRILL_KEEP_MS);
  const drill: Drill = {
    id: `drill-${randomBytes(6).toString('hex')}`,
    dependency: req.dependency,
    regions: req.regions,
    start: now.toISOString(),
    end: new Date(now.getTime() + req.minutes * 60_000).toISOString(),
    by: req.by,
  };
  // A new drill of the same dependency replaces the one in force (its end becomes this one's start).
  const replaced = kept.map((d) =>
    d.dependency === req.dependency && Date.parse(d.end) > now.getTime() ? { ...d, end: drill.start } : d,
  );
  await writeDrillStore(store, [...replaced, drill]);
  return [record('drill-start', drill, now)];
}

async function stop(
  store: DrillStore,
  dependency: string | undefined,
  by: string,
  now: Date,
): Promise<ResponseRecord[]> {
  const all = await readDrillStore(store);
  const ending = activeDrills(all, now.getTime()).filter(
    (d) => dependency === undefined || d.dependency === dependency,
  );
  if (ending.length === 0) return [];
  // Kept with its end set to now: the probes compare the end time; notify still marks the incident's pages.
  await writeDrillStore(
    store,
    all.map((d) => (ending.includes(d) ? { ...d, end: now.toISOString() } : d)),
  );
  return ending.map((d) => record('drill-stop', { ...d, end: now.toISOString(), by }, now));
}

function record(kind: 'drill-start' | 'drill-stop', d: Drill, now: Date): ResponseRecord {
  return {
    type: 'response',
    id: `${d.id}-${kind === 'drill-start' ? 'start' : 'stop'}`,
    at: now.toISOString(),
    kind,
    by: d.by,
    via: 'cli',
    dependency: d.dependency,
    regions: d.regions,
    start: d.start,
    end: d.end,
  };
}

const describe = (r: ResponseRecord) =>
  r.kind === 'drill-start'
    ? `depmon drill: [DRILL] ${r.dependency} fails (reason DRILL) in ${r.regions?.length ? r.regions.join(', ') : 'every probe region'} from ${r.start} until ${r.end}; recorded in the page log\n`
    : `depmon drill: stopped the drill of ${r.dependency} at ${r.at}; recorded in the page log\n`;
