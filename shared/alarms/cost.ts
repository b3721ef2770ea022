// Monthly cost of an alarm topology, itemised: what `depmon cost` and the README quote.

/** Standard-resolution alarm, per alarm metric per month (CloudWatch pricing, us-east-1). */
export const PRICE_STANDARD_ALARM_USD = 0.1;
/** High-resolution alarm (10/20/30 s period), per alarm metric per month (CloudWatch pricing). */
export const PRICE_HIGH_RES_ALARM_USD = 0.3;
/** Composite alarm, per alarm per month (CloudWatch pricing). */
export const PRICE_COMPOSITE_ALARM_USD = 0.5;

export interface CostLine {
  /** e.g. "down alarms (standard, 60 s)". */
  readonly item: string;
  readonly count: number;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
}

interface Priced {
  readonly type: 'metric' | 'composite';
  readonly role: string;
  readonly period?: number;
}

/** Groups alarms by role and resolution and prices each group. */
export function alarmCost(alarms: readonly Priced[]): CostLine[] {
  const lines = new Map<string, { count: number; unit: number }>();
  for (const a of alarms) {
    let key: string;
    let unit: number;
    if (a.type === 'composite') {
      key = `${a.role} (composite)`;
      unit = PRICE_COMPOSITE_ALARM_USD;
    } else {
      const high = (a.period ?? 60) < 60;
      key = `${a.role} alarms (${high ? 'high resolution' : 'standard'}, ${a.period} s)`;
      unit = high ? PRICE_HIGH_RES_ALARM_USD : PRICE_STANDARD_ALARM_USD;
    }
    const cur = lines.get(key) ?? { count: 0, unit };
    cur.count++;
    lines.set(key, cur);
  }
  return [...lines].map(([item, { count, unit }]) => ({
    item,
    count,
    unitUsd: unit,
    monthlyUsd: Math.round(count * unit * 100) / 100,
  }));
}

/** Sum of the lines, rounded to cents. */
export function totalUsd(lines: readonly CostLine[]): number {
  return Math.round(lines.reduce((s, l) => s + l.monthlyUsd, 0) * 100) / 100;
}
