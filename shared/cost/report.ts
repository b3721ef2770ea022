// One cost report: the depmon bill of a config beside CloudWatch Synthetics and Route 53 for the same coverage.
import type { MonitorConfig } from '#shared/config';
import { type AlternativeBill, route53Bill, syntheticsBill } from './alternatives.ts';
import { type Bill, type BillOptions, billOf } from './bill.ts';
import { PRICE_REGION, PRICE_SOURCES, PRICES, PRICES_TAKEN_ON } from './prices.ts';

export interface CostReport {
  readonly prices: { readonly region: string; readonly takenOn: string; readonly sources: readonly string[] };
  readonly depmon: Bill;
  readonly synthetics: AlternativeBill;
  readonly route53: AlternativeBill;
}

export function costReport(config: MonitorConfig, options: BillOptions = {}): CostReport {
  const prices = options.prices ?? PRICES;
  return {
    prices: { region: PRICE_REGION, takenOn: PRICES_TAKEN_ON, sources: PRICE_SOURCES },
    depmon: billOf(config, options),
    synthetics: syntheticsBill(config, prices),
    route53: route53Bill(config, prices),
  };
}
