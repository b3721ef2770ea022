// A local CloudWatch alarm evaluator on a virtual clock: metric alarms (period, statistic or a one-metric math
// expression over it, M of N over a window
// that slides with each evaluation, each TreatMissingData mode over the evaluation range), composite rules,
// action suppressors with wait and extension periods, and the actions each state change would invoke; with a
// timing model, each alarm runs at its own offset and sees only the datums ingested by then. Pure: no AWS, no
// timers.
import {
  type AlarmState,
  type ComparisonOperator,
  evaluateRule,
  HIGH_RESOLUTION_EVALUATION_MS,
  STANDARD_EVALUATION_MS,
  type TreatMissingData,
} from '#shared/alarms';
import type { MetricDatum } from '#shared/metrics';
import { DatapointStore, lowSampleThreshold, percentileOf } from './datapoints.ts';
import { evaluateMath } from './math.ts';
import type { AlarmSet, CompositeAlarmDef, MetricAlarmDef } from './template.ts';
import type { TimingModel } from './timing.ts';

/** A datapoint as the missing-data rules see it: breaching, not breaching, missing. */
export type Point = 'X' | '0' | '-';

/**
 * Extra periods fetched beyond EvaluationPeriods (the "evaluation range"). AWS does not publish the formula;
 * its worked examples fetch 5 datapoints for 3 evaluation periods, so depmon uses N + 2.
 */
export const EVALUATION_RANGE_EXTRA = 2;

export interface Decision {
  readonly state: AlarmState;
  /** Why, in CloudWatch's manner ("2 out of the last 3 datapoints were breaching"). */
  readonly why: string;
}

/**
 * The state an alarm moves to, given its evaluation range (oldest first), as documented in "Configuring how
 * CloudWatch alarms treat missing data" (incl. "Avoiding premature transitions to alarm state").
 */
export function decideState(
  range: readonly Point[],
  datapointsToAlarm: number,
  evaluationPeriods: number,
  treatMissing: TreatMissingData,
  current: AlarmState,
): Decision {
  const m = datapointsToAlarm;
  const n = evaluationPeriods;
  const existing = range.filter((p) => p !== '-');
  const verdict = (pts: readonly Point[], note: string): Decision => {
    const x = pts.filter((p) => p === 'X').length;
    return {
      state: x >= m ? 'ALARM' : 'OK',
      why: `${x} of ${pts.length} datapoints breaching (${m} needed)${note}`,
    };
  };
  // Enough real datapoints: the most recent N real ones decide; the missing-data setting is not consulted.
  if (existing.length >= n) return verdict(existing.slice(-n), '');
  if (existing.length === 0) {
    switch (treatMissing) {
      case 'missing':
        return { state: 'INSUFFICIENT_DATA', why: 'no datapoints in the evaluation range' };
      case 'ignore':
        return { state: current, why: 'no datapoints in the evaluation range; state kept (ignore)' };
      case 'breaching':
        return verdict(Array<Point>(n).fill('X'), ', missing treated as breaching');
      case 'notBreaching':
        return verdict(Array<Point>(n).fill('0'), ', missing treated as not breaching');
    }
  }
  // Some real datapoints, fewer than N: every real one counts, missing ones are filled as few times as possible.
  const fill = n - existing.length;
  if (treatMissing === 'breaching' || treatMissing === 'notBreaching') {
    const filler: Point = treatMissing === 'breaching' ? 'X' : '0';
    return verdict(
      [...existing, ...Array<Point>(fill).fill(filler)],
      `, ${fill} missing filled as ${treatMissing}`,
    );
  }
  const breaching = existing.filter((p) => p === 'X').length;
  if (breaching >= m) return verdict(existing, '');
  // With a real non-breaching datapoint in range, the real datapoints alone decide (table 2, row 3).
  if (existing.includes('0')) return verdict(existing, `, ${fill} missing not filled (${treatMissing})`);
  // Premature-alarm rule (missing only): the oldest breaching point within the last N periods is at least
  // M periods old and everything more recent is missing.
  const window = range.slice(-n);
  const oldest = window.indexOf('X');
  if (treatMissing === 'missing' && oldest >= 0 && window.length - oldest >= m)
    return {
      state: 'ALARM',
      why: `breaching datapoint ${window.length - oldest} periods old with only breaching or missing since`,
    };
  return treatMissing === 'missing'
    ? { state: 'INSUFFICIENT_DATA', why: `only ${existing.length} breaching datapoints, too few to decide` }
    : { state: current, why: `only ${existing.length} breaching datapoints; state kept (ignore)` };
}

