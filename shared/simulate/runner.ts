// The scenario runner: stand-ins on 127.0.0.1 behave as the scenario says, the real probe engine probes them
// from every probe region each interval, results become datums (shared/metrics), the evaluator runs the
// template's alarms on a virtual clock, and alarm actions go through the real paging core (shared/pages).
import { type AlarmPlan, buildAlarmPlan } from '#shared/alarms';
import { type Dependency, type MonitorConfig, type SecretResolver, TIERS } from '#shared/config';
import {
  alignRound,
  heartbeatDatum,
  latencyMetricIds,
  type MetricDatum,
  type RoundContext,
  resultDatums,
} from '#shared/metrics';
import {
  type AlarmStateChangeMessage,
  type ChannelDelivery,
  CORE_EVIDENCE_POLL_BUDGET_MS,
  CORE_EVIDENCE_POLL_MS,
  channelDelivery,
  handleAlarmStateChange,
  handlePagingTick,
  MemoryPageStateStore,
  type PageLogRecord,
  type PagingContext,
  waitsForCoreEvidence,
} from '#shared/pages';
import { confirmFailures, failingIds, type ProbeResult, probeAll } from '#shared/probe';
import { confirmDelayMs } from '#shared/runtime';
import type { AlarmCatalog } from '#shared/timeline';
import { type ActionInvocation, AlarmEvaluator, EVALUATION_RANGE_EXTRA } from './evaluator.ts';
import { HeldPages } from './held.ts';
import type { SimPage, SimProbeChange, SimScenario, Simulation } from './result.ts';
import {
  checkScenario,
  regionModeAt,
  type Scenario,
  type StandInState,
  stateAt,
  stateFits,
} from './scenario.ts';
import { StandIns } from './standins.ts';
import { type AlarmSet, alarmsFromTemplate } from './template.ts';
import type { TimingModel } from './timing.ts';
import { storeVotes } from './votes.ts';

/**
 * Time inside a probe runs this much faster than the scenario's clock: a `slow:2500ms` stand-in answers
 * after 250 ms of real time, and the probe's timeouts and thresholds are scaled the same way, so the
 * real engine classifies it exactly as it would the real latency. Reported latencies are scaled back.
 */
export const DEFAULT_TIME_SCALE = 1;
/**
 * The evaluator is stepped this finely within a round so each alarm action is handled at its own time.
 * Ticks are on the 10 s grid and suppressor wait/extension periods are whole seconds, so 1 s is exact.
 */
const ACTION_STEP_MS = 1000;
/**
 * Healthy stand-ins probed at once, per region. One at a time kept each latency to the probe's own, but made a
 * round of 1,000 dependencies a thousand sequential probes; four at a time adds at most three other probes' CPU
 * (milliseconds on loopback) to a latency, far below any degraded threshold (2 s by default).
 */
const HEALTHY_PROBE_CONCURRENCY = 4;
/**
 * Stand-ins of each kind (HTTP, HTTPS, TCP, TLS) probed before T+0 and discarded, so the first real probes'
 * latencies are not the JIT's and TLS's warm-up. A sample warms the same code as all of them would: probing
 * every stand-in twice made the first minute half of all probing at 1,000 dependencies.
 */
const WARM_UP_PROBES_PER_KIND = 16;

export interface RunOptions {
  readonly scenario: Scenario;
  readonly config: MonitorConfig;
  /** The home stack's synthesized CloudFormation template. */
  readonly template: unknown;
  /** The alarm plan the template was rendered from; its shards say which heartbeats to send. @default buildAlarmPlan(config) */
  readonly plan?: AlarmPlan;
  /** @default DEFAULT_TIME_SCALE */
  readonly timeScale?: number;
  /** Called after each probe round with the virtual seconds done. */
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /**
   * CloudWatch's own timing (`depmon simulate --jitter SEED`): each alarm evaluated at its own offset, each probe
   * function's datums visible some seconds after their round. @default none: every alarm evaluated at the start
   * of its interval, datums visible at once
   */
  readonly timing?: TimingModel;
  /** Receives every probe round's results, so the same probes can be replayed under other timings. */
  readonly record?: ProbeRecording;
  /** Probe rounds recorded by an earlier run of this scenario and config: replayed instead of probing stand-ins. */
  readonly replay?: ProbeRecording;
  /** Receives the wall milliseconds each phase of the run took (the scale bench reports them). */
  readonly phases?: RunPhases;
}

/** Wall milliseconds per phase of a run, added to as it goes. */
export interface RunPhases {
  /** Healthy history before T+0, fed to the evaluator. */
  warmUp: number;
  /** Starting and closing the stand-in servers. */
  standIns: number;
  /** Setting the stand-ins' states and probing them (the discarded first round included). */
  probing: number;
  /** Probe results to datums, and the evaluator's alarm evaluations. */
  evaluation: number;
  /** Alarm actions through the paging core, held pages, the paging tick. */
  pages: number;
}

