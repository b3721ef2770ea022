// The scenario runner: stand-ins on 127.0.0.1 behave as the scenario says, the real probe engine probes them
// from every probe region each interval, results become datums (shared/metrics), the evaluator runs the
// template's alarms on a virtual clock, and alarm actions go through the real paging core (shared/pages).
import { type AlarmPlan, alarmNames, buildAlarmPlan, evaluateRule } from '#shared/alarms';
import { type Dependency, type MonitorConfig, type SecretResolver, TIERS } from '#shared/config';
import { alignRound, heartbeatDatum, type MetricDatum, resultDatums } from '#shared/metrics';
import {
  type AlarmStateChangeMessage,
  handleAlarmStateChange,
  handlePagingTick,
  MemoryPageStateStore,
  type PageLogRecord,
  type PagingContext,
  SEVERITY,
} from '#shared/pages';
import { type ProbeResult, probeAll } from '#shared/probe';
import type { AlarmCatalog } from '#shared/timeline';
import { type ActionInvocation, AlarmEvaluator, EVALUATION_RANGE_EXTRA } from './evaluator.ts';
import { checkScenario, regionSilentAt, type Scenario, type StandInState, stateAt } from './scenario.ts';
import { StandIns } from './standins.ts';
import { alarmsFromTemplate } from './template.ts';

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
}