export function breaches(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

export interface Transition {
  /** Epoch ms. */
  readonly at: number;
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly reason: string;
}

export type SuppressedBy = 'actions-disabled' | 'suppressor-alarm';

export interface ActionInvocation {
  readonly at: number;
  readonly alarm: string;
  /** The state whose actions these are. */
  readonly state: AlarmState;
  /** The transition behind them (for a deferred composite action, the latest one). */
  readonly transition: Transition;
  readonly actions: readonly string[];
  /** Set when the actions were not run. */
  readonly suppressed?: SuppressedBy;
  /** Set when a composite's actions ran after its suppressor WaitPeriod or ExtensionPeriod. */
  readonly deferredBy?: 'wait-period' | 'extension-period';
}

export interface EvaluationOutput {
  readonly transitions: readonly Transition[];
  readonly actions: readonly ActionInvocation[];
}

/** How often CloudWatch evaluates an alarm of this period ("Alarm evaluation" in the user guide). */
export const evaluationIntervalMs = (periodSeconds: number): number =>
  periodSeconds < 60 ? HIGH_RESOLUTION_EVALUATION_MS : STANDARD_EVALUATION_MS;

/** Metric alarms evaluated together: same interval, same offset into it. */
interface EvaluationGroup {
  readonly intervalMs: number;
  readonly offsetMs: number;
  readonly alarms: MetricAlarmDef[];
}

interface CompositeRuntime {
  waitUntil?: number;
  extensionUntil?: number;
  /** A transition was suppressed and its actions not yet run. */
  suppressedPending: boolean;
}

export interface EvaluatorOptions {
  /** Virtual start (epoch ms); every alarm is INSUFFICIENT_DATA then. Aligned down to 10 s. */
  readonly start: number;
  /** Namespace datums land in when `put` is called without one. @default "Depmon" */
  readonly namespace?: string;
  /** Per-alarm evaluation offsets. @default every alarm evaluated at the start of its interval */
  readonly timing?: Pick<TimingModel, 'evaluationOffsetMs'>;
}

export class AlarmEvaluator {
  readonly store = new DatapointStore();
  private readonly states = new Map<string, AlarmState>();
  private readonly lastTransition = new Map<string, Transition>();
  private readonly composites: CompositeAlarmDef[];
  private readonly runtime = new Map<string, CompositeRuntime>();
  private readonly all: Transition[] = [];
  private readonly allActions: ActionInvocation[] = [];
  private nowMs: number;
  private readonly namespace: string;
  private readonly groups: EvaluationGroup[];

  constructor(
    readonly alarms: AlarmSet,
    options: EvaluatorOptions,
  ) {
    this.nowMs = Math.floor(options.start / HIGH_RESOLUTION_EVALUATION_MS) * HIGH_RESOLUTION_EVALUATION_MS;
    this.namespace = options.namespace ?? 'Depmon';
    for (const a of [...alarms.metricAlarms, ...alarms.compositeAlarms])
      this.states.set(a.name, 'INSUFFICIENT_DATA');
    this.composites = topoOrder(alarms.compositeAlarms);
    for (const c of this.composites) this.runtime.set(c.name, { suppressedPending: false });
    this.groups = evaluationGroups(alarms.metricAlarms, options.timing);
  }

  get now(): number {
    return this.nowMs;
  }

  state(alarm: string): AlarmState {
    return this.states.get(alarm) ?? 'INSUFFICIENT_DATA';
  }

  get transitions(): readonly Transition[] {
    return this.all;
  }

  get actions(): readonly ActionInvocation[] {
    return this.allActions;
  }

  /** Stores datums; with `visibleAt` (epoch ms), alarms evaluated before then do not see them yet. */
  put(datums: readonly MetricDatum[], namespace = this.namespace, visibleAt?: number): void {
    this.store.put(namespace, datums, visibleAt);
  }

  /** Runs every evaluation (and suppressor timer) up to and including `t`; returns what happened. */
  advanceTo(t: number): EvaluationOutput {
    const t0 = this.all.length;
    const a0 = this.allActions.length;
    for (;;) {
      // Evaluations stay on their interval's grid (plus their offset) even after a suppressor timer fired.
      const nextTick = this.nextEvaluation();
      const nextTimer = this.nextTimer();
      const next = nextTimer !== undefined && nextTimer < nextTick ? nextTimer : nextTick;
      if (next > t) break;
      this.nowMs = next;
      if (next === nextTick) this.tick(next);
      this.fireTimers(next);
    }
    return { transitions: this.all.slice(t0), actions: this.allActions.slice(a0) };
  }

  private nextEvaluation(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const g of this.groups) {
      const next =
        Math.floor((this.nowMs - g.offsetMs) / g.intervalMs) * g.intervalMs + g.intervalMs + g.offsetMs;
      if (next < min) min = next;
    }
    return min;
  }

  private nextTimer(): number | undefined {
    let min: number | undefined;
    for (const r of this.runtime.values())
      for (const x of [r.waitUntil, r.extensionUntil])
        if (x !== undefined && (min === undefined || x < min)) min = x;
    return min;
  }

  private tick(t: number): void {
    for (const g of this.groups) {
      if ((t - g.offsetMs) % g.intervalMs !== 0) continue;
      for (const a of g.alarms) {
        const d = this.evaluateMetricAlarm(a, t);
        // The reason is written only for a transition: most evaluations change nothing.
        if (d && d.state !== this.state(a.name)) this.setState(a, d.state, d.why(), t);
      }
    }
    // Composites follow their children: they are evaluated whenever metric alarms were.
    this.evaluateComposites(t);
  }

  /**
   * The evaluation range's values, oldest first; undefined = missing. Exposed for reports and tests. The window
   * slides with each evaluation (CloudWatch's default `SlidingWindow`): it ends at the latest evaluation
   * instant, so a 5-minute period evaluated at 12:07 covers 12:02–12:07, not 12:00–12:05; only datums ingested
   * by `t` count.
   */
  rangeValues(a: MetricAlarmDef, t: number): { start: number; value?: number; lowSample: boolean }[] {
    const p = a.periodSeconds * 1000;
    const every = evaluationIntervalMs(a.periodSeconds);
    const end = Math.floor(t / every) * every;
    const r = a.evaluationPeriods + EVALUATION_RANGE_EXTRA;
    const out: { start: number; value?: number; lowSample: boolean }[] = [];
    const pct = percentileOf(a.stat);
    for (let i = r; i >= 1; i--) {
      const start = end - i * p;
      const s = this.store.statistic(a.metric, a.stat, start, p, t);
      const lowSample = s !== undefined && pct !== undefined && s.sampleCount < lowSampleThreshold(pct);
      // A math alarm's expression maps each period's statistic; a period without data stays missing.
      const value = s && a.math ? evaluateMath(a.math.node, { [a.math.inputId]: s.value }) : s?.value;
      out.push(s ? { start, value, lowSample } : { start, lowSample: false });
    }
    return out;
  }

  private evaluateMetricAlarm(
    a: MetricAlarmDef,
    t: number,
  ): { readonly state: AlarmState; why(): string } | undefined {
    const values = this.rangeValues(a, t);
    if (
      a.evaluateLowSampleCountPercentile === 'ignore' &&
      values.slice(-a.evaluationPeriods).some((v) => v.lowSample)
    )
      return undefined;
    const points: Point[] = values.map((v) =>
      v.value === undefined ? '-' : breaches(v.value, a.comparison, a.threshold) ? 'X' : '0',
    );
    const d = decideState(
      points,
      a.datapointsToAlarm,
      a.evaluationPeriods,
      a.treatMissingData,
      this.state(a.name),
    );
    return {
      state: d.state,
      why: () => {
        const shown = values.map((v) =>
          v.value === undefined ? '-' : String(Math.round(v.value * 1000) / 1000),
        );
        return `${d.why}; last ${values.length} periods [${shown.join(', ')}] vs ${opText(a.comparison)} ${a.threshold}`;
      },
    };
  }

  private evaluateComposites(t: number): void {
    // Children before parents, so one pass settles a tree of composites within the same tick.
    for (const c of this.composites) {
      const on = evaluateRule(c.rule, (name) => this.state(name));
      const to: AlarmState = on ? 'ALARM' : 'OK';
      this.setState(c, to, `rule ${on ? 'true' : 'false'}: ${c.ruleText}`, t);
    }
  }

  private setState(a: MetricAlarmDef | CompositeAlarmDef, to: AlarmState, reason: string, t: number): void {
    const from = this.state(a.name);
    if (from === to) return;
    this.states.set(a.name, to);
    const tr: Transition = { at: t, alarm: a.name, kind: a.kind, from, to, reason };
    this.all.push(tr);
    this.lastTransition.set(a.name, tr);
    if (a.kind === 'composite') this.onCompositeTransition(a, tr);
    else this.act(a, to, tr, t);
    // A suppressor changing state changes what its composites may do.
    for (const c of this.composites) if (c.suppressor === a.name) this.onSuppressorTransition(c, tr);
  }

  private actionsFor(a: MetricAlarmDef | CompositeAlarmDef, state: AlarmState): readonly string[] {
    return state === 'ALARM' ? a.alarmActions : state === 'OK' ? a.okActions : a.insufficientDataActions;
  }

  private act(
    a: MetricAlarmDef | CompositeAlarmDef,
    state: AlarmState,
    tr: Transition,
    t: number,
    extra: { suppressed?: SuppressedBy; deferredBy?: 'wait-period' | 'extension-period' } = {},
  ): void {
    const actions = this.actionsFor(a, state);
    if (actions.length === 0) return;
    const suppressed = extra.suppressed ?? (a.actionsEnabled ? undefined : 'actions-disabled');
    this.allActions.push({
      at: t,
      alarm: a.name,
      state,
      transition: tr,
      actions,
      ...(suppressed ? { suppressed } : {}),
      ...(extra.deferredBy ? { deferredBy: extra.deferredBy } : {}),
    });
  }

  private onCompositeTransition(c: CompositeAlarmDef, tr: Transition): void {
    const r = this.runtime.get(c.name) as CompositeRuntime;
    if (c.suppressor === undefined) {
      this.act(c, tr.to, tr, tr.at);
      return;
    }
    if (this.state(c.suppressor) === 'ALARM') {
      r.suppressedPending = true;
      this.act(c, tr.to, tr, tr.at, { suppressed: 'suppressor-alarm' });
      return;
    }
    // A change during a WaitPeriod or ExtensionPeriod discards it and starts a new WaitPeriod (examples 3, 6).
    r.extensionUntil = undefined;
    if (c.waitPeriodSeconds > 0) {
      r.waitUntil = tr.at + c.waitPeriodSeconds * 1000;
      return;
    }
    r.waitUntil = undefined;
    r.suppressedPending = false;
    this.act(c, tr.to, tr, tr.at);
  }

  private onSuppressorTransition(c: CompositeAlarmDef, tr: Transition): void {
    const r = this.runtime.get(c.name) as CompositeRuntime;
    if (tr.to === 'ALARM') {
      // The suppressor arrived in time: the waiting actions are discarded (example 2).
      if (r.waitUntil !== undefined) {
        r.waitUntil = undefined;
        r.suppressedPending = true;
        const last = this.lastTransition.get(c.name);
        if (last) this.act(c, this.state(c.name), last, tr.at, { suppressed: 'suppressor-alarm' });
      }
      r.extensionUntil = undefined;
      return;
    }
    if (tr.from === 'ALARM') {
      if (c.extensionPeriodSeconds > 0) r.extensionUntil = tr.at + c.extensionPeriodSeconds * 1000;
      else this.releaseSuppressed(c, r, tr.at, 'extension-period');
    }
  }

  private fireTimers(t: number): void {
    for (const c of this.composites) {
      const r = this.runtime.get(c.name) as CompositeRuntime;
      if (r.waitUntil !== undefined && r.waitUntil <= t) {
        r.waitUntil = undefined;
        r.suppressedPending = false;
        const last = this.lastTransition.get(c.name);
        if (last) this.act(c, this.state(c.name), last, t, { deferredBy: 'wait-period' });
      }
      if (r.extensionUntil !== undefined && r.extensionUntil <= t) {
        r.extensionUntil = undefined;
        this.releaseSuppressed(c, r, t, 'extension-period');
      }
    }
  }

  /** After suppression ends, a composite acts on its current state if a change was held back meanwhile. */
  private releaseSuppressed(
    c: CompositeAlarmDef,
    r: CompositeRuntime,
    t: number,
    by: 'extension-period',
  ): void {
    if (!r.suppressedPending) return;
    r.suppressedPending = false;
    const last = this.lastTransition.get(c.name);
    if (last) this.act(c, this.state(c.name), last, t, { deferredBy: by });
  }
}