export const emptyPhases = (): RunPhases => ({ warmUp: 0, standIns: 0, probing: 0, evaluation: 0, pages: 0 });

/** The probe results of a run, round by round: probing is the slow part and does not depend on the timing model. */
export interface ProbeRecording {
  readonly rounds: { readonly results: RoundResults; readonly probes: number }[];
}

/** Header references resolve to a placeholder: stand-ins do not check credentials. */
const SIMULATED_SECRETS: SecretResolver = { resolve: async (ref) => `simulated-${ref.name}` };

const scaleMs = (ms: number | undefined, s: number) =>
  ms === undefined ? undefined : Math.max(1, Math.round(ms * s));

/** The dependency as the probe engine sees it in compressed time. */
function scaled(d: Dependency, s: number): Dependency {
  const { check } = d;
  if (check.kind === 'http') {
    const downAfterMs = scaleMs(check.downAfterMs, s);
    return {
      ...d,
      check: {
        ...check,
        timeoutMs: scaleMs(check.timeoutMs, s) as number,
        degradedAfterMs: scaleMs(check.degradedAfterMs, s) as number,
        ...(downAfterMs !== undefined ? { downAfterMs } : {}),
      },
    };
  }
  if (check.kind === 'tcp' || check.kind === 'tls')
    return { ...d, check: { ...check, timeoutMs: scaleMs(check.timeoutMs, s) as number } };
  return d;
}

/** DNS checks have no stand-in server: the scenario's state becomes the result directly. */
function dnsResult(d: Dependency, region: string, time: number, st: StandInState): ProbeResult {
  const base = { dependency: d.id, tier: d.tier, region, time, latencyMs: st.kind === 'slow' ? st.ms : 1 };
  if (st.kind === 'up' || st.kind === 'slow') return { ...base, status: 'up' };
  return { ...base, status: 'down', reason: 'DNS_FAILURE', detail: 'simulated: no answer' };
}

const isoCW = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** Everything a run carries from round to round. */
interface Run {
  readonly scenario: Scenario;
  readonly config: MonitorConfig;
  readonly plan: AlarmPlan;
  readonly alarmSet: AlarmSet;
  readonly evaluator: AlarmEvaluator;
  readonly timeScale: number;
  /** The scenario's start, epoch ms. */
  readonly start: number;
  /** Seconds of healthy history before T+0. */
  readonly warmSeconds: number;
  /** Dependencies with a stand-in server, scaled to the run's time; DNS ones follow the scenario directly. */
  readonly probed: ReadonlyMap<string, Dependency>;
  readonly dnsDeps: readonly Dependency[];
  /** Heartbeats per tier: one per probe shard the template's heartbeat alarms watch. */
  readonly shards: ReadonlyMap<(typeof TIERS)[number], number>;
  readonly store: MemoryPageStateStore;
  readonly knownAlarms: ReadonlySet<string>;
  /** What the latest round saw of each dependency, as the paging core asks (see `Seen`). */
  readonly failingNow: Map<string, Seen>;
  /**
   * Results per dependency, state and served certificate (see `answerKey`): a stand-in answers the same for as
   * long as its state holds, so it is probed once per state (through the real engine, in real time) and that
   * result holds, in virtual time, until the state changes. A day of a slow dependency then costs one slow
   * probe, not one per round; an hour of a thousand healthy ones a thousand probes, not 60,000.
   */
  readonly answers: Map<string, ProbeResult>;
  readonly lastStatus: Map<string, string>;
  readonly probes: SimProbeChange[];
  readonly pageLog: PageLogRecord[];
  readonly held: HeldPages;
  readonly notes: string[];
  readonly timing: TimingModel | undefined;
  /** Dependency id → "<tier>/<shard>": which probe function publishes its datums. */
  readonly shardOf: ReadonlyMap<string, string>;
  /** Dependencies that publish `Latency` too, as their probe functions do. */
  readonly latency: ReadonlySet<string>;
  rounds: number;
  probeCount: number;
  readonly phases: RunPhases;
  /** When the latest notify invocation began (an alarm action, or its one-minute tick), epoch ms. */
  notifyFrom?: number;
  /** Some external page waits for core's evidence. */
  evidenceWaiting?: boolean;
}

/** Adds the time since `since` to a phase; returns now, where the next phase starts. */
function lap(run: Run, phase: keyof RunPhases, since: number): number {
  const now = performance.now();
  run.phases[phase] += now - since;
  return now;
}

/** What a round saw of one dependency: regions down, regions degraded, the reasons, and regions that voted. */
interface Seen {
  readonly regions: string[];
  readonly degradedRegions: string[];
  readonly reasons: string[];
  reporting: number;
}

