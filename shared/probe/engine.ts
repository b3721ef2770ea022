// The probe engine: runs each dependency's check under its own deadline and the cycle's, with a concurrency
// limit, and turns every outcome (or failure) into a ProbeResult. Nothing here throws for a dependency's behaviour.
import { checkTimeoutMs, type Dependency, redact, type SecretResolver, unknownCheck } from '#shared/config';
import { probeDns, probeTcp, probeTls } from './checks.ts';
import { classify, ProbeFailure, shorten } from './failure.ts';
import { type Outcome, probeHttp } from './http.ts';
import type { ProbeContext } from './net.ts';
import { type ProbeOptions, type ProbeResult, toMicros } from './types.ts';

/** @see ProbeOptions.concurrency */
export const DEFAULT_CONCURRENCY = 32;
/** After a probe ends, how long we wait for its sockets to report closed before moving on. */
const CLEANUP_WAIT_MS = 100;

const NO_SECRETS: SecretResolver = {
  async resolve(ref) {
    throw new Error(`secret ${ref.raw}: no secret resolver configured`);
  },
};

/** A check's own timeout: defined with the config, re-exported here for the engine's users. */
export { checkTimeoutMs };

/** Probes one dependency. Never throws. */
export function probeOne(dep: Dependency, options: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(dep, options, options.signal);
}

/** Probes every dependency, at most `concurrency` at once, results in input order. Never throws. */
export async function probeAll(
  deps: readonly Dependency[],
  options: ProbeOptions = {},
): Promise<ProbeResult[]> {
  const total = deps.length;
  const results: ProbeResult[] = new Array(total);
  const cycle = new AbortController();
  const onOuterAbort = () => cycle.abort(new CycleEnd('cycle aborted'));
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const deadline =
    options.cycleDeadlineMs === undefined
      ? undefined
      : setTimeout(
          () => cycle.abort(new CycleEnd(`cycle deadline of ${options.cycleDeadlineMs} ms reached`)),
          options.cycleDeadlineMs,
        );
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const dep = deps[i]!;
      const r = cycle.signal.aborted
        ? notRun(dep, options, cycle.signal.reason)
        : await runProbe(dep, options, cycle.signal);
      results[i] = r;
      done++;
      try {
        options.onResult?.(r, done, total);
      } catch {
        // A progress callback's failure is not the dependency's.
      }
    }
  };
  try {
    const width = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, total));
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return results;
}

class CycleEnd extends Error {}

function notRun(dep: Dependency, options: ProbeOptions, reason: unknown): ProbeResult {
  return {
    dependency: dep.id,
    tier: dep.tier,
    region: options.region ?? 'local',
    time: (options.now ?? Date.now)(),
    status: 'down',
    latencyMs: 0,
    reason: 'CYCLE_DEADLINE',
    detail: `not probed: ${reason instanceof Error ? reason.message : 'cycle aborted'}`,
  };
}

/** One dependency probed under its own timeout and the cycle's signal; the outcome, whatever it is, as a result. */
async function runProbe(
  dep: Dependency,
  options: ProbeOptions,
  cycleSignal?: AbortSignal,
): Promise<ProbeResult> {
  const time = (options.now ?? Date.now)();
  const ac = new AbortController();
  const ctx = newContext(checkTimeoutMs(dep), options, ac.signal);
  const disarm = armDeadlines(ac, ctx.timeoutMs, cycleSignal);
  let outcome: Outcome;
  try {
    const work = runCheck(dep, ctx);
    // The check may still be unwinding after an abort; its late rejection is expected and ignored.
    work.catch(() => undefined);
    outcome = await Promise.race([work, aborted(ac.signal)]);
  } catch (e) {
    outcome = fromError(e, ctx, cycleSignal);
  } finally {
    disarm();
    if (!ac.signal.aborted) ac.abort(new ProbeFailure('INTERNAL_ERROR', 'probe finished'));
    await closeAll(ctx);
  }
  return toResult(dep, options, time, outcome, ctx);
}

function newContext(timeoutMs: number, options: ProbeOptions, signal: AbortSignal): ProbeContext {
  return {
    signal,
    started: performance.now(),
    timeoutMs,
    hostOverrides: lowerKeys(options.hostOverrides),
    resolvers: options.resolvers ?? [],
    extraCa: options.extraCa ?? [],
    secretResolver: options.secrets ?? NO_SECRETS,
    phase: 'starting',
    secrets: [],
    secretHeaders: new Set(),
    reached: {},
    cleanups: new Set(),
  };
}

