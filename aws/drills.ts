// The drill store: one SSM parameter in the home Region (shared/runtime drill.ts names it and its JSON), read
// by the probes and notify through a cache, written by `depmon drill`. Signed single requests (aws-json.ts).
import { DRILL_CACHE_MS, type Drill, parseDrills, renderDrills } from '#shared/runtime';
import { awsJsonCall } from './aws-json.ts';
import type { CredentialsProvider } from './credentials.ts';

export interface DrillStore {
  readonly region: string;
  readonly parameter: string;
  readonly credentials: CredentialsProvider;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Every drill in the parameter (active or not); none when the parameter does not exist yet. */
export async function readDrillStore(store: DrillStore): Promise<Drill[]> {
  try {
    const out = (await awsJsonCall({
      service: 'ssm',
      region: store.region,
      operation: 'GetParameter',
      input: { Name: store.parameter },
      credentials: store.credentials,
      env: store.env ?? {},
    })) as { Parameter?: { Value?: string } };
    return parseDrills(out.Parameter?.Value ?? '{"drills":[]}');
  } catch (e) {
    if (e instanceof Error && e.name === 'ParameterNotFound') return [];
    throw e;
  }
}

export async function writeDrillStore(store: DrillStore, drills: readonly Drill[]): Promise<void> {
  await awsJsonCall({
    service: 'ssm',
    region: store.region,
    operation: 'PutParameter',
    input: { Name: store.parameter, Value: renderDrills(drills), Type: 'String', Overwrite: true },
    credentials: store.credentials,
    env: store.env ?? {},
  });
}

/** A reader that reuses a successful read for `ttlMs`; a failed read is not cached (the next round retries). */
export function cachedDrillReader(store: DrillStore, now: () => number, ttlMs = DRILL_CACHE_MS) {
  let cached: { at: number; drills: Drill[] } | undefined;
  return async (): Promise<Drill[]> => {
    if (cached && now() - cached.at < ttlMs) return cached.drills;
    const drills = await readDrillStore(store);
    cached = { at: now(), drills };
    return drills;
  };
}