/**
 * The results of one probe round, per configured region: `voting` regions have results; `silent` ones report
 * nothing; `abstaining` ones (their egress check failed) send a heartbeat of 0 and no votes.
 */
export type RoundResults = {
  readonly region: string;
  readonly mode: 'voting' | 'silent' | 'abstaining';
  readonly results: ProbeResult[] | undefined;
  /** Dependencies the region looked at again in the round (the fast profile's second look, `confirmDelayMs`). */
  readonly lookedAgain?: readonly string[];
}[];

/** Where a round's results come from: the stand-ins, or a recording. */
type ProbeSource = (s: number, now: number) => Promise<RoundResults>;

export async function runScenario(opts: RunOptions): Promise<Simulation> {
  const wall0 = performance.now();
  const run = prepareRun(opts);
  let t = performance.now();
  warmUp(run);
  t = lap(run, 'warmUp', t);
  if (opts.replay) await runRounds(run, opts, replaySource(run, opts.replay));
  else {
    const standIns = await StandIns.start(run.config, run.timeScale);
    t = lap(run, 'standIns', t);
    try {
      await warmUpProbes(run, standIns);
      lap(run, 'probing', t);
      await runRounds(run, opts, (s, now) => confirmedRound(run, standIns, s, now));
    } finally {
      t = performance.now();
      await standIns.close();
      lap(run, 'standIns', t);
    }
  }
  return collectResult(run, Math.round(performance.now() - wall0));
}

async function runRounds(run: Run, opts: RunOptions, probe: ProbeSource): Promise<void> {
  const interval = run.config.intervalSeconds;
  for (let s = 0; s < run.scenario.durationSeconds; s += interval) {
    const before = run.probeCount;
    const results = await runRound(run, probe, s);
    opts.record?.rounds.push({ results, probes: run.probeCount - before });
    opts.onProgress?.(s + interval, run.scenario.durationSeconds);
  }
}

/** Discarded probes first: TLS and JIT warm-up would otherwise show as latency in the first minute. */
async function warmUpProbes(run: Run, standIns: StandIns): Promise<void> {
  const perKind = new Map<string, Dependency[]>();
  for (const d of run.probed.values()) {
    const kind = d.check.kind === 'http' ? d.check.url.slice(0, d.check.url.indexOf(':')) : d.check.kind;
    const list = perKind.get(kind) ?? [];
    if (list.length < WARM_UP_PROBES_PER_KIND) perKind.set(kind, [...list, d]);
  }
  const region = run.config.probeRegions[0] as string;
  await probeRegion(run, standIns, region, [...perKind.values()].flat(), run.start);
  run.answers.clear();
}

/** A recording's rounds in order; it must come from this scenario (one round per interval of its duration). */
function replaySource(run: Run, recording: ProbeRecording): ProbeSource {
  const expected = Math.ceil(run.scenario.durationSeconds / run.config.intervalSeconds);
  if (recording.rounds.length !== expected)
    throw new Error(`probe recording has ${recording.rounds.length} rounds; this scenario runs ${expected}`);
  let i = 0;
  return async () => {
    const round = recording.rounds[i++] as ProbeRecording['rounds'][number];
    run.probeCount += round.probes;
    return round.results;
  };
}

/** Checks the scenario against the config, reads the template's alarms and sets up the evaluator. */
function prepareRun(opts: RunOptions): Run {
  const { scenario, config } = opts;
  const timeScale = opts.timeScale ?? DEFAULT_TIME_SCALE;
  checkScenario(scenario, config);
  const plan = opts.plan ?? buildAlarmPlan(config);
  const alarmSet = alarmsFromTemplate(opts.template, { region: config.homeRegion });
  const start = scenario.start.getTime();
  // The monitor is taken to have run healthy before T+0, as a deployed one would have: alarms start from a
  // full evaluation range of healthy datapoints instead of INSUFFICIENT_DATA.
  const warmSeconds = Math.max(
    0,
    ...alarmSet.metricAlarms.map((a) => (a.evaluationPeriods + EVALUATION_RANGE_EXTRA) * a.periodSeconds),
  );
  const evaluator = new AlarmEvaluator(alarmSet, {
    start: start - warmSeconds * 1000,
    namespace: config.namespace,
    ...(opts.timing ? { timing: opts.timing } : {}),
  });
  const notes: string[] = [];
  if (opts.timing) notes.push(opts.timing.description);
  if (config.dependencies.some((d) => d.check.kind === 'dns'))
    notes.push('DNS checks have no stand-in server: their results follow the scenario directly.');
  const probed = config.dependencies.filter((d) => d.check.kind !== 'dns').map((d) => scaled(d, timeScale));
  return {
    scenario,
    config,
    plan,
    alarmSet,
    evaluator,
    timeScale,
    start,
    warmSeconds,
    probed: new Map(probed.map((d) => [d.id, d])),
    dnsDeps: config.dependencies.filter((d) => d.check.kind === 'dns'),
    shards: new Map(TIERS.map((t) => [t, plan.shards.filter((s) => s.tier === t).length])),
    store: new MemoryPageStateStore(),
    knownAlarms: new Set([...alarmSet.metricAlarms, ...alarmSet.compositeAlarms].map((a) => a.name)),
    failingNow: new Map(),
    answers: new Map(),
    lastStatus: new Map(),
    probes: [],
    pageLog: [],
    held: new HeldPages(config, plan, alarmSet, evaluator, start),
    notes,
    timing: opts.timing,
    shardOf: new Map(plan.shards.flatMap((x) => x.dependencies.map((d) => [d, `${x.tier}/${x.shard}`]))),
    latency: latencyMetricIds(config.dependencies),
    rounds: 0,
    probeCount: 0,
    phases: opts.phases ?? emptyPhases(),
  };
}