/** Aborts the probe at its timeout (TIMEOUT) or when the cycle ends (CYCLE_DEADLINE); returns the disarm. */
function armDeadlines(ac: AbortController, timeoutMs: number, cycleSignal?: AbortSignal): () => void {
  const timer = setTimeout(
    () => ac.abort(new ProbeFailure('TIMEOUT', `no answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onCycle = () => ac.abort(new ProbeFailure('CYCLE_DEADLINE', 'cycle'));
  if (cycleSignal?.aborted) onCycle();
  else cycleSignal?.addEventListener('abort', onCycle, { once: true });
  return () => {
    clearTimeout(timer);
    cycleSignal?.removeEventListener('abort', onCycle);
  };
}

/** The outcome as a result: timings rounded, details redacted before they are shortened. */
function toResult(
  dep: Dependency,
  options: ProbeOptions,
  time: number,
  outcome: Outcome,
  ctx: ProbeContext,
): ProbeResult {
  const latencyMs = toMicros(outcome.timings?.totalMs ?? performance.now() - ctx.started);
  const detail = outcome.detail === undefined ? undefined : shorten(redact(outcome.detail, ctx.secrets));
  return {
    dependency: dep.id,
    tier: dep.tier,
    region: options.region ?? 'local',
    time,
    status: outcome.status,
    latencyMs,
    ...(outcome.timings ? { timings: roundTimings(outcome.timings) } : {}),
    ...(outcome.status !== 'up' || outcome.reason ? { reason: outcome.reason ?? 'INTERNAL_ERROR' } : {}),
    ...(detail ? { detail } : {}),
    ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
    ...(outcome.addresses
      ? {
          addresses: outcome.addresses.map((a) =>
            a.detail ? { ...a, detail: shorten(redact(a.detail, ctx.secrets)) } : a,
          ),
        }
      : {}),
    ...(outcome.certDaysLeft === undefined ? {} : { certDaysLeft: outcome.certDaysLeft }),
  };
}

function runCheck({ check }: Dependency, ctx: ProbeContext): Promise<Outcome> {
  switch (check.kind) {
    case 'http':
      return probeHttp(check, ctx);
    case 'tcp':
      return probeTcp(check, ctx);
    case 'dns':
      return probeDns(check, ctx);
    case 'tls':
      return probeTls(check, ctx);
    default:
      return unknownCheck(check);
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function fromError(e: unknown, ctx: ProbeContext, cycleSignal?: AbortSignal): Outcome {
  const timings = { ...ctx.reached, totalMs: performance.now() - ctx.started };
  if (e instanceof ProbeFailure && e.reason === 'CYCLE_DEADLINE') {
    const why = cycleSignal?.reason instanceof Error ? cycleSignal.reason.message : 'cycle aborted';
    return {
      status: 'down',
      reason: 'CYCLE_DEADLINE',
      detail: `${why} while ${ctx.phase}`,
      timings,
    };
  }
  if (e instanceof ProbeFailure && e.reason === 'TIMEOUT' && ctx.signal.aborted && ctx.signal.reason === e) {
    return {
      status: 'down',
      reason: 'TIMEOUT',
      detail: `no answer within ${ctx.timeoutMs} ms (${ctx.phase})`,
      timings,
    };
  }
  const c = classify(e);
  // Where the connection dropped tells "dropped on connect" from "dropped mid-body".
  const detail = c.reason === 'CONNECTION_RESET' ? `${c.detail} while ${ctx.phase}` : c.detail;
  return { status: c.status, reason: c.reason, detail, timings };
}

async function closeAll(ctx: ProbeContext): Promise<void> {
  const pending = [...ctx.cleanups].map((f) => {
    try {
      return Promise.resolve(f()).catch(() => undefined);
    } catch {
      return Promise.resolve();
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(pending),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLEANUP_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}

function roundTimings(t: NonNullable<Outcome['timings']>): NonNullable<Outcome['timings']> {
  const r = (n: number | undefined) => (n === undefined ? undefined : toMicros(n));
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) {
    const n = r(v as number | undefined);
    if (n !== undefined) out[k] = n;
  }
  return out as unknown as NonNullable<Outcome['timings']>;
}

function lowerKeys<V>(m: ReadonlyMap<string, V> | undefined): ReadonlyMap<string, V> {
  if (!m || m.size === 0) return new Map();
  return new Map([...m].map(([k, v]) => [k.toLowerCase(), v]));
}
