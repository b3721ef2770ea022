// One probe invocation: 60/interval evenly spaced rounds, each = egress self-check, probe (or abstain),
// one JSON log line per result, and the round's datums published to the home Region. The probing
// function, the publisher, the clock and the logger are passed in, so every path is testable on its own.
import type { Dependency, SecretResolver } from '#shared/config';
import {
  alignRound,
  heartbeatDatum,
  latencyMetricIds,
  type MetricDatum,
  resultDatums,
} from '#shared/metrics';
import { confirmFailures, failingIds, type ProbeOptions, type ProbeResult } from '#shared/probe';
import { type ProbeEmbed, type ProbeSettings, ROUND_GUARD_MS, roundsPerInvocation } from '#shared/runtime';
import { applyDrills, type Drill, readDrills } from './drill.ts';
import type { EgressResult } from './egress.ts';
import type { PublishOutcome } from './publish.ts';

export type ProbeFn = (deps: readonly Dependency[], options: ProbeOptions) => Promise<ProbeResult[]>;

export interface CycleRuntime {
  readonly probe: ProbeFn;
  readonly checkEgress: (urlTemplate: string, region: string, timeoutMs: number) => Promise<EgressResult>;
  readonly publish: (datums: readonly MetricDatum[]) => Promise<PublishOutcome>;
  readonly secrets: SecretResolver;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** One structured record per call; the handler writes it as one JSON line. */
  readonly log: (record: Record<string, unknown>) => void;
  /** The deployment's drills (cached by the reader). @default none */
  readonly drills?: () => Promise<readonly Drill[]>;
}

export interface RoundSummary {
  readonly round: number;
  readonly roundTime: string;
  readonly voted: boolean;
  readonly results: number;
  readonly down: number;
  readonly degraded: number;
}

export interface InvocationSummary {
  readonly tier: string;
  readonly shard: number;
  readonly region: string;
  readonly rounds: readonly RoundSummary[];
  readonly datums: number;
  readonly requests: number;
}

/** Thrown when some datums could not be published after every retry: the invocation fails visibly. */
export class PublishFailedError extends Error {
  constructor(
    readonly failedDatums: number,
    readonly totalDatums: number,
    readonly errors: readonly string[],
  ) {
    super(
      `PutMetricData failed for ${failedDatums} of ${totalDatums} datums (${errors.length} request${
        errors.length === 1 ? '' : 's'
      }): ${errors.join('; ')}`,
    );
    this.name = 'PublishFailedError';
  }
}

/** Where one round sits: its index in the invocation and when it is due. */
interface RoundSlot {
  readonly round: number;
  readonly due: number;
}

/** A round's outcome: its summary now, its datums' publish still in flight. */
interface RoundRun {
  readonly summary: RoundSummary;
  readonly publishing: Promise<PublishOutcome>;
}

export async function runInvocation(
  embed: ProbeEmbed,
  settings: ProbeSettings,
  rt: CycleRuntime,
): Promise<InvocationSummary> {
  const { tier, shard, probeRegion: region, intervalSeconds } = settings;
  const intervalMs = intervalSeconds * 1000;
  const start = rt.now();
  // Rounds sit on the interval grid of the minute the schedule fired in, not on the (jittered) start:
  // each period then gets exactly one vote per Region even when an invocation starts a few seconds late.
  const minute = alignRound(start, 60).getTime();
  const rounds: RoundSummary[] = [];
  // Publishing of round n overlaps round n+1, so rounds stay evenly spaced even while CloudWatch throttles.
  const publishing: Promise<PublishOutcome>[] = [];

  for (let round = 0; round < roundsPerInvocation(intervalSeconds); round++) {
    const due = minute + round * intervalMs;
    if (due + intervalMs - ROUND_GUARD_MS <= rt.now()) {
      // Started too late for this slot: the previous minute's invocation or nobody covers it.
      const roundTime = new Date(due).toISOString();
      rt.log({ level: 'warn', msg: 'round-skipped', tier, shard, region, round, roundTime });
      continue;
    }
    const wait = due - rt.now();
    if (wait > 0) await rt.sleep(wait);
    const run = await runRound(embed, settings, rt, { round, due });
    publishing.push(run.publishing);
    rounds.push(run.summary);
  }
  return settle(settings, rounds, await Promise.all(publishing), rt.now() - start, rt);
}

/** One round: the egress self-check, then a vote (probe and publish) or, if egress failed, an abstention. */
async function runRound(
  embed: ProbeEmbed,
  settings: ProbeSettings,
  rt: CycleRuntime,
  slot: RoundSlot,
): Promise<RoundRun> {
  const egress: EgressResult | undefined = embed.egress.enabled
    ? await rt.checkEgress(embed.egress.url, settings.probeRegion, embed.egress.timeoutMs)
    : undefined;
  if (egress && !egress.ok) return abstain(settings, rt, slot, egress);
  return vote(embed, settings, rt, slot);
}