const roundContext = (now: number, intervalSeconds: number): RoundContext => ({
  roundTime: alignRound(now, intervalSeconds),
  intervalSeconds,
});

/** One heartbeat per probe shard of every tier, as a region's probe functions send each round. */
function heartbeats(run: Run, region: string, ctx: RoundContext, voted = true): MetricDatum[] {
  const out: MetricDatum[] = [];
  for (const tier of TIERS)
    for (let shard = 0; shard < (run.shards.get(tier) ?? 0); shard++)
      out.push(heartbeatDatum(region, tier, shard, voted, ctx));
  return out;
}

/** Healthy rounds from every region before T+0, fed straight to the evaluator (no probe runs). */
function warmUp(run: Run): void {
  const { config, evaluator } = run;
  const interval = config.intervalSeconds;
  for (let w = -run.warmSeconds; w < 0; w += interval) {
    const now = run.start + w * 1000;
    const ctx = roundContext(now, interval);
    const datums: MetricDatum[] = [];
    for (const region of config.probeRegions) {
      const healthy: ProbeResult[] = config.dependencies.map((d) => ({
        dependency: d.id,
        tier: d.tier,
        region,
        time: now,
        status: 'up',
        latencyMs: 100,
      }));
      datums.push(...resultDatums(healthy, ctx, run.latency), ...heartbeats(run, region, ctx));
    }
    evaluator.put(datums, config.namespace);
    evaluator.advanceTo(now + interval * 1000);
  }
  evaluator.advanceTo(run.start);
}

/** One round at `s` seconds: probe, publish what the probes saw, let the alarms act, tick the paging core. */
async function runRound(run: Run, probe: ProbeSource, s: number): Promise<RoundResults> {
  const { config } = run;
  const now = run.start + s * 1000;
  const end = now + config.intervalSeconds * 1000;
  let t = performance.now();
  const perRegion = await probe(s, now);
  t = lap(run, 'probing', t);
  const published = recordRound(run, perRegion, s, roundContext(now, config.intervalSeconds));
  publish(run, published, s, now, lateSources(run, perRegion));
  lap(run, 'evaluation', t);
  await deliverActions(run, now, end);
  t = performance.now();
  run.held.heldByRule(end);
  // Resolves come due at the round's end; pages waiting for core's evidence only where notify would be polling.
  const tickCtx = { ...pagingContext(run, end), releaseEvidence: notifyPolling(run, end) };
  run.pageLog.push(...(await handlePagingTick(tickCtx)).records);
  run.evidenceWaiting = await anyWaitingForEvidence(run.store);
  lap(run, 'pages', t);
  run.rounds++;
  return perRegion;
}

/** One probe function's PutMetricData of a round: its datums and who sent them ("<region>/<tier>/<shard>"). */
interface Publish {
  readonly source: string;
  readonly datums: MetricDatum[];
}

/**
 * Hands a round's publishes to CloudWatch, each visible after its own ingestion delay under a timing model. A
 * probe function that took a second look at a failing probe publishes only after it (`late`: its sources).
 */
function publish(
  run: Run,
  publishes: readonly Publish[],
  s: number,
  now: number,
  late: ReadonlySet<string>,
): void {
  const delay = confirmDelayMs(run.config);
  for (const p of publishes) {
    const sent = late.has(p.source) ? now + delay : now;
    const visible = run.timing ? sent + run.timing.ingestionDelayMs(`${p.source}@${s}`) : sent;
    run.evaluator.put(p.datums, run.config.namespace, visible === now ? undefined : visible);
  }
}

/** The publish sources (as `regionPublishes` names them) of the probe functions that looked again this round. */
function lateSources(run: Run, perRegion: RoundResults): Set<string> {
  const out = new Set<string>();
  for (const { region, lookedAgain } of perRegion)
    for (const dep of lookedAgain ?? []) {
      const tier = run.config.dependencies.find((d) => d.id === dep)?.tier ?? '';
      out.add(run.timing ? `${region}/${run.shardOf.get(dep) ?? tier}` : region);
    }
  return out;
}

