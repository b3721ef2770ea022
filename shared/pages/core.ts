// The paging core: an alarm state change (or the clock) in, page decisions out. Pure but for the state
// store it is handed; the notify function and the simulator both run exactly this.

import { type AlarmSpec, type AlarmState, alarmNames, findAlarm, routesFor } from '#shared/alarms';
import type { Dependency, MonitorConfig, PageKind } from '#shared/config';
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
function settleMs(config: MonitorConfig, alarm: AlarmSpec | undefined, flapping: boolean): number {
  if (flapping) return config.policy.stableMinutes * 60_000;
  const period = alarm?.type === 'metric' ? alarm.period : 60;
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
  const records: PageLogRecord[] = [];
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
    if (now - Date.parse(s.pendingResolveSince) < settleMs(ctx.config, alarm, s.flapping)) continue;
    // Still OK? A re-ALARM not yet delivered would make this resolved a lie.
    if (ctx.alarmState(s.alarmName) === 'ALARM') continue;
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
  if (event.NewStateValue === 'ALARM') return step.prev.open ? realarmOpen(step) : openIncident(step);
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
  const transitions = [...prev.transitions, eventTime].filter((t) => Date.parse(t) >= windowStart);
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
    flapping: prev.flapping || step.flappingNow,
  };
  if (next.flapping && prev.paged && !prev.flapNoticeSent) {
    const notice = build({ flapping: true, flapNotice: transitions.length, idSuffix: 'flapping' });
    await ctx.store.put({ ...next, flapNoticeSent: true });
    return notice;
  }
  const reason: HeldReason = prev.pendingResolveSince !== undefined ? 'flapping' : 'already-open';
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

/** ALARM opening a new incident: paged, unless every dependency is in maintenance or core is down. */
async function openIncident(step: EventStep): Promise<PageLogRecord[]> {
  const { alarm, kind, ctx, event, eventTime, flappingNow, build } = step;
  const { config } = ctx;
  const deps = affected(alarm, ctx, event);
  const failing = evidence(deps, ctx);
  const incident: SubjectState = {
    ...step.base,
    open: true,
    since: eventTime,
    flapping: flappingNow,
    flapNoticeSent: flappingNow,
    pendingResolveSince: undefined,
    dependencies: deps.map((d) => d.id),
    failingRegions: [...new Set(Object.values(failing).flatMap((e) => e.regions ?? []))],
  };
  const muted = deps.length > 0 ? deps.map((d) => activeMaintenance(config, d.id, ctx.now)) : [];
  const args = { since: eventTime, dependencies: deps, flapping: flappingNow };
  if (muted.length > 0 && muted.every((w) => w !== undefined)) {
    const ids = [...new Set(muted.map((w) => w!.id))];
    const out = build({
      ...args,
      held: 'maintenance',
      heldDetail: `maintenance window ${ids.join(', ')}${muted[0]!.reason ? `: ${muted[0]!.reason}` : ''}`,
    });
    // A muted incident still gets its resolved.
    await ctx.store.put({ ...incident, paged: true });
    return out;
  }
  const coreName = alarmNames.coreOutage(config);
  if (isExternal(alarm, kind) && ctx.alarmState(coreName) === 'ALARM') {
    const out = build({ ...args, held: 'core-outage', heldDetail: `${coreName} is in ALARM` });
    await ctx.store.put({ ...incident, paged: false });
    return out;
  }
  const sent = build(args);
  await ctx.store.put({ ...incident, paged: sent.some((r) => r.outcome === 'sent') });
  return sent;
}