const opText = (op: ComparisonOperator) =>
  ({
    GreaterThanOrEqualToThreshold: '>=',
    GreaterThanThreshold: '>',
    LessThanThreshold: '<',
    LessThanOrEqualToThreshold: '<=',
  })[op];

/** Metric alarms grouped by evaluation interval and offset; an alarm-less set still ticks every 10 s for composites. */
function evaluationGroups(
  alarms: readonly MetricAlarmDef[],
  timing: Pick<TimingModel, 'evaluationOffsetMs'> | undefined,
): EvaluationGroup[] {
  if (alarms.length === 0) return [{ intervalMs: HIGH_RESOLUTION_EVALUATION_MS, offsetMs: 0, alarms: [] }];
  const groups = new Map<string, EvaluationGroup>();
  for (const a of alarms) {
    const intervalMs = evaluationIntervalMs(a.periodSeconds);
    const offsetMs = timing?.evaluationOffsetMs(a.name, intervalMs) ?? 0;
    if (!Number.isInteger(offsetMs) || offsetMs < 0 || offsetMs >= intervalMs)
      throw new RangeError(
        `evaluation offset of ${a.name} must be whole ms in [0, ${intervalMs}), got ${offsetMs}`,
      );
    const key = `${intervalMs}:${offsetMs}`;
    const g = groups.get(key);
    if (g) g.alarms.push(a);
    else groups.set(key, { intervalMs, offsetMs, alarms: [a] });
  }
  return [...groups.values()];
}

function topoOrder(composites: readonly CompositeAlarmDef[]): CompositeAlarmDef[] {
  const byName = new Map(composites.map((c) => [c.name, c]));
  const out: CompositeAlarmDef[] = [];
  const seen = new Set<string>();
  const visit = (c: CompositeAlarmDef) => {
    if (seen.has(c.name)) return;
    seen.add(c.name);
    // A composite suppressor settles before the composites it suppresses.
    for (const child of [...c.children, ...(c.suppressor ? [c.suppressor] : [])]) {
      const cc = byName.get(child);
      if (cc) visit(cc);
    }
    out.push(c);
  };
  for (const c of composites) visit(c);
  return out;
}