/**
 * A round as the probe functions run it: every dependency probed, then, in the fast profile, the failing ones
 * probed again `confirmDelayMs` later against the scenario's state at that moment, and down only if down both
 * times (`confirmFailures`, the function's own rule).
 */
async function confirmedRound(run: Run, standIns: StandIns, s: number, now: number): Promise<RoundResults> {
  const first = await probeRound(run, standIns, s, now);
  const delay = confirmDelayMs(run.config);
  if (delay === 0 || !first.some((r) => r.results && failingIds(r.results).size > 0)) return first;
  const second = await probeRound(run, standIns, s + delay / 1000, now + delay);
  return first.map((r, i) => {
    const again = second[i]?.results;
    if (!r.results || !again) return r;
    const failing = failingIds(r.results);
    if (failing.size === 0) return r;
    const looked = again.filter((x) => failing.has(x.dependency));
    return { ...r, results: confirmFailures(r.results, looked), lookedAgain: [...failing] };
  });
}

/**
 * A region's datums for one round, as its probe functions publish them: one publish per tier and shard under a
 * timing model (each function's datums arrive on their own), else one for the whole region. `voted` false: the
 * region abstained (its egress failed) and sends heartbeats of 0 only.
 */
function regionPublishes(
  run: Run,
  region: string,
  results: readonly ProbeResult[],
  ctx: RoundContext,
  voted = true,
): Publish[] {
  if (!run.timing)
    return [
      {
        source: region,
        datums: [...resultDatums(results, ctx, run.latency), ...heartbeats(run, region, ctx, voted)],
      },
    ];
  const byFunction = new Map<string, MetricDatum[]>();
  const add = (key: string, datums: MetricDatum[]) => {
    const list = byFunction.get(key);
    if (list) list.push(...datums);
    else byFunction.set(key, datums);
  };
  for (const { tier, shard } of run.plan.shards)
    add(`${tier}/${shard}`, [heartbeatDatum(region, tier, shard, voted, ctx)]);
  for (const r of results) add(run.shardOf.get(r.dependency) ?? r.tier, resultDatums([r], ctx, run.latency));
  return [...byFunction].map(([key, datums]) => ({ source: `${region}/${key}`, datums }));
}

/**
 * Probes every voting region once. Regions whose stand-in for a dependency behaves the same share one real
 * probe (they run on this one machine, so a second probe of the same server would only measure local noise);
 * each region still gets its own result. For the same reason a stand-in already probed in its current state is
 * not probed again: its result holds (see `Run.answers`). Silent regions report nothing; abstaining ones (egress down) probe
 * nothing.
 */
async function probeRound(run: Run, standIns: StandIns, s: number, now: number): Promise<RoundResults> {
  const { config, scenario } = run;
  const modes = new Map(config.probeRegions.map((r) => [r, regionModeAt(scenario, r, s)]));
  const live = config.probeRegions.filter((r) => modes.get(r) === 'voting');
  const { assignments, sharers, reused } = await assignProbes(run, standIns, live, s, now);
  const probedResults = await Promise.all(
    live.map((region) => probeRegion(run, standIns, region, assignments.get(region) ?? [], now)),
  );
  const byRegion = new Map<string, ProbeResult[]>(live.map((r) => [r, []]));
  for (const r of probedResults.flat()) {
    run.probeCount++;
    for (const region of sharers.get(`${r.region}\u0000${r.dependency}`) ?? [r.region])
      byRegion.get(region)?.push({ ...r, region });
  }
  for (const r of reused) byRegion.get(r.region)?.push(r);
  for (const region of live)
    for (const d of run.dnsDeps)
      byRegion.get(region)?.push(dnsResult(d, region, now, stateAt(scenario, d.id, region, s)));
  return config.probeRegions.map((region) => ({
    region,
    mode: modes.get(region) ?? 'voting',
    results: byRegion.get(region),
  }));
}

const UP: StandInState = { kind: 'up' };
const stateKey = (st: StandInState) => JSON.stringify(st);
/**
 * What a stand-in's answer depends on: its dependency, its state, and the certificate it serves (a `cert-expires`
 * one is issued again when the days it has left change).
 */
const answerKey = (standIns: StandIns, d: Dependency, st: StandInState) =>
  `${d.id}\u0000${stateKey(st)}\u0000${standIns.certificateServed(d.id) ?? ''}`;

/** Reasons a busy machine alone can give. */
const BUSY_REASONS: ReadonlySet<string> = new Set(['SLOW', 'TIMEOUT', 'CYCLE_DEADLINE']);

/**
 * Whether a result may stand for its state until the state changes. A slow or timed-out answer from a stand-in
 * whose state is not `slow` (or one cut by the round's deadline) came from this machine being busy, not from the scenario: it counts for its round
 * only (as every probe did before results were held), and the next round probes again.
 */