export interface SimAlarm {
  readonly atSeconds: number;
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** What every page, sent or held, says about itself. */
interface SimPageBase {
  readonly atSeconds: number;
  readonly kind: string;
  readonly severity: string;
  readonly dependencies: readonly string[];
  readonly subject: string;
  readonly resolved: boolean;
  readonly alarm: string;
}

export interface SimPageOut extends SimPageBase {
  readonly routes: readonly string[];
  readonly regions: readonly string[];
  /** The email text, as on-call receives it. */
  readonly text: string;
  readonly sms: string;
}

export interface SimHeld extends SimPageBase {
  /** core-outage, maintenance, duplicate, flapping, no-route… */
  readonly reason: string;
  readonly detail: string;
}

export interface SimProbeChange {
  readonly atSeconds: number;
  readonly dependency: string;
  readonly region: string;
  readonly status: 'up' | 'down' | 'degraded' | 'silent';
  readonly latencyMs?: number;
  readonly reason?: string;
  readonly detail?: string;
}

export interface SimulationResult {
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly description?: string;
    readonly start: string;
    readonly durationSeconds: number;
    readonly monitor: string;
    readonly timeZone: string;
    readonly intervalSeconds: number;
    readonly probeRegions: readonly string[];
    readonly dependencies: readonly {
      readonly id: string;
      readonly name: string;
      readonly tier: string;
      readonly critical: boolean;
      readonly group?: string;
    }[];
  };
  readonly alarms: readonly SimAlarm[];
  readonly pages: readonly SimPageOut[];
  readonly held: readonly SimHeld[];
  /** Probe status per dependency and region: the first round, then every change. */
  readonly probes: readonly SimProbeChange[];
  /** Every alarm action CloudWatch would have invoked (or suppressed). */
  readonly actions: readonly {
    readonly atSeconds: number;
    readonly alarm: string;
    readonly state: string;
    readonly actions: readonly string[];
    readonly suppressed?: string;
    readonly deferredBy?: string;
  }[];
  readonly pageLog: readonly PageLogRecord[];
  /** Each alarm's page kind and dependencies, from the alarm plan: the rehearsal account names them. */
  readonly alarmCatalog: AlarmCatalog;
  readonly notes: readonly string[];
  readonly stats: {
    readonly rounds: number;
    readonly probes: number;
    readonly alarms: number;
    readonly wallMs: number;
  };
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

export async function runScenario(opts: RunOptions): Promise<SimulationResult> {
  const wall0 = performance.now();
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
  });
  const notes: string[] = [];
  if (config.dependencies.some((d) => d.check.kind === 'dns'))
    notes.push('DNS checks have no stand-in server: their results follow the scenario directly.');

  const store = new MemoryPageStateStore();
  const failingNow = new Map<string, string[]>();
  const knownAlarms = new Set([...alarmSet.metricAlarms, ...alarmSet.compositeAlarms].map((a) => a.name));
  const pagingCtx = (now: number): PagingContext => ({
    config,
    plan,
    store,
    now: new Date(now),
    alarmState: (name) => (knownAlarms.has(name) ? evaluator.state(name) : undefined),
    failing: (dep) => ({ regions: failingNow.get(dep) ?? [] }),
  });

  const pageLog: PageLogRecord[] = [];
  const held: SimHeld[] = [];
  const probes: SimProbeChange[] = [];
  const lastStatus = new Map<string, string>();
  const at = (ms: number) => Math.round((ms - start) / 1000);

  const onAction = async (inv: ActionInvocation) => {
    const spec = plan.alarms.find((a) => a.name === inv.alarm);
    if (inv.suppressed === 'suppressor-alarm' && spec?.pageKind && inv.state === 'ALARM') {
      const suppressor = spec.type === 'composite' ? spec.suppressor?.alarm : undefined;
      held.push({
        atSeconds: at(inv.at),
        kind: spec.pageKind,
        severity: SEVERITY[spec.pageKind],
        dependencies: spec.dependencies,
        subject: `${spec.pageKind} for ${spec.group ?? spec.dependencies.join(', ')} held back`,
        resolved: false,
        alarm: inv.alarm,
        reason: suppressor === alarmNames.coreOutage(config) ? 'core-outage' : 'suppressed',
        detail: `ActionsSuppressor ${suppressor ?? '?'} is in ALARM: CloudWatch did not run the alarm actions`,
      });
    }
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
    const r = await handleAlarmStateChange(message, pagingCtx(inv.at));
    pageLog.push(...r.records);
  };

  // A composite held back by its rule (NOT ALARM(core-outage)) rather than by suppression: shown as held.
  const ruleHeld = new Set<string>();
  const checkRuleHeld = (now: number) => {
    for (const c of alarmSet.compositeAlarms) {
      if (!c.suppressor) continue;
      const spec = plan.alarms.find((a) => a.name === c.name);
      if (!spec?.pageKind) continue;
      const holder = c.suppressor;
      const would =
        evaluator.state(holder) === 'ALARM' &&
        evaluator.state(c.name) !== 'ALARM' &&
        evaluateRule(c.rule, (n) => (n === holder ? 'OK' : evaluator.state(n)));
      if (would && !ruleHeld.has(c.name)) {
        ruleHeld.add(c.name);
        // Already reported this minute as a suppressed action: one held page per episode.
        if (held.some((h) => h.alarm === c.name && h.atSeconds === at(now))) continue;
        const down = spec.dependencies.filter((d) => evaluator.state(alarmNames.down(config, d)) === 'ALARM');
        held.push({
          atSeconds: at(now),
          kind: spec.pageKind,
          severity: SEVERITY[spec.pageKind],
          dependencies: down.length > 0 ? down : spec.dependencies,
          subject: `${spec.pageKind} for ${spec.group ?? spec.dependencies.join(', ')} held back`,
          resolved: false,
          alarm: c.name,
          reason: holder === alarmNames.coreOutage(config) ? 'core-outage' : 'suppressed',
          detail: `${holder} is in ALARM: the rule's NOT ALARM("${holder}") keeps ${c.name} out of ALARM`,
        });
      } else if (!would) ruleHeld.delete(c.name);
    }
  };

  const standIns = await StandIns.start(config, timeScale);
  const interval = config.intervalSeconds;
  const probed = config.dependencies.filter((d) => d.check.kind !== 'dns').map((d) => scaled(d, timeScale));
  const dnsDeps = config.dependencies.filter((d) => d.check.kind === 'dns');
  // Heartbeats per tier: one per probe shard the template's heartbeat alarms watch.
  const shards = new Map(TIERS.map((t) => [t, plan.shards.filter((s) => s.tier === t).length]));
  let rounds = 0;
  let probeCount = 0;
  const byId = new Map(probed.map((d) => [d.id, d]));
  const stateKey = (st: StandInState) => JSON.stringify(st);
  /**
   * One round. Regions whose stand-in for a dependency behaves the same share one real probe (they run on
   * this one machine, so a second probe of the same server would only measure local noise); each region
   * still gets its own result.
   */
  const probeRound = async (s: number, now: number) => {
    const live = config.probeRegions.filter((r) => !regionSilentAt(scenario, r, s));
    const assignments = new Map<string, Dependency[]>(live.map((r) => [r, []]));
    const sharers = new Map<string, string[]>(); // "<region>\0<dep>" → regions that take its result
    for (const d of config.dependencies) {
      const seen = new Map<string, string>();
      for (const region of live) {
        const st = stateAt(scenario, d.id, region, s);
        standIns.set(d.id, region, st);
        const rep = seen.get(stateKey(st));
        if (rep === undefined) {
          seen.set(stateKey(st), region);
          const sd = byId.get(d.id);
          if (sd) assignments.get(region)?.push(sd);
          sharers.set(`${region}\u0000${d.id}`, [region]);
        } else sharers.get(`${rep}\u0000${d.id}`)?.push(region);
      }
    }
    const probedResults = await Promise.all(
      live.map(async (region) => {
        const deps = assignments.get(region) ?? [];
        if (deps.length === 0) return [];
        // Each dependency is probed with its own stand-in's override only: dependencies that share a host
        // (one vendor's APIs, or 127.0.0.1 in a local config) must still reach their own stand-ins.
        const probeOne = (d: Dependency) =>
          probeAll([d], {
            region,
            hostOverrides: standIns.overrides(region, d.id),
            extraCa: standIns.extraCa,
            secrets: SIMULATED_SECRETS,
            now: () => now,
          });
        // Healthy stand-ins are probed one at a time, so each latency is that probe's own and not the CPU
        // time of thirty TLS handshakes sharing one machine; slow ones wait on timers, so they go together.
        const isSlow = (d: Dependency) => standIns.stateOf(d.id, region).kind === 'slow';
        const [fast, slow] = await Promise.all([
          (async () => {
            const out: ProbeResult[] = [];
            for (const d of deps.filter((d) => !isSlow(d))) out.push(...(await probeOne(d)));
            return out;
          })(),
          Promise.all(deps.filter(isSlow).map(probeOne)).then((r) => r.flat()),
        ]);
        return [...fast, ...slow].map((r) => ({ ...r, latencyMs: Math.round(r.latencyMs / timeScale) }));
      }),
    );
    const byRegion = new Map<string, ProbeResult[]>(live.map((r) => [r, []]));
    for (const r of probedResults.flat()) {
      probeCount++;
      for (const region of sharers.get(`${r.region}\u0000${r.dependency}`) ?? [r.region])
        byRegion.get(region)?.push({ ...r, region });
    }
    for (const region of live)
      for (const d of dnsDeps)
        byRegion.get(region)?.push(dnsResult(d, region, now, stateAt(scenario, d.id, region, s)));
    return config.probeRegions.map((region) => ({ region, results: byRegion.get(region) }));
  };

  const shardsOf = (tier: (typeof TIERS)[number]) => shards.get(tier) ?? 0;
  for (let w = -warmSeconds; w < 0; w += interval) {
    const now = start + w * 1000;
    const roundCtx = { roundTime: alignRound(now, interval), intervalSeconds: interval };
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
      datums.push(...resultDatums(healthy, roundCtx));
      for (const tier of TIERS)
        for (let shard = 0; shard < shardsOf(tier); shard++)
          datums.push(heartbeatDatum(region, tier, shard, true, roundCtx));
    }
    evaluator.put(datums, config.namespace);
    evaluator.advanceTo(now + interval * 1000);
  }
  evaluator.advanceTo(start);

  try {
    // One discarded round first: TLS and JIT warm-up would otherwise show as latency in the first minute.
    await probeRound(0, start);
    probeCount = 0;
    for (let s = 0; s < scenario.durationSeconds; s += interval) {
      const now = start + s * 1000;
      const roundCtx = { roundTime: alignRound(now, interval), intervalSeconds: interval };
      const perRegion = await probeRound(s, now);
      const datums: MetricDatum[] = [];
      failingNow.clear();
      for (const { region, results } of perRegion) {
        if (!results) {
          for (const d of config.dependencies) {
            const key = `${d.id}\u0000${region}`;
            if (lastStatus.get(key) !== 'silent') {
              lastStatus.set(key, 'silent');
              probes.push({ atSeconds: s, dependency: d.id, region, status: 'silent' });
            }
          }
          continue;
        }
        datums.push(...resultDatums(results, roundCtx));
        for (const tier of TIERS)
          for (let shard = 0; shard < shardsOf(tier); shard++)
            datums.push(heartbeatDatum(region, tier, shard, true, roundCtx));
        for (const r of results) {
          if (r.status === 'down')
            failingNow.set(r.dependency, [...(failingNow.get(r.dependency) ?? []), region]);
          const key = `${r.dependency}\u0000${region}`;
          if (lastStatus.get(key) !== r.status) {
            lastStatus.set(key, r.status);
            probes.push({
              atSeconds: s,
              dependency: r.dependency,
              region,
              status: r.status,
              latencyMs: r.latencyMs,
              ...(r.reason ? { reason: r.reason } : {}),
              ...(r.detail ? { detail: r.detail } : {}),
            });
          }
        }
      }
      evaluator.put(datums, config.namespace);
      // Alarm actions reach the paging core at their own time, with every alarm's state as it is then (a
      // composite's wait period can end half an interval before a member's down alarm returns to OK).
      for (let t = now + ACTION_STEP_MS; t <= now + interval * 1000; t += ACTION_STEP_MS) {
        for (const inv of evaluator.advanceTo(t).actions) await onAction(inv);
      }
      checkRuleHeld(now + interval * 1000);
      pageLog.push(...(await handlePagingTick(pagingCtx(now + interval * 1000))).records);
      rounds++;
      opts.onProgress?.(s + interval, scenario.durationSeconds);
    }
  } finally {
    await standIns.close();
  }

  return {
    scenario: {
      name: scenario.name,
      file: scenario.file,
      ...(scenario.description ? { description: scenario.description } : {}),
      start: scenario.start.toISOString(),
      durationSeconds: scenario.durationSeconds,
      monitor: config.name,
      timeZone: config.timeZone,
      intervalSeconds: interval,
      probeRegions: config.probeRegions,
      dependencies: config.dependencies.map((d) => ({
        id: d.id,
        name: d.name,
        tier: d.tier,
        critical: d.critical,
        ...(d.group ? { group: d.group } : {}),
      })),
    },
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
    ...splitPages(pageLog, start),
    held: [...held, ...heldFromLog(pageLog, start)].sort((a, b) => a.atSeconds - b.atSeconds),
    probes,
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
    pageLog,
    alarmCatalog: {
      alarms: plan.alarms.map((a) => ({
        name: a.name,
        description: a.description,
        ...(a.pageKind ? { pageKind: a.pageKind } : {}),
        dependencies: a.dependencies,
        ...(a.region ? { region: a.region } : {}),
      })),
    },
    notes,
    stats: {
      rounds,
      probes: probeCount,
      alarms: alarmSet.metricAlarms.length + alarmSet.compositeAlarms.length,
      wallMs: Math.round(performance.now() - wall0),
    },
  };
}

