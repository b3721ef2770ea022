// One cost report: the depmon bill of a config beside CloudWatch Synthetics and Route 53 for the same coverage.
import { downAlarmWindow } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import { confirmDelayMs } from '#shared/runtime';
import { type AlternativeBill, route53Bill, syntheticsBill } from './alternatives.ts';
import { type Bill, type BillOptions, billOf } from './bill.ts';
import {
  PRICE_REGION,
  PRICE_SOURCES,
  PRICES,
  PRICES_TAKEN_ON,
  REGIONAL_PRICES,
  type RegionalPrices,
} from './prices.ts';

export interface CostReport {
  readonly prices: {
    readonly region: string;
    readonly takenOn: string;
    readonly sources: readonly string[];
    /** The config's regions whose prices differ from the base table, with where they were read. */
    readonly regional: Readonly<Record<string, RegionalPrices>>;
  };
  readonly depmon: Bill;
  /**
   * Both detection profiles (`policy.detection`) side by side, year 1: the config's own is the bill above; the
   * other is the same config with only the profile changed, counted from its alarm plan.
   */
  readonly detectionProfiles: readonly {
    readonly profile: 'economical' | 'fast';
    readonly totalUsd: number;
    readonly perDependencyUsd: number;
    readonly current: boolean;
    /** What its down alarms watch, in words (the window of `downAlarmWindow`). */
    readonly detects: string;
  }[];
  readonly synthetics: AlternativeBill;
  readonly route53: AlternativeBill;
}

/** A profile's down alarm in words: its window, its resolution and how often CloudWatch evaluates it. */
function detectsOf(config: MonitorConfig): string {
  const w = downAlarmWindow(config);
  const high = w.period < 60;
  const confirm = confirmDelayMs(config);
  const second =
    confirm > 0
      ? `; a failing probe is looked at again ${confirm / 1000} s later in its round, extra requests and compute only while it fails`
      : '';
  return `down from ${config.policy.quorum} of ${config.probeRegions.length} regions in ${w.datapointsToAlarm} of ${w.evaluationPeriods} periods of ${w.period} s (${high ? 'high-resolution alarm, evaluated every 10 s' : 'standard alarm, evaluated every minute'}; probes every ${config.intervalSeconds} s${second})`;
}

export function costReport(config: MonitorConfig, options: BillOptions = {}): CostReport {
  const prices = options.prices ?? PRICES;
  const depmon = billOf(config, options);
  const detectionProfiles = (['economical', 'fast'] as const).map((profile) => {
    const current = profile === config.policy.detection;
    const { deployment: _synthesized, ...rest } = options;
    const b = current
      ? depmon
      : billOf({ ...config, policy: { ...config.policy, detection: profile } }, rest);
    const detects = detectsOf({ ...config, policy: { ...config.policy, detection: profile } });
    return { profile, totalUsd: b.totalUsd, perDependencyUsd: b.perDependencyUsd, current, detects };
  });
  return {
    prices: {
      region: PRICE_REGION,
      takenOn: PRICES_TAKEN_ON,
      sources: PRICE_SOURCES,
      regional: Object.fromEntries(
        [...new Set([config.homeRegion, ...config.probeRegions])].flatMap((r) =>
          REGIONAL_PRICES[r] ? [[r, REGIONAL_PRICES[r]]] : [],
        ),
      ),
    },
    depmon,
    detectionProfiles,
    synthetics: syntheticsBill(config, prices),
    route53: route53Bill(config, prices),
  };
}
