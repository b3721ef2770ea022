// The AWS price table `depmon cost` bills a config with: one Region's list prices, and the date they were read.
// Prices change and differ by Region by a few percent; a bill from this table is an estimate, not a quote.

/** The base table's Region. Other Regions override what differs (REGIONAL_PRICES); the rest is assumed equal. */
export const PRICE_REGION = 'us-east-1';
/** When the base prices were checked (TOOLCHAIN.md, "AWS facts" and "Facts checked 2026-12-01"). */
export const PRICES_TAKEN_ON = '2026-12-01';
/** Where to re-check them. */
export const PRICE_SOURCES = [
  'https://aws.amazon.com/lambda/pricing/',
  'https://aws.amazon.com/cloudwatch/pricing/',
  'https://aws.amazon.com/eventbridge/pricing/',
  'https://aws.amazon.com/kms/pricing/',
  'https://aws.amazon.com/sns/pricing/',
  'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
  'https://aws.amazon.com/route53/pricing/',
  'https://aws.amazon.com/secrets-manager/pricing/',
] as const;

/** AWS bills a month as 730 hours (the AWS Pricing Calculator's convention). */
export const HOURS_PER_MONTH = 730;
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;

/** List prices in USD, us-east-1, checked 2026-12-01. The free tier is subtracted only on request (FREE_TIER). */
export const PRICES = {
  /** Lambda: per request (AWS Lambda pricing, $0.20 per 1M requests). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on arm64: per GB-second, first 7.5 billion GB-s a month (AWS Lambda pricing). */
  lambdaGbSecondArm64: 0.0000133334,
  /** EventBridge Scheduler: per invocation ($1.00 per 1M, after 14M free a month). */
  schedulerInvocation: 1 / 1_000_000,
  /** CloudWatch PutMetricData, DescribeAlarms and other API calls: per request ($0.01 per 1,000 requests). */
  putMetricDataRequest: 0.01 / 1000,
  /** CloudWatch GetMetricData: per metric requested ($0.01 per 1,000 metrics; never in the free tier). */
  getMetricDataMetric: 0.01 / 1000,
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
  /** Dashboard: per dashboard-month. */
  dashboard: 3,
  /** SNS standard topic publish ($0.50 per 1M requests). */
  snsPublish: 0.5 / 1_000_000,
  /** SNS email delivery ($2.00 per 100,000). SMS is priced per message by destination country: not included. */
  snsEmailDelivery: 2 / 100_000,
  /** SNS HTTPS delivery ($0.60 per 1M). */
  snsHttpsDelivery: 0.6 / 1_000_000,
  /** DynamoDB on-demand write request unit ($0.625 per 1M). */
  dynamoWriteRequest: 0.625 / 1_000_000,
  /** DynamoDB on-demand read request unit ($0.125 per 1M). */
  dynamoReadRequest: 0.125 / 1_000_000,
  /** DynamoDB standard storage per GB-month. */
  dynamoStorageGbMonth: 0.25,
  /** KMS customer-managed key, per key-month; each of its first two rotations adds the same again. */
  kmsKey: 1,
  /** KMS requests ($0.03 per 10,000). */
  kmsRequest: 0.03 / 10_000,
  /** Secrets Manager: per secret-month ($0.40). */
  secretsManagerSecret: 0.4,
  /** Secrets Manager API calls ($0.05 per 10,000). */
  secretsManagerRequest: 0.05 / 10_000,
  /** CloudWatch Logs ingestion, per GB (standard log class). */
  logsIngestGb: 0.5,
  /** CloudWatch Logs storage (archive), per GB-month. */
  logsStorageGbMonth: 0.03,
  /** Data transfer out to the internet, per GB (first 10 TB a month). */
  dataTransferOutGb: 0.09,
  /** Data transfer to another AWS Region, per GB, billed in the source Region. */
  interRegionTransferGb: 0.02,
  /** CloudWatch Synthetics: per canary run. */
  syntheticsRun: 0.0012,
  /** Route 53 health check of a non-AWS endpoint, per check-month. */
  route53HealthCheck: 0.75,
  /** Route 53 optional feature on a non-AWS endpoint (HTTPS, string matching, fast interval, latency), each, per check-month. */
  route53OptionalFeature: 2,
};

/** What differs from us-east-1 in a Region, with where each number was read. */
export interface RegionalPrices {
  readonly name: string;
  readonly overrides: Partial<PriceTable>;
  readonly source: string;
  readonly takenOn: string;
}

/**
 * Regions whose prices differ from us-east-1 where it matters to depmon: logs and data transfer. Lambda,
 * CloudWatch metrics, alarms and dashboards, Scheduler, KMS and SNS list the same prices in these Regions.
 * Seoul's and Osaka's log prices are taken equal to Tokyo's (the pricing page renders them per Region; the
 * pages read here quote Tokyo).
 */
export const REGIONAL_PRICES: Readonly<Record<string, RegionalPrices>> = {
  'ap-northeast-1': {
    name: 'Asia Pacific (Tokyo)',
    overrides: {
      logsIngestGb: 0.76,
      logsStorageGbMonth: 0.033,
      dataTransferOutGb: 0.114,
      interRegionTransferGb: 0.09,
    },
    source:
      'TOOLCHAIN.md (logs $0.76/GB in Tokyo); awsi.click "CloudWatch Logs cost structure" (ingestion $0.76, storage $0.033 in ap-northeast-1); EC2 data transfer pricing (out $0.114, to other Regions $0.09)',
    takenOn: '2026-12-01',
  },
  'ap-northeast-2': {
    name: 'Asia Pacific (Seoul)',
    overrides: {
      logsIngestGb: 0.76,
      logsStorageGbMonth: 0.033,
      dataTransferOutGb: 0.126,
      interRegionTransferGb: 0.08,
    },
    source: 'logs as Tokyo (assumed); EC2 data transfer pricing (out $0.126, to other Regions $0.08)',
    takenOn: '2026-12-01',
  },
  'ap-northeast-3': {
    name: 'Asia Pacific (Osaka)',
    overrides: {
      logsIngestGb: 0.76,
      logsStorageGbMonth: 0.033,
      dataTransferOutGb: 0.114,
      interRegionTransferGb: 0.09,
    },
    source: 'logs and data transfer as Tokyo (assumed)',
    takenOn: '2026-12-01',
  },
};

/** The price table of one Region: us-east-1's, with that Region's known differences. */
export function pricesFor(region: string, base: PriceTable = PRICES): PriceTable {
  return { ...base, ...(REGIONAL_PRICES[region]?.overrides ?? {}) };
}

/**
 * AWS's always-free monthly allowances that touch depmon (per account; CloudWatch's and Lambda's are not
 * per Region). Subtracted only with `depmon cost --free-tier`: most accounts that run a bank's monitor use
 * them up elsewhere.
 */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  schedulerInvocations: 14_000_000,
  customMetrics: 10,
  standardAlarms: 10,
  dashboards: 3,
  cloudwatchApiRequests: 1_000_000,
  logsGb: 5,
  kmsRequests: 20_000,
  snsPublishes: 1_000_000,
  snsEmails: 1_000,
  dynamoStorageGb: 25,
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