/** One page per alarm event (the paging core writes one record per route). */
function splitPages(log: readonly PageLogRecord[], start: number): { pages: SimPageOut[] } {
  const pages = new Map<string, SimPageOut>();
  for (const r of log) {
    if (r.outcome !== 'sent') continue;
    const key = `${r.alarmName}#${r.alarmTime}#${r.resolved}#${r.kind}#${r.subject}`;
    const prev = pages.get(key);
    if (prev) {
      if (r.route) pages.set(key, { ...prev, routes: [...prev.routes, r.route] });
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
    });
  }
  return { pages: [...pages.values()].sort((a, b) => a.atSeconds - b.atSeconds) };
}

function heldFromLog(log: readonly PageLogRecord[], start: number): SimHeld[] {
  const seen = new Set<string>();
  const out: SimHeld[] = [];
  for (const r of log) {
    if (r.outcome !== 'held') continue;
    const key = `${r.alarmName}#${r.alarmTime}#${r.resolved}#${r.heldReason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      atSeconds: Math.round((Date.parse(r.at) - start) / 1000),
      kind: r.kind,
      severity: r.severity,
      dependencies: r.dependencies,
      subject: r.subject,
      resolved: r.resolved,
      alarm: r.alarmName,
      reason: r.heldReason ?? 'held',
      detail: r.heldDetail ?? '',
    });
  }
  return out;
}
