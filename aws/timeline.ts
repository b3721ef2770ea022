// `depmon timeline`'s reading of AWS: alarm states and history, the page log and the `Down` metric for a
// window, turned into the incident account by #shared/timeline. Clients and retries come from the caller.
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MonitorConfig } from '#shared/config';
import {
  type Account,
  type AlarmTransition,
  alarmFilter,
  alarmHistoryCoverage,
  alarmPlanOf,
  alarmsAlreadyFiring,
  buildAccount,
  onsetsFromDownCounts,
  type ProbeOnset,
  type ProbeRecovery,
  pageFromLogRecord,
  probeMetricCoverage,
  responseFromLogRecord,
  type TimeWindow,
} from '#shared/timeline';
import { alarmHistory, describeAlarms } from './alarms.ts';
import { readDownSeries } from './down-metric.ts';
import { queryPageLogEntries } from './page-log.ts';
import type { Retrier } from './retry.ts';

export interface RecordedSources {
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  readonly retry: Retrier;
}

export interface RecordedRequest {
  readonly config: MonitorConfig;
  /** The window, its end already clipped to `now`. */
  readonly window: TimeWindow;
  readonly now: Date;
  /** The page log table. */
  readonly table: string;
  /** Read alarms whose names start with this instead of depmon's names for the config. */
  readonly alarmPrefix?: string;
  /** Caveats known before reading (e.g. the window was clipped). */
  readonly notes?: readonly string[];
}

/**
 * The account of a real incident, and the notes made while reading (what AWS no longer keeps, …), which
 * the account also carries. Throws AwsCallError when a call fails after its retries.
 */
export async function readRecordedAccount(
  src: RecordedSources,
  req: RecordedRequest,
): Promise<{ account: Account; notes: readonly string[] }> {
  const { config, window, now } = req;
  const notes = [...(req.notes ?? [])];
  const plan = alarmPlanOf(config);
  const matches = alarmFilter(config, req.alarmPrefix, plan);
  const current = (
    await describeAlarms(src.cloudwatch, req.alarmPrefix ?? `${config.name}-`, src.retry)
  ).filter((a) => matches(a.name));
  const alarms = await readAlarmTransitions(src, window, now, matches, notes);
  notes.push(...alarmsAlreadyFiring(current, window.from));
  if (current.length === 0 && alarms.length === 0) {
    notes.push(
      `No depmon alarms of "${config.name}" exist in ${config.homeRegion} and none changed state in the window: is the home stack deployed there?`,
    );
  }
  const log = await queryPageLogEntries(src.dynamodb, req.table, window, src.retry);
  const pages = log.pages.map(pageFromLogRecord);
  const { onsets, recoveries } = await readProbeOnsets(src, config, window, now, notes);
  const account = buildAccount({
    config,
    window,
    origin: 'aws',
    alarms,
    ...(plan ? { alarmPlan: plan } : {}),
    pages,
    onsets,
    recoveries,
    responses: log.responses.map(responseFromLogRecord),
    notes,
    generatedAt: now,
  });
  return { account, notes };
}

async function readAlarmTransitions(
  src: RecordedSources,
  window: TimeWindow,
  now: Date,
  matches: (name: string) => boolean,
  notes: string[],
): Promise<AlarmTransition[]> {
  const coverage = alarmHistoryCoverage(window, now);
  notes.push(...coverage.notes);
  return coverage.read ? alarmHistory(src.cloudwatch, window, matches, src.retry) : [];
}

async function readProbeOnsets(
  src: RecordedSources,
  config: MonitorConfig,
  window: TimeWindow,
  now: Date,
  notes: string[],
): Promise<{ onsets: ProbeOnset[]; recoveries: ProbeRecovery[] }> {
  const { period, notes: coverageNotes } = probeMetricCoverage(config.intervalSeconds, window, now);
  notes.push(...coverageNotes);
  if (period === undefined) return { onsets: [], recoveries: [] };
  const series = await readDownSeries(
    src.cloudwatch,
    {
      namespace: config.namespace,
      dependencies: config.dependencies.map((d) => d.id),
      period,
      window,
    },
    src.retry,
  );
  return onsetsFromDownCounts(series, Math.max(1, period / config.intervalSeconds));
}
