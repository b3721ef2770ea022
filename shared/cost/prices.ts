// The AWS price table `depmon cost` bills a config with: one Region's list prices, and the date they were read.
// Prices change and differ by Region by a few percent; a bill from this table is an estimate, not a quote.

/** Region whose list prices these are. Probe regions elsewhere (e.g. Seoul, Tokyo) may differ slightly. */
export const PRICE_REGION = 'us-east-1';
/** When the prices were checked (TOOLCHAIN.md, "AWS facts that shape the design"). */
export const PRICES_TAKEN_ON = '2026-11';
/** Where to re-check them. */
export const PRICE_SOURCES = [
  'https://aws.amazon.com/lambda/pricing/',
  'https://aws.amazon.com/cloudwatch/pricing/',
  'https://aws.amazon.com/sns/pricing/',
  'https://aws.amazon.com/route53/pricing/',
] as const;

/** AWS bills a month as 730 hours (the AWS Pricing Calculator's convention). */
export const HOURS_PER_MONTH = 730;
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;

/** List prices in USD, us-east-1, checked 2026-11. No free tier is subtracted anywhere. */
export const PRICES = {
  /** Lambda: per request (AWS Lambda pricing, $0.20 per 1M requests). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on arm64: per GB-second, first 7.5 billion GB-s a month (AWS Lambda pricing). */
  lambdaGbSecondArm64: 0.0000133334,
  /** CloudWatch PutMetricData: per request ($0.01 per 1,000 requests). */
  putMetricDataRequest: 0.01 / 1000,
  /** CloudWatch custom metrics, per metric-month, by volume tier (first 10,000; next 240,000; next 750,000; over 1M). */
  customMetricTiers: [
    { upTo: 10_000, usd: 0.3 },
    { upTo: 250_000, usd: 0.1 },
    { upTo: 1_000_000, usd: 0.05 },
    { upTo: Number.POSITIVE_INFINITY, usd: 0.02 },
  ],
  /** Standard-resolution alarm (period ≥ 60 s): per alarm metric-month (math alarms bill each metric). */
  alarmStandardMetric: 0.1,
  /** High-resolution alarm (period 10/20/30 s): per alarm metric-month. */
  alarmHighResolutionMetric: 0.3,
  /** Composite alarm: per alarm-month. */
  alarmComposite: 0.5,
  /** Dashboard: per dashboard-month (the free three are not subtracted). */
  dashboard: 3,
  /** SNS standard topic publish ($0.50 per 1M requests). */
  snsPublish: 0.5 / 1_000_000,
  /** SNS email delivery ($2.00 per 100,000). SMS is priced per message by destination country: not included. */
  snsEmailDelivery: 2 / 100_000,
  /** SNS HTTPS delivery ($0.60 per 1M). */
  snsHttpsDelivery: 0.6 / 1_000_000,
  /** DynamoDB on-demand write request unit ($0.625 per 1M). */
  dynamoWriteRequest: 0.625 / 1_000_000,
  /** DynamoDB standard storage per GB-month. */
  dynamoStorageGbMonth: 0.25,
  /** KMS customer-managed key, per key-month. */
  kmsKey: 1,
  /** KMS requests ($0.03 per 10,000). */
  kmsRequest: 0.03 / 10_000,
  /** CloudWatch Logs ingestion, per GB (standard log class). */
  logsIngestGb: 0.5,
  /** Data transfer out to the internet, per GB (first 10 TB a month). */
  dataTransferOutGb: 0.09,
  /** CloudWatch Synthetics: per canary run. */
  syntheticsRun: 0.0012,
  /** Route 53 health check of a non-AWS endpoint, per check-month. */
  route53HealthCheck: 0.75,
  /** Route 53 optional feature on a non-AWS endpoint (HTTPS, string matching, fast interval, latency), each, per check-month. */
  route53OptionalFeature: 2,
} as const;

export type PriceTable = typeof PRICES;

/** Route 53 health checkers probe every 30 s, or every 10 s with the "fast interval" option. */
export const ROUTE53_STANDARD_INTERVAL_SECONDS = 30;
export const ROUTE53_FAST_INTERVAL_SECONDS = 10;

/** Monthly price of `count` custom metrics under CloudWatch's volume tiers. */
export function customMetricsUsd(count: number, prices: PriceTable = PRICES): number {
  let left = count;
  let prev = 0;
  let usd = 0;
  for (const tier of prices.customMetricTiers) {
    const inTier = Math.min(left, tier.upTo - prev);
    usd += inTier * tier.usd;
    left -= inTier;
    prev = tier.upTo;
    if (left <= 0) break;
  }
  return usd;
}