/** OK: a resolved held when nothing was paged or the OK is no recovery, else the settle time starts. */
async function handleOk(step: EventStep): Promise<PageLogRecord[]> {
  const { kind, ctx, prev, base } = step;
  // Core recovering or the probes seeing again may free external incidents whose OK was hidden.
  if (kind === 'core-outage' || kind === 'monitor-blind') await releaseExternals(ctx);
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
 * because core went down or the third-party probes went blind. Undefined when it is a recovery.
 */
async function holdOk(step: EventStep): Promise<PageLogRecord[] | undefined> {
  const { alarm, kind, ctx, prev, base, build } = step;
  const coreName = alarmNames.coreOutage(ctx.config);
  const coreDown = ctx.alarmState(coreName) === 'ALARM';
  if (!prev.paged) {
    const out = build({
      held: coreDown && isExternal(alarm, kind) ? 'core-outage' : 'not-paged',
      heldDetail: 'its ALARM page was held, so its resolved is not sent either',
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
  const blindName = alarmNames.blindThirdParty(ctx.config);
  if (kind === 'external-outage' && ctx.alarmState(blindName) === 'ALARM') {
    const out = build({
      held: 'monitor-blind',
      heldDetail: `${blindName} is in ALARM: the third-party probes cannot form a quorum, so this is not a recovery`,
    });
    await ctx.store.put({ ...base, lastState: 'ALARM' });
    return out;
  }
  return undefined;
}

/**
 * When core recovers (or the probes see again), external incidents paged before may have recovered
 * meanwhile with their OK suppressed or held: their resolved would never come. Start their settle now if
 * every member is up and nothing still hides them.
 */
async function releaseExternals(ctx: PagingContext): Promise<void> {
  for (const s of await ctx.store.list()) {
    if (!s.open || s.pendingResolveSince !== undefined) continue;
    const a = findAlarm(ctx.plan, s.alarmName);
    if (a?.pageKind !== 'external-outage') continue;
    const hidden =
      ctx.alarmState(alarmNames.coreOutage(ctx.config)) === 'ALARM' ||
      ctx.alarmState(alarmNames.blindThirdParty(ctx.config)) === 'ALARM';
    if (!hidden && membersDown(a, ctx).length === 0 && ctx.alarmState(a.name) !== 'ALARM') {
      await ctx.store.put({ ...s, pendingResolveSince: ctx.now.toISOString() });
    }
  }
}

async function resolveNow(
  s: SubjectState,
  alarm: AlarmSpec,
  kind: PageKind,
  ctx: PagingContext,
  okTime: string,
): Promise<PageLogRecord[]> {
  const deps = (s.dependencies ?? alarm.dependencies)
    .map((id) => ctx.config.dependencies.find((d) => d.id === id))
    .filter((d): d is Dependency => d !== undefined);
  const failing: Record<string, FailingEvidence> = {};
  if (s.failingRegions && s.failingRegions.length > 0)
    for (const d of deps) failing[d.id] = { regions: s.failingRegions };
  const out = buildRecords({
    ctx,
    alarm,
    kind,
    eventTime: okTime,
    alarmState: 'OK',
    resolved: true,
    flapping: s.flapping,
    since: s.since ?? okTime,
    dependencies: deps,
    failing,
    idSuffix: 'resolved',
  });
  await ctx.store.put({ ...closed(s), lastState: 'OK' });
  return out;
}

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
}

/** One record per route (sent), or one record (held). */
function buildRecords(a: BuildArgs): PageLogRecord[] {
  const { ctx, alarm, kind } = a;
  const failing = a.failing ?? evidence(a.dependencies, ctx);
  const core = ctx.config.dependencies.filter((d) => d.tier === 'first-party' && d.critical);
  // Only claim "core banking is healthy" when the core alarm is known to be OK, never on a guess.
  const coreHealthy =
    ctx.alarmState(alarmNames.coreOutage(ctx.config)) === 'OK' &&
    core.every((d) => ctx.alarmState(alarmNames.down(ctx.config, d.id)) !== 'ALARM');
  const input: PageInput = {
    config: ctx.config,
    alarm,
    kind,
    resolved: a.resolved,
    flapping: a.flapping,
    ...(a.flapNotice !== undefined ? { flapNotice: { transitions: a.flapNotice } } : {}),
    dependencies: a.dependencies,
    failing,
    since: a.since,
    at: ctx.now.toISOString(),
    ...(a.resolved ? { endedAt: a.eventTime } : {}),
    coreHealthy,
    blindRegions: blindRegions(ctx),
  };
  const page = formatPage(input);
  const state = a.alarmState ?? a.event?.NewStateValue ?? 'OK';
  const baseId = `${alarm.name}#${a.eventTime}${a.idSuffix ? `#${a.idSuffix}` : ''}`;
  const failingRegions = [...new Set(Object.values(failing).flatMap((e) => e.regions ?? []))];
  const common = {
    at: ctx.now.toISOString(),
    alarmTime: a.eventTime,
    alarmName: alarm.name,
    alarmState: state,
    kind,
    resolved: a.resolved,
    severity: page.severity,
    ...(alarm.tier ? { tier: alarm.tier } : {}),
    ...(alarm.group ? { group: alarm.group } : {}),
    dependencies: a.dependencies.length > 0 ? a.dependencies.map((d) => d.id) : [...alarm.dependencies],
    failingRegions,
    subject: page.subject,
    messages: page.messages,
    since: a.since,
    flapping: a.flapping,
    attributes: page.attributes,
  };
  if (a.held) {
    return [
      {
        ...common,
        id: `${baseId}#held`,
        outcome: 'held',
        heldReason: a.held,
        ...(a.heldDetail ? { heldDetail: a.heldDetail } : {}),
      },
    ];
  }
  const routes = routesFor(ctx.plan, kind);
  if (routes.length === 0) {
    return [
      {
        ...common,
        id: `${baseId}#held`,
        outcome: 'held',
        heldReason: 'no-route',
        heldDetail: `no route in the config lists kind "${kind}"`,
      },
    ];
  }
  return routes.map((r) => ({ ...common, id: `${baseId}#${r.id}`, outcome: 'sent' as const, route: r.id }));
}

function minutes(fromIso: string, toIso: string): number {
  return Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
}
