// What the alarm topology costs: the counts the bill prices, and the same alarms itemised by role (the
// README's table). One classification (high resolution below 60 s) and one price table for both.
import type { AlarmPlan, AlarmSpec } from '#shared/alarms';
import { PRICES, type PriceTable } from './prices.ts';

/** Alarm counts the bill prices: from the config's alarm plan, or given by the caller. */
export interface AlarmCounts {
  /** Metrics watched by standard-resolution metric alarms (a math alarm bills each metric it reads). */
  readonly standardAlarmMetrics: number;
  /** Metrics watched by high-resolution (10/20/30 s period) metric alarms. */
  readonly highResolutionAlarmMetrics: number;
  readonly compositeAlarms: number;
  /** Where the counts came from. */
  readonly source: 'alarm plan' | 'synthesized templates' | 'given';
}

/** One role's alarms of one resolution, priced. */
export interface AlarmCostLine {
  /** e.g. "down alarms (standard, 60 s)", "external-outage (composite)". */
  readonly item: string;
  readonly count: number;
  readonly unitUsd: number;
  /** Rounded to cents. */
  readonly monthlyUsd: number;
}

type PricedAlarm = Pick<AlarmSpec, 'type' | 'role'> & { readonly period?: number };

/** CloudWatch bills alarms with a 10, 20 or 30 s period at the high-resolution price. */
const isHighResolution = (a: PricedAlarm): boolean => a.type === 'metric' && (a.period ?? 60) < 60;

/**
 * Alarm counts from the config's alarm plan (shared/alarms), the same plan `cdk synth` renders. Every metric alarm
 * in the plan reads one metric, so it bills one alarm metric: high resolution when its period is under 60 s.
 */
export function alarmCountsFromPlan(plan: Pick<AlarmPlan, 'alarms'>): AlarmCounts {
  const metric = plan.alarms.filter((a) => a.type === 'metric');
  const high = metric.filter(isHighResolution).length;
  return {
    standardAlarmMetrics: metric.length - high,
    highResolutionAlarmMetrics: high,
    compositeAlarms: plan.alarms.length - metric.length,
    source: 'alarm plan',
  };
}

function unitOf(a: PricedAlarm, prices: PriceTable): { item: string; unit: number } {
  if (a.type === 'composite') return { item: `${a.role} (composite)`, unit: prices.alarmComposite };
  const high = isHighResolution(a);
  return {
    item: `${a.role} alarms (${high ? 'high resolution' : 'standard'}, ${a.period} s)`,
    unit: high ? prices.alarmHighResolutionMetric : prices.alarmStandardMetric,
  };
}

/** The plan's alarms grouped by role and resolution, each group priced, in the plan's order. */
export function alarmCostLines(
  plan: Pick<AlarmPlan, 'alarms'>,
  prices: PriceTable = PRICES,
): AlarmCostLine[] {
  const lines = new Map<string, { count: number; unit: number }>();
  for (const a of plan.alarms) {
    const { item, unit } = unitOf(a, prices);
    const cur = lines.get(item) ?? { count: 0, unit };
    cur.count++;
    lines.set(item, cur);
  }
  return [...lines].map(([item, { count, unit }]) => ({
    item,
    count,
    unitUsd: unit,
    monthlyUsd: Math.round(count * unit * 100) / 100,
  }));
}

/** Sum of the lines, rounded to cents. */
export function alarmLinesUsd(lines: readonly AlarmCostLine[]): number {
  return Math.round(lines.reduce((s, l) => s + l.monthlyUsd, 0) * 100) / 100;
}