/** The Region cannot reach the outside world: it reports its heartbeat as 0 and casts no vote. */
function abstain(
  settings: ProbeSettings,
  rt: CycleRuntime,
  { round, due }: RoundSlot,
  egress: Extract<EgressResult, { ok: false }>,
): RoundRun {
  const { tier, shard, probeRegion: region, intervalSeconds } = settings;
  const ctx = { roundTime: new Date(due), intervalSeconds };
  const roundTime = ctx.roundTime.toISOString();
  rt.log({
    level: 'warn',
    msg: 'abstain',
    tier,
    shard,
    region,
    round,
    roundTime,
    reason: `egress check failed: ${egress.reason}`,
    egressUrl: egress.url,
    latencyMs: egress.latencyMs,
  });
  return {
    publishing: rt.publish([heartbeatDatum(region, tier, shard, false, ctx)]),
    summary: { round, roundTime, voted: false, results: 0, down: 0, degraded: 0 },
  };
}

/**
 * The fast profile's second look (`embed.confirmDelayMs`): the round's failing dependencies are probed again
 * after the delay, and stay down only if they fail again.
 */
async function confirmed(
  embed: ProbeEmbed,
  rt: CycleRuntime,
  first: ProbeResult[],
  options: () => ProbeOptions,
): Promise<ProbeResult[]> {
  const failing = failingIds(first);
  if (!embed.confirmDelayMs || failing.size === 0) return first;
  await rt.sleep(embed.confirmDelayMs);
  const again = await rt.probe(
    embed.dependencies.filter((d) => failing.has(d.id)),
    options(),
  );
  return confirmFailures(first, again);
}

/** Probes every embedded dependency until the round's deadline, logs each result and publishes the votes. */
async function vote(
  embed: ProbeEmbed,
  settings: ProbeSettings,
  rt: CycleRuntime,
  { round, due }: RoundSlot,
): Promise<RoundRun> {
  const { tier, shard, probeRegion: region, intervalSeconds } = settings;
  const ctx = { roundTime: new Date(due), intervalSeconds };
  const roundTime = ctx.roundTime.toISOString();
  const options = (): ProbeOptions => ({
    region,
    concurrency: embed.concurrency,
    cycleDeadlineMs: Math.max(1, due + intervalSeconds * 1000 - ROUND_GUARD_MS - rt.now()),
    secrets: rt.secrets,
    resolvers: embed.resolvers,
  });
  // The second look is at the real dependency; a drill then reports its dependency down whatever the probes saw.
  const probed = await confirmed(embed, rt, await rt.probe(embed.dependencies, options()), options);
  const results = applyDrills(probed, await readDrills(rt, settings), rt.now(), region);
  for (const r of results) rt.log(resultRecord(r, round, roundTime));
  return {
    // The heartbeat rides last, so in the usual one-request round it lands together with the votes.
    publishing: rt.publish([
      ...resultDatums(results, ctx, latencyMetricIds(embed.dependencies)),
      heartbeatDatum(region, tier, shard, true, ctx),
    ]),
    summary: {
      round,
      roundTime,
      voted: true,
      results: results.length,
      down: results.filter((r) => r.status === 'down').length,
      degraded: results.filter((r) => r.status === 'degraded').length,
    },
  };
}

/** The JSON log line of one probe result. */
function resultRecord(r: ProbeResult, round: number, roundTime: string): Record<string, unknown> {
  return {
    level: 'info',
    msg: 'probe-result',
    dependency: r.dependency,
    tier: r.tier,
    region: r.region,
    status: r.status,
    latencyMs: Math.round(r.latencyMs),
    reason: r.reason ?? null,
    detail: r.detail ?? null,
    httpStatus: r.httpStatus ?? null,
    round,
    roundTime,
  };
}

/** The invocation's summary, or PublishFailedError when any datum was lost after every retry. */
function settle(
  settings: ProbeSettings,
  rounds: readonly RoundSummary[],
  outcomes: readonly PublishOutcome[],
  elapsedMs: number,
  rt: CycleRuntime,
): InvocationSummary {
  const { tier, shard, probeRegion: region } = settings;
  const datums = outcomes.reduce((n, o) => n + o.datums, 0);
  const failedDatums = outcomes.reduce((n, o) => n + o.failedDatums, 0);
  const requests = outcomes.reduce((n, o) => n + o.attempts, 0);
  const summary: InvocationSummary = { tier, shard, region, rounds, datums, requests };
  if (failedDatums > 0) {
    const errors = outcomes.flatMap((o) => o.errors);
    rt.log({ level: 'error', msg: 'publish-failed', tier, shard, region, failedDatums, datums, errors });
    throw new PublishFailedError(failedDatums, datums, errors);
  }
  rt.log({ level: 'info', msg: 'invocation', ...summary, elapsedMs });
  return summary;
}