export function holds(state: StandInState, result: Pick<ProbeResult, 'reason'>): boolean {
  return state.kind === 'slow' || !BUSY_REASONS.has(result.reason ?? '');
}

/** The state a dependency's stand-in takes: a "*" event skips checks it cannot apply to. */
function effectiveState(run: Run, d: Dependency, region: string, s: number): StandInState {
  const st = stateAt(run.scenario, d.id, region, s);
  return stateFits(st, d) ? st : UP;
}

/**
 * Sets every stand-in to the scenario's state at `s` and picks, per dependency, one region to probe each
 * distinct state; `sharers` maps "<region>\0<dep>" to the regions that take that probe's result; `reused` are
 * the held results of slow states already probed.
 */
async function assignProbes(run: Run, standIns: StandIns, live: readonly string[], s: number, now: number) {
  const assignments = new Map<string, Dependency[]>(live.map((r) => [r, []]));
  const sharers = new Map<string, string[]>();
  const reused: ProbeResult[] = [];
  for (const d of run.config.dependencies) {
    const seen = new Map<string, string>();
    const first = live[0] === undefined ? UP : effectiveState(run, d, live[0], s);
    // The certificate follows the scenario's clock: issued to expire as far ahead as the scenario says.
    if (d.check.kind !== 'dns')
      standIns.setCertificate(
        d.id,
        first.kind === 'cert-expires' ? first.atSeconds * 1000 - (now - run.start) : undefined,
      );
    for (const region of live) {
      const st = effectiveState(run, d, region, s);
      standIns.set(d.id, region, st);
      await standIns.prepare(d.id, region, st);
      const cached = run.answers.get(answerKey(standIns, d, st));
      if (cached) {
        reused.push({ ...cached, region, time: now });
        continue;
      }
      const rep = seen.get(stateKey(st));
      if (rep === undefined) {
        seen.set(stateKey(st), region);
        const sd = run.probed.get(d.id);
        if (sd) assignments.get(region)?.push(sd);
        sharers.set(`${region}\u0000${d.id}`, [region]);
      } else sharers.get(`${rep}\u0000${d.id}`)?.push(region);
    }
  }
  return { assignments, sharers, reused };
}

/** Probes `deps` from one region against their stand-ins; latencies are scaled back to scenario time. */
async function probeRegion(
  run: Run,
  standIns: StandIns,
  region: string,
  deps: readonly Dependency[],
  now: number,
): Promise<ProbeResult[]> {
  if (deps.length === 0) return [];
  // Each dependency is probed with its own stand-in's override only: dependencies that share a host
  // (one vendor's APIs, or 127.0.0.1 in a local config) must still reach their own stand-ins.
  const probeOne = async (d: Dependency) => {
    const key = answerKey(standIns, d, standIns.stateOf(d.id, region));
    const results = await probeAll([d], {
      region,
      hostOverrides: standIns.overrides(region, d.id),
      extraCa: standIns.extraCa,
      secrets: SIMULATED_SECRETS,
      now: () => now,
    });
    const state = standIns.stateOf(d.id, region);
    return results.map((r) => {
      const held = { ...r, latencyMs: Math.round(r.latencyMs / run.timeScale) };
      if (holds(state, held)) run.answers.set(key, held);
      return held;
    });
  };
  // Stand-ins are probed a few at a time, so each latency is nearly that probe's own and not the CPU time of a
  // thousand TLS handshakes sharing one machine; slow ones wait on timers, so they go together.
  const isSlow = (d: Dependency) => standIns.stateOf(d.id, region).kind === 'slow';
  const [fast, slow] = await Promise.all([
    inPool(
      deps.filter((d) => !isSlow(d)),
      HEALTHY_PROBE_CONCURRENCY,
      probeOne,
    ).then((r) => r.flat()),
    Promise.all(deps.filter(isSlow).map(probeOne)).then((r) => r.flat()),
  ]);
  return [...fast, ...slow];
}

/** `f` over `items`, at most `limit` at a time; results in the items' order. */
async function inPool<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Records a round's probe changes and what it saw; returns what the probe functions would publish. */
function recordRound(run: Run, perRegion: RoundResults, s: number, ctx: RoundContext): Publish[] {
  const datums: Publish[] = [];
  run.failingNow.clear();
  for (const { region, mode, results } of perRegion) {
    if (mode !== 'voting' || !results) {
      // Silent: nothing at all. Abstaining (egress down): a heartbeat of 0 and no votes.
      if (mode === 'abstaining') datums.push(...regionPublishes(run, region, [], ctx, false));
      for (const d of run.config.dependencies)
        noteStatus(run, s, mode, {
          dependency: d.id,
          region,
          status: 'silent',
          ...(mode === 'abstaining'
            ? { detail: "abstained: the region's own egress check failed, so it cast no vote" }
            : {}),
        });
      continue;
    }
    datums.push(...regionPublishes(run, region, results, ctx));
    for (const r of results) {
      const seen = run.failingNow.get(r.dependency) ?? {
        regions: [],
        degradedRegions: [],
        reasons: [],
        reporting: 0,
      };
      seen.reporting++;
      if (r.status === 'down') seen.regions.push(region);
      if (r.status === 'degraded') seen.degradedRegions.push(region);
      if (r.reason) seen.reasons.push(r.reason);
      run.failingNow.set(r.dependency, seen);
      noteStatus(run, s, r.status, {
        dependency: r.dependency,
        region,
        status: r.status,
        latencyMs: r.latencyMs,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.detail ? { detail: r.detail } : {}),
      });
    }
  }
  return datums;
}

