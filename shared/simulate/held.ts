// Why a page was held back: the one place a simulation answers it. A page is held in one of three ways, and
// each has its own function here:
//   - CloudWatch ran no actions: the composite's ActionsSuppressor was in ALARM (`heldBySuppressor`);
//   - the composite never reached ALARM: its rule's NOT ALARM(core-outage) kept it out (`heldByRule`);
//   - the paging core held it: maintenance, duplicate, flapping, no route… (`heldByPagingCore`).
import { type AlarmPlan, type AlarmSpec, alarmNames, evaluateRule } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { type PageLogRecord, SEVERITY } from '#shared/pages';
import type { ActionInvocation, AlarmEvaluator } from './evaluator.ts';
import type { SimHeldPage } from './result.ts';
import type { AlarmSet } from './template.ts';

type PagingAlarm = AlarmSpec & { readonly pageKind: NonNullable<AlarmSpec['pageKind']> };

/** Collects held pages as a run goes, then adds the paging core's own from its log. */
export class HeldPages {
  private readonly held: SimHeldPage[] = [];
  /** Composites currently held by their rule: one held page per episode. */
  private readonly ruleHeld = new Set<string>();

  constructor(
    private readonly config: MonitorConfig,
    private readonly plan: AlarmPlan,
    private readonly alarmSet: AlarmSet,
    private readonly evaluator: AlarmEvaluator,
    /** The scenario's start, epoch ms. */
    private readonly start: number,
  ) {}

  private at(ms: number): number {
    return Math.round((ms - this.start) / 1000);
  }

  private pagingAlarm(name: string): PagingAlarm | undefined {
    const spec = this.plan.alarms.find((a) => a.name === name);
    return spec?.pageKind ? (spec as PagingAlarm) : undefined;
  }

  /** An alarm action CloudWatch did not run because the composite's ActionsSuppressor was in ALARM. */
  heldBySuppressor(inv: ActionInvocation): void {
    const spec = this.pagingAlarm(inv.alarm);
    if (inv.suppressed !== 'suppressor-alarm' || !spec || inv.state !== 'ALARM') return;
    const suppressor = spec.type === 'composite' ? spec.suppressor?.alarm : undefined;
    this.held.push({
      ...heldHeader(spec, spec.dependencies, this.at(inv.at), inv.alarm),
      reason: suppressor === alarmNames.coreOutage(this.config) ? 'core-outage' : 'suppressed',
      detail: `ActionsSuppressor ${suppressor ?? '?'} is in ALARM: CloudWatch did not run the alarm actions`,
    });
  }

  /**
   * Composites whose rule (NOT ALARM(holder)) alone keeps them out of ALARM at `now`: with the holder taken as
   * OK they would be in ALARM. Called after each round.
   */
  heldByRule(now: number): void {
    const { evaluator } = this;
    for (const c of this.alarmSet.compositeAlarms) {
      const spec = c.suppressor ? this.pagingAlarm(c.name) : undefined;
      if (!c.suppressor || !spec) continue;
      const holder = c.suppressor;
      const would =
        evaluator.state(holder) === 'ALARM' &&
        evaluator.state(c.name) !== 'ALARM' &&
        evaluateRule(c.rule, (n) => (n === holder ? 'OK' : evaluator.state(n)));
      if (!would) {
        this.ruleHeld.delete(c.name);
        continue;
      }
      if (this.ruleHeld.has(c.name)) continue;
      this.ruleHeld.add(c.name);
      // Already reported this moment as a suppressed action: one held page per episode.
      if (this.held.some((h) => h.alarm === c.name && h.atSeconds === this.at(now))) continue;
      const down = spec.dependencies.filter(
        (d) => evaluator.state(alarmNames.down(this.config, d)) === 'ALARM',
      );
      this.held.push({
        ...heldHeader(spec, down.length > 0 ? down : spec.dependencies, this.at(now), c.name),
        reason: holder === alarmNames.coreOutage(this.config) ? 'core-outage' : 'suppressed',
        detail: `${holder} is in ALARM: the rule's NOT ALARM("${holder}") keeps ${c.name} out of ALARM`,
      });
    }
  }

  /** Every held page of the run in time order: CloudWatch's first, then the paging core's, at equal times. */
  all(pageLog: readonly PageLogRecord[]): SimHeldPage[] {
    return [...this.held, ...heldByPagingCore(pageLog, this.start)].sort((a, b) => a.atSeconds - b.atSeconds);
  }
}

function heldHeader(spec: PagingAlarm, dependencies: readonly string[], atSeconds: number, alarm: string) {
  return {
    atSeconds,
    kind: spec.pageKind,
    severity: SEVERITY[spec.pageKind],
    dependencies,
    subject: `${spec.pageKind} for ${spec.group ?? spec.dependencies.join(', ')} held back`,
    resolved: false,
    alarm,
  };
}

/** Pages the paging core held (its log has one record per route: one held page per alarm event and reason). */
function heldByPagingCore(log: readonly PageLogRecord[], start: number): SimHeldPage[] {
  const seen = new Set<string>();
  const out: SimHeldPage[] = [];
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
