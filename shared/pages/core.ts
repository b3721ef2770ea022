// The paging core: an alarm state change (or the clock) in, page decisions out. Pure but for the state
// store it is handed; the notify function and the simulator both run exactly this.

import { type AlarmSpec, type AlarmState, alarmNames, findAlarm, routesFor } from '#shared/alarms';
import type { Dependency, PageKind } from '#shared/config';
import {
  type CoreVerdict,
  coreDependencyIds,
  coreEvidenceMaxWaitMs,
  coreVerdict,
  partnerAnchor,
  roundsToAlarm,
  waitsForCoreEvidence,
} from './core-evidence.ts';
import { formatPage, type PageInput } from './format.ts';
import type { HeldReason, PageLogRecord } from './log.ts';
import { activeMaintenance } from './maintenance.ts';
import type {
  AlarmStateChangeMessage,
  FailingEvidence,
  PagingContext,
  PagingResult,
  SubjectState,
} from './types.ts';

/** Event keys remembered per alarm for duplicate detection (SNS delivers at least once). */
const RECENT_EVENTS_KEPT = 20;

/** "2026-11-26T02:06:13.145+0000" (CloudWatch's form) → "2026-11-26T02:06:13.145Z". */
function normalizeTime(t: string): string {
  const ms = Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/**
 * How long an OK must hold before its resolved goes out, in ms: one evaluation window of the alarm
 * (N periods), or `policy.stableMinutes` once the incident is flapping. The short wait is what lets a
 * partner that drops for a minute and comes back for a minute page once instead of on every flip.
 */
function settleMs(ctx: PagingContext, alarm: AlarmSpec | undefined, flapping: boolean): number {
  const { config, plan } = ctx;
  if (flapping) return config.policy.stableMinutes * 60_000;
  // A composite follows the down alarms: their period (plan.period), not a minute, at 10 s and 15 s intervals.
  const period = alarm?.type === 'metric' ? alarm.period : plan.period;
  return Math.max(60, config.policy.evaluationPeriods * period) * 1000;
}

const initialState = (alarmName: string): SubjectState => ({
  alarmName,
  lastState: 'OK',
  open: false,
  paged: false,
  transitions: [],
  flapping: false,
  flapNoticeSent: false,
});

/**
 * Turns one CloudWatch alarm state change into page decisions.
 *
 * - Alarms without a page kind (down, heartbeat, the split parts) and INSUFFICIENT_DATA transitions give nothing.
 * - ALARM opens an incident and pages its kind's routes, unless held: every dependency in a maintenance
 *   window (`maintenance`), an external page while core-outage is in ALARM (`core-outage`), no route for
 *   the kind (`no-route`), the same event again (`duplicate`), an incident already open (`already-open`,
 *   or `flapping` when it re-alarms while its resolved is settling).
 * - An external OK while core-outage or blind-third-party is in ALARM is not a recovery: held (`core-outage`,
 *   `monitor-blind`); the incident is released when core recovers or the probes see again.
 * - OK starts the settle time; the resolved goes out when it has held (see `settleMs`), from this function
 *   or `handlePagingTick`, whichever runs first after it is due.
 * - Flapping: `policy.flapTransitions` ALARM/OK changes within `policy.flapWindowMinutes` mark the incident
 *   flapping; one notice says so, and the resolved then waits for `policy.stableMinutes` of OK.
 */
export async function handleAlarmStateChange(
  event: AlarmStateChangeMessage,
  ctx: PagingContext,
): Promise<PagingResult> {
  const records: PageLogRecord[] = [];
  const alarm = findAlarm(ctx.plan, event.AlarmName);
  if (alarm?.pageKind && (event.NewStateValue === 'ALARM' || event.NewStateValue === 'OK')) {
    records.push(...(await handleEvent(event, alarm, alarm.pageKind, ctx)));
  }
  records.push(...(await handlePagingTick(ctx)).records);
  return { records };
}

/**
 * Sends the resolved pages that have come due (OK held for the settle time). The notify function runs it
 * every minute on a schedule; the simulator calls it as its clock advances.
 */
export async function handlePagingTick(ctx: PagingContext): Promise<PagingResult> {
  const records: PageLogRecord[] = await releaseHeld(ctx);
  const now = ctx.now.getTime();
  const due = (await ctx.store.list()).sort(
    (a, b) =>
      (a.pendingResolveSince ?? '').localeCompare(b.pendingResolveSince ?? '') ||
      a.alarmName.localeCompare(b.alarmName),
  );
  for (const s of due) {
    // Members that went down after the page: the resolved names them too.
    const spec = s.open ? findAlarm(ctx.plan, s.alarmName) : undefined;
    if (spec && s.pendingResolveSince === undefined) {
      const joined = membersDown(spec, ctx).filter((id) => !(s.dependencies ?? []).includes(id));
      if (joined.length > 0)
        await ctx.store.put({ ...s, dependencies: [...(s.dependencies ?? []), ...joined] });
      continue;
    }
    if (!s.open || s.pendingResolveSince === undefined) continue;
    const alarm = findAlarm(ctx.plan, s.alarmName);
    if (!alarm?.pageKind) continue;
    if (now - Date.parse(s.pendingResolveSince) < settleMs(ctx, alarm, s.flapping)) continue;
    // Still OK? A re-ALARM not yet delivered would make this resolved a lie.
    if (ctx.alarmState(s.alarmName) === 'ALARM') continue;
    // Checked again when it is finally sent: probes that went blind while it settled saw no recovery.
    const seen = sight(incidentDependencies(s, alarm), alarm, ctx);
    if (seen.blind) {
      records.push(...blindHold(s, alarm, alarm.pageKind, ctx, seen, ctx.now.toISOString()));
      await ctx.store.put({ ...s, pendingResolveSince: undefined, blindSince: ctx.now.toISOString() });
      continue;
    }
    records.push(...(await resolveNow(s, alarm, alarm.pageKind, ctx, s.pendingResolveSince)));
  }
  return { records };
}

/** One alarm event in hand: its subject's state before it and the state it moves to, and a record builder. */
interface EventStep {
  readonly event: AlarmStateChangeMessage;
  readonly alarm: AlarmSpec;
  readonly kind: PageKind;
  readonly ctx: PagingContext;
  readonly eventTime: string;
  readonly eventKey: string;
  readonly prev: SubjectState;
  /** `prev` with this event counted: its state, key and transitions. */
  readonly base: SubjectState;
  /** ALARM/OK changes within the flap window, this one included. */
  readonly transitions: readonly string[];
  readonly flappingNow: boolean;
  readonly duplicate: boolean;
  readonly build: (extra: Partial<BuildArgs>) => PageLogRecord[];
}

async function handleEvent(
  event: AlarmStateChangeMessage,
  alarm: AlarmSpec,
  kind: PageKind,
  ctx: PagingContext,
): Promise<PageLogRecord[]> {
  const step = await beginEvent(event, alarm, kind, ctx);
  if (step.duplicate) {
    return step.build({
      held: 'duplicate',
      heldDetail: `already handled ${step.eventKey}`,
      idSuffix: 'duplicate',
    });
  }
  // An open incident whose ALARM page never went out (held while core was down, or muted by a window) is
  // opened by its next ALARM: paged now if nothing holds it any more.
  const pageOut = step.prev.paged && step.prev.mutedBy === undefined;
  if (event.NewStateValue === 'ALARM')
    return step.prev.open && pageOut ? realarmOpen(step) : openIncident(step);
  return handleOk(step);
}

/** Reads the subject's state and counts this event in it; writes nothing. */
async function beginEvent(
  event: AlarmStateChangeMessage,
  alarm: AlarmSpec,
  kind: PageKind,
  ctx: PagingContext,
): Promise<EventStep> {
  const { config } = ctx;
  const eventTime = normalizeTime(event.StateChangeTime);
  const eventKey = `${event.AlarmName}#${eventTime}`;
  const prev: SubjectState = (await ctx.store.get(event.AlarmName)) ?? initialState(event.AlarmName);
  const recent = prev.recentEvents ?? (prev.lastEventKey ? [prev.lastEventKey] : []);
  const windowStart = Date.parse(eventTime) - config.policy.flapWindowMinutes * 60_000;
  // An OK while blind, and the ALARM when the probes see again, are the monitor's changes, not the alarm's:
  // they do not count toward flapping.
  const counted =
    prev.blindSince === undefined && !(event.NewStateValue === 'OK' && blindNow(prev, alarm, ctx));
  const transitions = [...prev.transitions, ...(counted ? [eventTime] : [])].filter(
    (t) => Date.parse(t) >= windowStart,
  );
  const build = (extra: Partial<BuildArgs>) =>
    buildRecords({
      ctx,
      alarm,
      kind,
      event,
      eventTime,
      resolved: event.NewStateValue === 'OK',
      flapping: prev.flapping,
      since: prev.since ?? eventTime,
      // While an incident is open its page names what it named when it opened (plus any member down now).
      dependencies: prev.open ? openDependencies(prev, alarm, ctx) : affected(alarm, ctx, event),
      ...extra,
    });
  return {
    event,
    alarm,
    kind,
    ctx,
    eventTime,
    eventKey,
    prev,
    base: {
      ...prev,
      lastState: event.NewStateValue,
      lastEventKey: eventKey,
      recentEvents: [...recent, eventKey].slice(-RECENT_EVENTS_KEPT),
      transitions,
    },
    transitions,
    flappingNow: transitions.length >= config.policy.flapTransitions,
    duplicate: recent.includes(eventKey),
    build,
  };
}

/** ALARM while the incident is still open: never a second page; a flapping notice once, else held. */
async function realarmOpen(step: EventStep): Promise<PageLogRecord[]> {
  const { prev, base, transitions, ctx, build } = step;
  const next: SubjectState = {
    ...base,
    pendingResolveSince: undefined,
    recoveredAt: undefined,
    blindSince: undefined,
    flapping: prev.flapping || step.flappingNow,
  };
  if (next.flapping && prev.paged && !prev.flapNoticeSent) {
    const notice = build({ flapping: true, flapNotice: transitions.length, idSuffix: 'flapping' });
    await ctx.store.put({ ...next, flapNoticeSent: true });
    return notice;
  }
  const reason: HeldReason =
    prev.pendingResolveSince !== undefined && prev.blindSince === undefined ? 'flapping' : 'already-open';
  const out = build({
    held: reason,
    flapping: next.flapping,
    heldDetail:
      reason === 'flapping'
        ? `re-alarmed ${minutes(prev.pendingResolveSince!, step.eventTime)} min after OK; ${transitions.length} changes in ${ctx.config.policy.flapWindowMinutes} min`
        : `incident open since ${prev.since}`,
  });
  await ctx.store.put(next);
  return out;
}

/**
 * ALARM opening a new incident (or the ALARM of one opened but never paged): paged, unless every dependency is
 * in maintenance (paged when the window ends if still in ALARM) or core is down (paged when core recovers).
 */
async function openIncident(step: EventStep): Promise<PageLogRecord[]> {
  const { alarm, kind, ctx, event, eventTime, flappingNow, build, prev } = step;
  const { config } = ctx;
  const deps = affected(alarm, ctx, event);
  const failing = evidence(deps, ctx);
  // Since when the dependency has been failing: a page released late still says when it began.
  const since = prev.open && prev.since ? prev.since : (failingSince(alarm, deps, ctx) ?? eventTime);
  const incident: SubjectState = {
    ...step.base,
    open: true,
    since,
    flapping: flappingNow,
    flapNoticeSent: flappingNow,
    pendingResolveSince: undefined,
    recoveredAt: undefined,
    blindSince: undefined,
    heldFor: undefined,
    heldSince: undefined,
    mutedBy: undefined,
    dependencies: deps.map((d) => d.id),
    failingRegions: [...new Set(Object.values(failing).flatMap((e) => e.regions ?? []))],
  };
  const muted = mutingWindow(deps, ctx);
  const args = { since, dependencies: deps, flapping: flappingNow };
  if (muted) {
    const out = build({
      ...args,
      held: 'maintenance',
      heldDetail: `maintenance window ${muted.ids.join(', ')}${muted.reason ? `: ${muted.reason}` : ''}`,
    });
    // A muted incident still gets its resolved; if it outlasts the window it is paged when the window ends.
    await ctx.store.put({ ...incident, paged: true, mutedBy: muted.ids.join(', ') });
    return out;
  }
  const coreName = alarmNames.coreOutage(config);
  if (isExternal(alarm, kind) && ctx.alarmState(coreName) === 'ALARM') {
    const out = build({ ...args, held: 'core-outage', heldDetail: `${coreName} is in ALARM` });
    await ctx.store.put({ ...incident, paged: false, heldFor: 'core-outage' });
    return out;
  }
  const waiting = prev.heldFor === 'core-evidence' ? prev : undefined;
  const coreCheck =
    kind === 'external-outage' && ctx.votes ? await verdictFor(alarm, ctx, waiting) : undefined;
  if (coreCheck && coreCheck.verdict.state !== 'healthy') {
    // Core's alarm being OK is no evidence yet: its data may still be on its way. Released by releaseHeld.
    await ctx.store.put({
      ...incident,
      paged: false,
      heldFor: 'core-evidence',
      heldSince: waiting?.heldSince ?? eventTime,
      evidenceAnchor: coreCheck.anchor,
    });
    return [];
  }
  const sent = build(args);
  await ctx.store.put({ ...incident, paged: sent.some((r) => r.outcome === 'sent') });
  return sent;
}

/** The maintenance windows muting every one of these dependencies now; undefined when any is outside one. */
function mutingWindow(
  deps: readonly Dependency[],
  ctx: PagingContext,
): { ids: string[]; reason?: string } | undefined {
  if (deps.length === 0) return undefined;
  const windows = deps.map((d) => activeMaintenance(ctx.config, d.id, ctx.now));
  if (!windows.every((w) => w !== undefined)) return undefined;
  const reason = windows[0]?.reason;
  return { ids: [...new Set(windows.map((w) => w!.id))], ...(reason ? { reason } : {}) };
}

/** The earliest time a member down now entered ALARM (its down alarm, or the alarm itself), if known. */
function failingSince(alarm: AlarmSpec, deps: readonly Dependency[], ctx: PagingContext): string | undefined {
  if (alarm.role === 'blind-region') return undefined;
  const names =
    alarm.type === 'composite'
      ? deps.map((d) => alarmNames.down(ctx.config, d.id)).filter((n) => ctx.alarmState(n) === 'ALARM')
      : [alarm.name];
  const times = names
    .map((n) => ctx.alarmChangedAt?.(n)?.getTime())
    .filter((t): t is number => t !== undefined && t <= ctx.now.getTime());
  return times.length > 0 ? new Date(Math.min(...times)).toISOString() : undefined;
}

/**
 * When the incident's members were last seen to recover: the latest time a member's down alarm went OK (every
 * one OK), else `fallback`. A composite can go OK long after (core went down, a suppressor): the page says when
 * the partner recovered.
 */
function recoveredSince(s: SubjectState, alarm: AlarmSpec, ctx: PagingContext, fallback: string): string {
  if ((alarm.role !== 'core-outage' && alarm.role !== 'external-outage') || !ctx.alarmChangedAt)
    return fallback;
  const names = incidentDependencies(s, alarm).map((id) => alarmNames.down(ctx.config, id));
  if (names.some((n) => ctx.alarmState(n) !== 'OK')) return fallback;
  const times = names
    .map((n) => ctx.alarmChangedAt?.(n)?.getTime())
    .filter((t): t is number => t !== undefined && t <= ctx.now.getTime());
  return times.length === names.length && times.length > 0
    ? new Date(Math.max(...times)).toISOString()
    : fallback;
}

/** OK: a resolved held when nothing was paged or the OK is no recovery, else the settle time starts. */
async function handleOk(first: EventStep): Promise<PageLogRecord[]> {
  const early = await pageBeforeOk(first);
  if (early) return [...early.records, ...(await handleOk(early.step))];
  const step = first;
  const { alarm, ctx, prev, base } = step;
  if (!prev.open) {
    // Nothing to resolve (first evaluation after deploy, or already resolved).
    await ctx.store.put(base);
    return [];
  }
  const held = await holdOk(step);
  if (held) return held;
  const next: SubjectState = {
    ...base,
    pendingResolveSince: step.eventTime,
    recoveredAt: recoveredSince(prev, alarm, ctx, step.eventTime),
    blindSince: undefined,
    flapping: prev.flapping || step.flappingNow,
  };
  if (next.flapping && !prev.flapNoticeSent) {
    const notice = step.build({
      flapping: true,
      flapNotice: step.transitions.length,
      resolved: false,
      idSuffix: 'flapping',
    });
    await ctx.store.put({ ...next, flapNoticeSent: true });
    return notice;
  }
  await ctx.store.put(next);
  return [];
}

/**
 * The OK of an open incident that must not resolve it: its ALARM page was held, or the rule went false
 * because core went down, or the probes watching it cannot form a quorum (blind: nobody saw a recovery).
 * Undefined when it is a recovery.
 */
async function holdOk(step: EventStep): Promise<PageLogRecord[] | undefined> {
  const { alarm, kind, ctx, prev, base, build } = step;
  const coreName = alarmNames.coreOutage(ctx.config);
  const coreDown = ctx.alarmState(coreName) === 'ALARM';
  if (!prev.paged) {
    const out = build({
      held: coreDown && isExternal(alarm, kind) ? 'core-outage' : 'not-paged',
      heldDetail:
        prev.heldFor === 'core-evidence'
          ? `it recovered while its ALARM page waited (since ${prev.heldSince}) for the probes to show core up: nothing was paged`
          : 'its ALARM page was held, so its resolved is not sent either',
    });
    await ctx.store.put({ ...closed(base), transitions: [...step.transitions] });
    return out;
  }
  if (kind === 'external-outage' && coreDown && membersDown(alarm, ctx).length > 0) {
    const out = build({
      held: 'core-outage',
      heldDetail: `${coreName} is in ALARM and ${membersDown(alarm, ctx).join(', ')} still down: not a recovery`,
    });
    await ctx.store.put({ ...base, lastState: 'ALARM' });
    return out;
  }
  if (kind === 'monitor-blind') return undefined;
  const seen = sight(incidentDependencies(prev, alarm), alarm, ctx);
  if (seen.blind) {
    const out = blindHold(prev, alarm, kind, ctx, seen, step.eventTime);
    await ctx.store.put({
      ...base,
      lastState: 'ALARM',
      pendingResolveSince: undefined,
      blindSince: step.eventTime,
    });
    return out;
  }
  return undefined;
}

/** Whether an open, paged incident's probes are blind now (its OK would be held). */
const blindNow = (prev: SubjectState, alarm: AlarmSpec, ctx: PagingContext) =>
  prev.open &&
  prev.paged &&
  alarm.pageKind !== 'monitor-blind' &&
  sight(incidentDependencies(prev, alarm), alarm, ctx).blind;

/** What the probes can see of some dependencies now. */
interface Sight {
  /** Fewer regions than the quorum can see them: an OK is no recovery, and nothing can be resolved. */
  readonly blind: boolean;
  /** Regions whose probes for them stopped reporting or abstain (their heartbeat alarm is in ALARM). */
  readonly blindRegions: readonly string[];
  /** Regions that voted on them in the latest period, when the caller knows. */
  readonly reporting?: number;
}

/**
 * Whether the probe regions watching `ids` can still form a quorum: a region is blind for them when a heartbeat
 * alarm of a shard holding one of them is in ALARM; the caller's reporting count (votes in the latest period)
 * shows it at once, before the heartbeat alarms do. The external composites' own guard, blind-third-party,
 * counts too.
 */
function sight(ids: readonly string[], alarm: AlarmSpec, ctx: PagingContext): Sight {
  const { config, plan } = ctx;
  const shards = plan.shards.filter((s) => s.dependencies.some((d) => ids.includes(d)));
  const blindRegions = config.probeRegions.filter((r) =>
    shards.some((s) => ctx.alarmState(alarmNames.heartbeat(config, r, s.tier, s.shard)) === 'ALARM'),
  );
  const counts = ids.map((id) => ctx.failing?.(id)?.reporting).filter((n): n is number => n !== undefined);
  const reporting = counts.length > 0 ? Math.min(...counts) : undefined;
  const quorum = config.policy.quorum;
  const blind =
    config.probeRegions.length - blindRegions.length < quorum ||
    (reporting !== undefined && reporting < quorum) ||
    (alarm.tier === 'third-party' && ctx.alarmState(alarmNames.blindThirdParty(config)) === 'ALARM');
  return { blind, blindRegions, ...(reporting !== undefined ? { reporting } : {}) };
}

/** The held resolved that says the monitor cannot see: nobody saw this recover, so it is not resolved. */
function blindHold(
  s: SubjectState,
  alarm: AlarmSpec,
  kind: PageKind,
  ctx: PagingContext,
  seen: Sight,
  eventTime: string,
): PageLogRecord[] {
  const who = seen.blindRegions.length > 0 ? `probes in ${seen.blindRegions.join(', ')} are blind` : '';
  const votes =
    seen.reporting !== undefined
      ? `${seen.reporting} of ${ctx.config.probeRegions.length} probe regions reported`
      : '';
  return buildRecords({
    ctx,
    alarm,
    kind,
    eventTime,
    alarmState: 'OK',
    resolved: true,
    flapping: s.flapping,
    since: s.since ?? eventTime,
    dependencies: toDependencies(incidentDependencies(s, alarm), ctx),
    held: 'monitor-blind',
    heldDetail: `${[who, votes].filter((x) => x).join('; ')}: fewer than the quorum of ${ctx.config.policy.quorum} can see, so this is not a recovery; the incident stays open until they see again`,
    idSuffix: 'blind',
  });
}

/**
 * Incidents held back whose hold has cleared, checked on every event and tick:
 * - muted by a maintenance window that has ended while still in ALARM: paged now (an outage that outlasts
 *   the window is not left to surface as a resolved);
 * - held while core was down (a third-party degraded notice, an external page) and core has recovered while
 *   still in ALARM: sent now, saying since when it has been failing. An external composite pages through its
 *   own ALARM once the suppressor's extension ends, so it is left to it;
 * - paged, with its OK hidden by core or by blindness: once core is up and the probes see, and it is up, the
 *   resolved starts to settle (and reports when it recovered).
 */
async function releaseHeld(ctx: PagingContext): Promise<PageLogRecord[]> {
  const out: PageLogRecord[] = [];
  const coreDown = ctx.alarmState(alarmNames.coreOutage(ctx.config)) === 'ALARM';
  for (const s of await ctx.store.list()) {
    if (!s.open || s.pendingResolveSince !== undefined) continue;
    const alarm = findAlarm(ctx.plan, s.alarmName);
    const kind = alarm?.pageKind;
    if (!alarm || !kind) continue;
    out.push(...(await releaseOne({ s, alarm, kind, ctx, coreDown })));
  }
  return out;
}

/** One open subject of releaseHeld: the first of its four cases that applies. */
interface Held {
  readonly s: SubjectState;
  readonly alarm: AlarmSpec;
  readonly kind: PageKind;
  readonly ctx: PagingContext;
  readonly coreDown: boolean;
}

async function releaseOne(h: Held): Promise<PageLogRecord[]> {
  const { s, alarm, ctx, coreDown } = h;
  const inAlarm = ctx.alarmState(alarm.name) === 'ALARM';
  const deps = toDependencies(incidentDependencies(s, alarm), ctx);
  if (s.mutedBy !== undefined && inAlarm && !mutingWindow(deps, ctx)) return afterMaintenance(h, deps);
  if (waitsForCoreEvidence(s)) {
    // Core-outage takes the composite out of ALARM (its rule) and suppresses the OK: hand over first.
    if (coreDown) return handOverToCore(h, deps);
    return inAlarm && ctx.releaseEvidence !== false ? afterCoreEvidence(h, deps) : [];
  }
  if (s.heldFor === 'core-outage' && !s.paged && !coreDown && inAlarm && alarm.type === 'metric') {
    const records = latePage(h, deps, {
      notes: ['It was held back while core was down; core has recovered and this is still the case.'],
      idSuffix: 'after-core',
    });
    await ctx.store.put({ ...s, heldFor: undefined, paged: records.some((r) => r.outcome === 'sent') });
    return records;
  }
  if (s.heldFor === 'core-outage' && !s.paged && !coreDown && !inAlarm) {
    // It recovered while core was down and nothing was paged: nothing to say.
    await ctx.store.put(closed(s));
    return [];
  }
  if (s.paged && !inAlarm) await settleHiddenOk(h);
  return [];
}

/**
 * The verdict on core for an external page about this alarm's partners, from the votes CloudWatch has now,
 * against the anchor the wait already fixed (or the partner's newest failing round, found now).
 */
async function verdictFor(
  alarm: AlarmSpec,
  ctx: PagingContext,
  waiting?: SubjectState,
): Promise<{ verdict: CoreVerdict; anchor?: string }> {
  const members = alarm.dependencies;
  const votes = await ctx.votes!([...members, ...coreDependencyIds(ctx.config)]);
  const fixed = waiting?.evidenceAnchor ? Date.parse(waiting.evidenceAnchor) : undefined;
  const anchor = fixed ?? partnerAnchor(members, votes, ctx.config.policy.quorum, roundsToAlarm(ctx.config));
  return {
    verdict: coreVerdict(ctx.config, anchor, votes),
    ...(anchor !== undefined ? { anchor: new Date(anchor).toISOString() } : {}),
  };
}

/** A page waiting for core's evidence when core-outage went into ALARM: held for the core outage, and logged. */
async function handOverToCore(h: Held, deps: Dependency[]): Promise<PageLogRecord[]> {
  const { s, ctx } = h;
  const records = latePage(h, deps, {
    held: 'core-outage',
    heldDetail: `${alarmNames.coreOutage(ctx.config)} went into ALARM while core's probe data was awaited`,
    idSuffix: 'core-evidence',
    ...(s.heldSince ? { eventTime: s.heldSince } : {}),
  });
  await ctx.store.put({ ...s, heldFor: 'core-outage', heldSince: undefined, evidenceAnchor: undefined });
  return records;
}

/**
 * An external page waiting for core's evidence, its alarm still in ALARM: paged once the votes show core up,
 * or without the "core healthy" claim when the evidence is still missing after `coreEvidenceMaxWaitMs` (a
 * page is never lost to a missing datum). Otherwise it waits for the next check.
 */
async function afterCoreEvidence(h: Held, deps: Dependency[]): Promise<PageLogRecord[]> {
  const { s, alarm, ctx } = h;
  const { verdict, anchor } = await verdictFor(alarm, ctx, s);
  const waited = ctx.now.getTime() - Date.parse(s.heldSince ?? ctx.now.toISOString());
  if (verdict.state !== 'healthy' && waited < coreEvidenceMaxWaitMs(ctx.config)) {
    if (anchor && anchor !== s.evidenceAnchor) await ctx.store.put({ ...s, evidenceAnchor: anchor });
    return [];
  }
  const records = evidencePage(h, deps, verdict, waited);
  await ctx.store.put({
    ...s,
    heldFor: undefined,
    heldSince: undefined,
    evidenceAnchor: undefined,
    paged: records.some((r) => r.outcome === 'sent'),
  });
  return records;
}

/** The page that waited for core's evidence: with the claim when the verdict is healthy, else saying why not. */
function evidencePage(
  h: Held,
  deps: Dependency[],
  verdict: CoreVerdict,
  waited: number,
  extraNotes: readonly string[] = [],
): PageLogRecord[] {
  const notes =
    verdict.state === 'healthy'
      ? [...extraNotes]
      : [
          ...extraNotes,
          `Core banking's health is not confirmed: ${verdict.detail} (waited ${Math.round(waited / 1000)} s for the probes' data).`,
        ];
  return latePage(h, deps, {
    idSuffix: 'core-evidence',
    // The alarm's own time: a page decided again (a retry after a failed state write) keeps its id.
    ...(h.s.heldSince ? { eventTime: h.s.heldSince } : {}),
    ...(verdict.state === 'healthy' ? {} : { coreUnconfirmed: true }),
    ...(notes.length > 0 ? { notes } : {}),
  });
}

/**
 * The OK of an external incident whose page still waits for core's evidence: unless core is failing, the page
 * goes out now (saying it has recovered) and the OK then settles into its resolved as for any page, so a
 * partner outage shorter than the wait is not lost. Undefined: nothing to send first.
 */
async function pageBeforeOk(
  step: EventStep,
): Promise<{ records: PageLogRecord[]; step: EventStep } | undefined> {
  const { prev, alarm, kind, ctx, eventTime } = step;
  if (!prev.open || prev.paged || prev.heldFor !== 'core-evidence' || !ctx.votes) return undefined;
  const coreDown = ctx.alarmState(alarmNames.coreOutage(ctx.config)) === 'ALARM';
  if (coreDown) return undefined;
  const { verdict } = await verdictFor(alarm, ctx, prev);
  if (verdict.state === 'failing') return undefined;
  const waited = ctx.now.getTime() - Date.parse(prev.heldSince ?? eventTime);
  const deps = toDependencies(incidentDependencies(prev, alarm), ctx);
  const records = evidencePage({ s: prev, alarm, kind, ctx, coreDown }, deps, verdict, waited, [
    `It recovered at ${eventTime}, before the probes' data on core came in; its resolved follows.`,
  ]);
  const paged = records.some((r) => r.outcome === 'sent');
  const clear = { heldFor: undefined, heldSince: undefined, evidenceAnchor: undefined, paged };
  return {
    records,
    step: { ...step, prev: { ...prev, ...clear }, base: { ...step.base, ...clear } },
  };
}

/** Still failing when its maintenance window ended: paged now (held if core is down and it is external). */
async function afterMaintenance(h: Held, deps: Dependency[]): Promise<PageLogRecord[]> {
  const { s, alarm, kind, ctx, coreDown } = h;
  const held = isExternal(alarm, kind) && coreDown;
  const notes = [`It began during maintenance window ${s.mutedBy}, which has ended; it is still failing.`];
  // An external page claims core healthy only on the probes' votes: read now, sent either way (no wait here).
  const verdict =
    !held && kind === 'external-outage' && ctx.votes ? (await verdictFor(alarm, ctx)).verdict : undefined;
  const unconfirmed = verdict !== undefined && verdict.state !== 'healthy';
  if (unconfirmed) notes.push(`Core banking's health is not confirmed: ${verdict.detail}.`);
  const records = latePage(h, deps, {
    notes,
    idSuffix: 'after-maintenance',
    ...(unconfirmed ? { coreUnconfirmed: true } : {}),
    ...(held ? { held: 'core-outage' as const, heldDetail: 'maintenance ended while core is down' } : {}),
  });
  await ctx.store.put({
    ...s,
    mutedBy: undefined,
    paged: !held && records.some((r) => r.outcome === 'sent'),
    ...(held ? { heldFor: 'core-outage' as const } : {}),
  });
  return records;
}

/** The page of an incident still in ALARM that comes late (after maintenance, after core recovered). */
function latePage(
  { s, alarm, kind, ctx }: Held,
  deps: Dependency[],
  extra: Pick<BuildArgs, 'notes' | 'idSuffix' | 'held' | 'heldDetail' | 'coreUnconfirmed'> & {
    readonly eventTime?: string;
  },
): PageLogRecord[] {
  return buildRecords({
    ctx,
    alarm,
    kind,
    eventTime: ctx.now.toISOString(),
    alarmState: 'ALARM',
    resolved: false,
    flapping: s.flapping,
    since: s.since ?? ctx.now.toISOString(),
    dependencies: deps,
    ...extra,
  });
}

/** A paged incident whose OK was hidden (by core for an external, or by blindness): its resolved starts to settle. */
async function settleHiddenOk({ s, alarm, kind, ctx, coreDown }: Held): Promise<void> {
  const hiddenByCore = kind === 'external-outage' && coreDown;
  const wasHidden = s.blindSince !== undefined || (kind === 'external-outage' && s.lastState === 'ALARM');
  if (!wasHidden || hiddenByCore) return;
  if (membersDown(alarm, ctx).length > 0) return;
  if (kind !== 'monitor-blind' && sight(incidentDependencies(s, alarm), alarm, ctx).blind) return;
  const now = ctx.now.toISOString();
  // After blindness nobody saw when it recovered: it is reported as seen up now.
  const recoveredAt = s.blindSince !== undefined ? now : recoveredSince(s, alarm, ctx, now);
  await ctx.store.put({ ...s, pendingResolveSince: now, recoveredAt });
}

async function resolveNow(
  s: SubjectState,
  alarm: AlarmSpec,
  kind: PageKind,
  ctx: PagingContext,
  okTime: string,
): Promise<PageLogRecord[]> {
  const deps = toDependencies(incidentDependencies(s, alarm), ctx);
  const failing: Record<string, FailingEvidence> = {};
  if (s.failingRegions && s.failingRegions.length > 0)
    for (const d of deps) failing[d.id] = { regions: s.failingRegions };
  const out = buildRecords({
    ctx,
    alarm,
    kind,
    eventTime: okTime,
    // When it recovered, not when a held resolved was released (never before it began).
    endedAt: laterOf(s.recoveredAt ?? okTime, s.since ?? okTime),
    alarmState: 'OK',
    resolved: true,
    flapping: s.flapping,
    since: s.since ?? okTime,
    dependencies: deps,
    failing,
    ...(s.blindSince !== undefined
      ? {
          notes: [
            `The probes were blind from ${s.blindSince}; it was seen up again at ${s.recoveredAt ?? okTime}.`,
          ],
        }
      : {}),
    idSuffix: 'resolved',
  });
  await ctx.store.put({ ...closed(s), lastState: 'OK' });
  return out;
}

const laterOf = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** The dependencies an open incident is about: those it named, else its alarm's. */
const incidentDependencies = (s: SubjectState, alarm: AlarmSpec): readonly string[] =>
  s.dependencies && s.dependencies.length > 0 ? s.dependencies : alarm.dependencies;

const toDependencies = (ids: readonly string[], ctx: PagingContext): Dependency[] =>
  ids
    .map((id) => ctx.config.dependencies.find((d) => d.id === id))
    .filter((d): d is Dependency => d !== undefined);

const closed = (s: SubjectState): SubjectState => ({
  ...s,
  open: false,
  paged: false,
  flapping: false,
  flapNoticeSent: false,
  pendingResolveSince: undefined,
  since: undefined,
  dependencies: undefined,
  failingRegions: undefined,
  heldFor: undefined,
  heldSince: undefined,
  evidenceAnchor: undefined,
  mutedBy: undefined,
  blindSince: undefined,
  recoveredAt: undefined,
});

const isExternal = (alarm: AlarmSpec, kind: PageKind) =>
  kind === 'external-outage' || (kind === 'degraded' && alarm.tier === 'third-party');

function openDependencies(s: SubjectState, alarm: AlarmSpec, ctx: PagingContext): Dependency[] {
  const ids = new Set([...(s.dependencies ?? []), ...membersDown(alarm, ctx)]);
  const found = ctx.config.dependencies.filter((d) => ids.has(d.id));
  return found.length > 0 ? found : affected(alarm, ctx);
}

/** Member dependencies whose down alarm is in ALARM now. */
function membersDown(alarm: AlarmSpec, ctx: PagingContext): string[] {
  return alarm.dependencies.filter((id) => ctx.alarmState(alarmNames.down(ctx.config, id)) === 'ALARM');
}

/**
 * The dependencies a page names: for outages, the members down now (DescribeAlarms / the simulator), plus
 * those CloudWatch names as the triggering children of the event; all members when neither says.
 */
function affected(alarm: AlarmSpec, ctx: PagingContext, event?: AlarmStateChangeMessage): Dependency[] {
  let ids = alarm.dependencies;
  if (alarm.role === 'core-outage' || alarm.role === 'external-outage') {
    const down = new Set([...membersDown(alarm, ctx), ...triggeringMembers(alarm, ctx, event)]);
    if (down.size > 0) ids = alarm.dependencies.filter((id) => down.has(id));
  }
  return ids
    .map((id) => ctx.config.dependencies.find((d) => d.id === id))
    .filter((d): d is Dependency => d !== undefined);
}

/** Members whose down alarm the event names as a triggering child (TriggeringChildren, or the reason's ARN). */
function triggeringMembers(alarm: AlarmSpec, ctx: PagingContext, event?: AlarmStateChangeMessage): string[] {
  if (event?.NewStateValue !== 'ALARM') return [];
  const arns = [
    ...(event.TriggeringChildren ?? []).filter((c) => c.State.Value === 'ALARM').map((c) => c.Arn),
    ...(event.NewStateReason?.match(/arn:[^\s]+:alarm:[^\s]+(?= transitioned to ALARM)/g) ?? []),
  ];
  const names = new Set(arns.map((a) => a.slice(a.lastIndexOf(':alarm:') + ':alarm:'.length)));
  return alarm.dependencies.filter((id) => names.has(alarmNames.down(ctx.config, id)));
}

function evidence(deps: readonly Dependency[], ctx: PagingContext): Record<string, FailingEvidence> {
  const out: Record<string, FailingEvidence> = {};
  for (const d of deps) {
    const e = ctx.failing?.(d.id);
    if (e) out[d.id] = e;
  }
  return out;
}

/** Regions whose blind alarm is in ALARM now. */
function blindRegions(ctx: PagingContext): string[] {
  return ctx.config.probeRegions.filter(
    (r) => ctx.alarmState(alarmNames.blindRegion(ctx.config, r)) === 'ALARM',
  );
}

interface BuildArgs {
  readonly ctx: PagingContext;
  readonly alarm: AlarmSpec;
  readonly kind: PageKind;
  readonly event?: AlarmStateChangeMessage;
  readonly eventTime: string;
  readonly alarmState?: AlarmState;
  readonly resolved: boolean;
  readonly flapping: boolean;
  readonly flapNotice?: number;
  readonly since: string;
  readonly dependencies: readonly Dependency[];
  readonly failing?: Record<string, FailingEvidence>;
  readonly held?: HeldReason;
  readonly heldDetail?: string;
  readonly idSuffix?: string;
  /** For a resolved: when it recovered. @default eventTime */
  readonly endedAt?: string;
  /** Lines the page adds (why it comes late, what the monitor could not see). */
  readonly notes?: readonly string[];
  /** An external page sent without positive evidence of core's health: it must not claim core is healthy. */
  readonly coreUnconfirmed?: boolean;
}

/** One record per route (sent), or one record (held). */
function buildRecords(a: BuildArgs): PageLogRecord[] {
  const { ctx, alarm, kind } = a;
  const failing = a.failing ?? evidence(a.dependencies, ctx);
  const page = formatPage(pageInput(a, failing));
  const baseId = `${alarm.name}#${a.eventTime}${a.idSuffix ? `#${a.idSuffix}` : ''}`;
  const common = {
    at: ctx.now.toISOString(),
    alarmTime: a.eventTime,
    alarmName: alarm.name,
    alarmState: a.alarmState ?? a.event?.NewStateValue ?? 'OK',
    kind,
    resolved: a.resolved,
    severity: page.severity,
    ...(alarm.tier ? { tier: alarm.tier } : {}),
    ...(alarm.group ? { group: alarm.group } : {}),
    dependencies: a.dependencies.length > 0 ? a.dependencies.map((d) => d.id) : [...alarm.dependencies],
    failingRegions: [...new Set(Object.values(failing).flatMap((e) => e.regions ?? []))],
    subject: page.subject,
    messages: page.messages,
    since: a.since,
    flapping: a.flapping,
    attributes: page.attributes,
  };
  const held = (heldReason: HeldReason, heldDetail?: string): PageLogRecord[] => [
    { ...common, id: `${baseId}#held`, outcome: 'held', heldReason, ...(heldDetail ? { heldDetail } : {}) },
  ];
  if (a.held) return held(a.held, a.heldDetail);
  const routes = routesFor(ctx.plan, kind);
  if (routes.length === 0) return held('no-route', `no route in the config lists kind "${kind}"`);
  return routes.map((r) => ({ ...common, id: `${baseId}#${r.id}`, outcome: 'sent' as const, route: r.id }));
}

/** What the formatter is given for a page: the incident, its evidence, and whether core is known healthy. */
function pageInput(a: BuildArgs, failing: Record<string, FailingEvidence>): PageInput {
  const { ctx } = a;
  const core = ctx.config.dependencies.filter((d) => d.tier === 'first-party' && d.critical);
  // Only claim "core banking is healthy" when the core alarm is known to be OK, never on a guess.
  const coreHealthy =
    !a.coreUnconfirmed &&
    ctx.alarmState(alarmNames.coreOutage(ctx.config)) === 'OK' &&
    core.every((d) => ctx.alarmState(alarmNames.down(ctx.config, d.id)) !== 'ALARM');
  return {
    config: ctx.config,
    alarm: a.alarm,
    kind: a.kind,
    resolved: a.resolved,
    flapping: a.flapping,
    ...(a.flapNotice !== undefined ? { flapNotice: { transitions: a.flapNotice } } : {}),
    dependencies: a.dependencies,
    failing,
    since: a.since,
    at: ctx.now.toISOString(),
    ...(a.resolved ? { endedAt: a.endedAt ?? a.eventTime } : {}),
    ...(a.notes && a.notes.length > 0 ? { notes: a.notes } : {}),
    coreHealthy,
    blindRegions: blindRegions(ctx),
  };
}

function minutes(fromIso: string, toIso: string): number {
  return Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
}