/** Keeps a probe status when it differs from the last one of its dependency and region. */
function noteStatus(run: Run, s: number, status: string, change: Omit<SimProbeChange, 'atSeconds'>): void {
  const key = `${change.dependency}\u0000${change.region}`;
  if (run.lastStatus.get(key) === status) return;
  run.lastStatus.set(key, status);
  run.probes.push({ atSeconds: s, ...change });
}

/**
 * Alarm actions reach the paging core at their own time, with every alarm's state as it is then (a
 * composite's wait period can end half an interval before a member's down alarm returns to OK).
 */
async function deliverActions(run: Run, now: number, end: number): Promise<void> {
  for (let t = now + ACTION_STEP_MS; t <= end; t += ACTION_STEP_MS) {
    const t0 = performance.now();
    const { actions } = run.evaluator.advanceTo(t);
    const t1 = lap(run, 'evaluation', t0);
    for (const inv of actions) await deliverAction(run, inv);
    await recheckCoreEvidence(run, t, actions.length > 0);
    lap(run, 'pages', t1);
  }
}

/**
 * External pages waiting for core's evidence are released as the notify function would release them: each
 * invocation (an alarm action, or its one-minute tick) decides, then polls every `CORE_EVIDENCE_POLL_MS` for
 * `CORE_EVIDENCE_POLL_BUDGET_MS`; between those windows nothing reads the votes.
 */
async function recheckCoreEvidence(run: Run, t: number, acted: boolean): Promise<void> {
  const minuteTick = t % 60_000 === 0;
  if (acted || minuteTick) run.notifyFrom = t;
  if (acted) run.evidenceWaiting = await anyWaitingForEvidence(run.store);
  if (!run.evidenceWaiting) return;
  const since = t - (run.notifyFrom ?? t);
  const poll = since > 0 && since % CORE_EVIDENCE_POLL_MS === 0 && notifyPolling(run, t);
  if (!(minuteTick && !acted) && !poll) return;
  run.pageLog.push(...(await handlePagingTick(pagingContext(run, t))).records);
  run.evidenceWaiting = await anyWaitingForEvidence(run.store);
}

/** Whether the notify function would be deciding or polling at `t` (within its latest invocation's window). */
const notifyPolling = (run: Run, t: number): boolean =>
  run.notifyFrom !== undefined && t >= run.notifyFrom && t - run.notifyFrom <= CORE_EVIDENCE_POLL_BUDGET_MS;

async function anyWaitingForEvidence(store: MemoryPageStateStore): Promise<boolean> {
  return (await store.list()).some(waitsForCoreEvidence);
}

/** One alarm action: a suppressed one may be a held page; an ALARM or OK one goes to the paging core. */
async function deliverAction(run: Run, inv: ActionInvocation): Promise<void> {
  run.held.heldBySuppressor(inv);
  if (inv.suppressed) return;
  if (inv.state !== 'ALARM' && inv.state !== 'OK') return;
  const message: AlarmStateChangeMessage = {
    AlarmName: inv.alarm,
    NewStateValue: inv.state,
    OldStateValue: inv.transition.from,
    NewStateReason: inv.transition.reason,
    StateChangeTime: isoCW(inv.transition.at),
    AlarmActions: inv.state === 'ALARM' ? inv.actions : [],
    OKActions: inv.state === 'OK' ? inv.actions : [],
  };
  const r = await handleAlarmStateChange(message, pagingContext(run, inv.at));
  run.pageLog.push(...r.records);
}

/**
 * What the paging core sees at `now`: the evaluator's alarm states and when each entered it, and what the latest
 * round saw (failing and degraded regions, reasons, how many regions voted).
 */
