// CloudWatch's alarm vocabulary and limits, defined once: the plan is built within them, the simulator's
// template reader refuses what falls outside them, and the paging core reads the same state names.

/** Alarm states (CloudWatch DescribeAlarms, StateValue). */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** Static-threshold comparisons (CloudWatch PutMetricAlarm, ComparisonOperator); anomaly bands are not used. */
export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** How missing datapoints count (CloudWatch PutMetricAlarm, TreatMissingData); `missing` when unset. */
export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

/** Basic statistics (CloudWatch PutMetricAlarm, Statistic). */
export const BASIC_STATISTICS = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'] as const;
export type BasicStatistic = (typeof BASIC_STATISTICS)[number];
/** Percentiles `p0`–`p100`, decimals allowed (CloudWatch PutMetricAlarm, ExtendedStatistic). */
export const PERCENTILE_STATISTIC = /^p(\d{1,2}(?:\.\d+)?|100)$/;

/** Sub-minute alarm periods (CloudWatch PutMetricAlarm, Period); any other period is a multiple of 60 s. */
export const HIGH_RESOLUTION_PERIODS = [10, 20, 30] as const;
/** Alarms with periods of 60 s or more are evaluated every minute (CloudWatch user guide, "Alarm evaluation"). */
export const STANDARD_EVALUATION_MS = 60_000;
/** Alarms with 10, 20 or 30 s periods are evaluated every 10 s (CloudWatch user guide, "Alarm evaluation"). */
export const HIGH_RESOLUTION_EVALUATION_MS = 10_000;

/** Alarm names are 1-255 characters (CloudWatch PutMetricAlarm, AlarmName). */
export const ALARM_NAME_MAX_CHARS = 255;
/** A composite rule may reference at most 100 alarms (CloudWatch PutCompositeAlarm, AlarmRule). */
export const RULE_MAX_CHILDREN = 100;
/** A composite rule has at most 500 elements (CloudWatch user guide, "Composite alarms"). */
export const RULE_MAX_ELEMENTS = 500;
/** A composite rule is at most 10,240 characters (CloudWatch PutCompositeAlarm, AlarmRule length). */
export const RULE_MAX_CHARS = 10_240;
/** One alarm may appear in the rules of at most 150 composite alarms (CloudWatch PutCompositeAlarm). */
export const ALARM_MAX_PARENT_COMPOSITES = 150;

/** The composite limits as one value, so tests can lower them to reach them with small configs. */
export interface AlarmLimits {
  readonly ruleMaxChildren: number;
  readonly ruleMaxElements: number;
  readonly ruleMaxChars: number;
  readonly maxParentComposites: number;
}

export const CLOUDWATCH_LIMITS: AlarmLimits = {
  ruleMaxChildren: RULE_MAX_CHILDREN,
  ruleMaxElements: RULE_MAX_ELEMENTS,
  ruleMaxChars: RULE_MAX_CHARS,
  maxParentComposites: ALARM_MAX_PARENT_COMPOSITES,
};
