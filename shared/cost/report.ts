// One cost report: the depmon bill of a config beside CloudWatch Synthetics and Route 53 for the same coverage.
import type { MonitorConfig } from '#shared/config';
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
  readonly synthetics: AlternativeBill;
  readonly route53: AlternativeBill;
}

export function costReport(config: MonitorConfig, options: BillOptions = {}): CostReport {
  const prices = options.prices ?? PRICES;
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
    depmon: billOf(config, options),
    synthetics: syntheticsBill(config, prices),
    route53: route53Bill(config, prices),
  };
}