function pagingContext(run: Run, now: number): PagingContext {
  return {
    config: run.config,
    plan: run.plan,
    store: run.store,
    now: new Date(now),
    alarmState: (name) => (run.knownAlarms.has(name) ? run.evaluator.state(name) : undefined),
    failing: (dep) => {
      const f = run.failingNow.get(dep);
      return {
        regions: f?.regions ?? [],
        degradedRegions: f?.degradedRegions ?? [],
        reasons: [...new Set(f?.reasons ?? [])],
        reporting: f?.reporting ?? 0,
      };
    },
    votes: async (dependencies) => storeVotes(run.evaluator.store, run.config, dependencies, now),
    alarmChangedAt: (name) => {
      // The last transition at or before now: what DescribeAlarms' StateUpdatedTimestamp says in AWS.
      const ts = run.evaluator.transitions;
      for (let i = ts.length - 1; i >= 0; i--) {
        const t = ts[i]!;
        if (t.alarm === name && t.at <= now) return new Date(t.at);
      }
      return undefined;
    },
  };
}

/** The run as the result model: everything after T+0, pages folded per alarm event. */
function collectResult(run: Run, wallMs: number): Simulation {
  const { evaluator, alarmSet, start } = run;
  const at = (ms: number) => Math.round((ms - start) / 1000);
  return {
    scenario: scenarioInfo(run.scenario, run.config),
    alarms: evaluator.transitions
      .filter((t) => t.at > start)
      .map((t) => ({
        atSeconds: at(t.at),
        alarm: t.alarm,
        kind: t.kind,
        from: t.from,
        to: t.to,
        reason: t.reason,
      })),
    pages: sentPages(run.pageLog, start, run.config),
    held: run.held.all(run.pageLog),
    probes: run.probes,
    actions: evaluator.actions
      .filter((a) => a.at > start)
      .map((a) => ({
        atSeconds: at(a.at),
        alarm: a.alarm,
        state: a.state,
        actions: a.actions,
        ...(a.suppressed ? { suppressed: a.suppressed } : {}),
        ...(a.deferredBy ? { deferredBy: a.deferredBy } : {}),
      })),
    pageLog: run.pageLog,
    alarmCatalog: alarmCatalog(run.plan),
    notes: run.notes,
    stats: {
      rounds: run.rounds,
      probes: run.probeCount,
      alarms: alarmSet.metricAlarms.length + alarmSet.compositeAlarms.length,
      wallMs,
    },
  };
}

function scenarioInfo(scenario: Scenario, config: MonitorConfig): SimScenario {
  return {
    name: scenario.name,
    file: scenario.file,
    ...(scenario.description ? { description: scenario.description } : {}),
    start: scenario.start.toISOString(),
    durationSeconds: scenario.durationSeconds,
    monitor: config.name,
    timeZone: config.timeZone,
    intervalSeconds: config.intervalSeconds,
    probeRegions: config.probeRegions,
    dependencies: config.dependencies.map((d) => ({
      id: d.id,
      name: d.name,
      tier: d.tier,
      critical: d.critical,
      ...(d.group ? { group: d.group } : {}),
    })),
    ...(scenario.response.length > 0 ? { response: scenario.response } : {}),
  };
}

function alarmCatalog(plan: AlarmPlan): AlarmCatalog {
  return {
    alarms: plan.alarms.map((a) => ({
      name: a.name,
      description: a.description,
      ...(a.pageKind ? { pageKind: a.pageKind } : {}),
      dependencies: a.dependencies,
      ...(a.region ? { region: a.region } : {}),
    })),
  };
}

/** What each channel of the record's route receives, credentials as their references. */
function routeDeliveries(config: MonitorConfig, r: PageLogRecord): ChannelDelivery[] {
  const route = config.routes.find((x) => x.id === r.route);
  const channels = (route?.channels ?? []).flatMap((id) => config.channels.filter((c) => c.id === id));
  return channels.map((c) => channelDelivery(config, c, r));
}

/** One page per alarm event (the paging core writes one record per route). */
function sentPages(log: readonly PageLogRecord[], start: number, config: MonitorConfig): SimPage[] {
  const pages = new Map<string, SimPage>();
  for (const r of log) {
    if (r.outcome !== 'sent') continue;
    const key = `${r.alarmName}#${r.alarmTime}#${r.resolved}#${r.kind}#${r.subject}`;
    const prev = pages.get(key);
    if (prev) {
      if (r.route)
        pages.set(key, {
          ...prev,
          routes: [...prev.routes, r.route],
          deliveries: [...prev.deliveries, ...routeDeliveries(config, r)],
        });
      continue;
    }
    pages.set(key, {
      atSeconds: Math.round((Date.parse(r.at) - start) / 1000),
      kind: r.kind,
      severity: r.severity,
      dependencies: r.dependencies,
      subject: r.subject,
      resolved: r.resolved,
      alarm: r.alarmName,
      routes: r.route ? [r.route] : [],
      regions: r.failingRegions,
      text: r.messages.email,
      sms: r.messages.sms,
      deliveries: routeDeliveries(config, r),
    });
  }
  return [...pages.values()].sort((a, b) => a.atSeconds - b.atSeconds);
}
