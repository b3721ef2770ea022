// `depmon timeline --from ISO --to ISO`: reads what AWS recorded about an incident (CloudWatch alarm
// history, the depmon page log in DynamoDB, the probe metrics) and writes the minute-by-minute account.
// The account itself is built and rendered by #shared/timeline; this file only fetches and maps errors.
import path from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  type DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  type AttributeValue,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { type AlarmPlan, buildAlarmPlan } from '#shared/alarms';
import { findConfigFile, loadConfigFile, type MonitorConfig } from '#shared/config';
import { DIM_DEPENDENCY, METRIC_DOWN } from '#shared/metrics';
import type { PageLogRecord } from '#shared/pages';
import {
  type AlarmTransition,
  buildAccount,
  formatForFile,
  type PageEvidence,
  type ProbeOnset,
  type ProbeRecovery,
  pageFromLogRecord,
  renderMarkdown,
  writeTimeline,
} from '#shared/timeline';
import type { CliIO } from '../main.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

const DAY_MS = 86_400_000;
/** CloudWatch keeps alarm history for 30 days (CloudWatch user guide, "Viewing alarm history"). */
export const ALARM_HISTORY_RETENTION_DAYS = 30;
/** Metric retention by period (CloudWatch concepts, "Metric retention"): under 60 s for 3 hours, 60 s for
 *  15 days, 300 s for 63 days, 3600 s for 455 days. */
export const METRIC_RETENTION = [
  { maxAgeMs: 3 * 3_600_000, minPeriod: 1 },
  { maxAgeMs: 15 * DAY_MS, minPeriod: 60 },
  { maxAgeMs: 63 * DAY_MS, minPeriod: 300 },
  { maxAgeMs: 455 * DAY_MS, minPeriod: 3600 },
] as const;
/** GetMetricData takes at most 500 queries per request (CloudWatch API reference, GetMetricData). */
export const GET_METRIC_DATA_MAX_QUERIES = 500;
/** DescribeAlarmHistory returns at most 100 items per page (CloudWatch API reference). */
export const DESCRIBE_ALARM_HISTORY_MAX_RECORDS = 100;
/** DescribeAlarms returns at most 100 alarms per page (CloudWatch API reference). */
export const DESCRIBE_ALARMS_MAX_RECORDS = 100;
/** Attempts the SDK makes itself (adaptive mode: backoff plus client-side rate limiting) before an error reaches us. */
export const SDK_MAX_ATTEMPTS = 4;
/** Further attempts of ours after the SDK gave up on throttling, with longer waits. */
export const THROTTLE_RETRIES = 4;
const THROTTLE_BASE_MS = 1000;
const THROTTLE_MAX_MS = 16_000;

/** The page log table when neither --table nor the stack says otherwise: `<config.name>-page-log`. */
export const defaultPageLogTable = (config: Pick<MonitorConfig, 'name'>) => `${config.name}-page-log`;
/** The roles in depmon's alarm names (`<config.name>-<role>-…`, see #shared/alarms alarmNames). */
const ALARM_ROLES = ['down', 'degraded', 'heartbeat', 'blind', 'core-outage', 'external-outage'] as const;

const README_POLICY = 'the read-only IAM policy in the README ("depmon timeline", "IAM policy")';

export interface TimelineDeps {
  readonly cloudwatch?: CloudWatchClient;
  readonly dynamodb?: DynamoDBClient;
  /** Clock for retention checks. @default () => new Date() */
  readonly now?: () => Date;
  /** Backoff wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  config: { type: 'string', short: 'c' },
  out: { type: 'string' },
  table: { type: 'string' },
  'alarm-prefix': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: depmon timeline --from ISO --to ISO [--config FILE] [--out FILE] [--table NAME] [--alarm-prefix P]

Writes the account of an incident from what AWS recorded: alarm history, the page log, probe metrics.
  --from, --to      ISO 8601 times with a zone: 2022-10-15T15:00:00+09:00 or 2022-10-15T06:00:00Z
  --out FILE        .md, .html, .csv or .json (markdown on stdout without it)
  --table NAME      the page log table (default: <config name>-page-log)
  --alarm-prefix P  read alarms whose names start with P (default: depmon's names for this config)
`;

export async function run(args: string[], io: CliIO, deps: TimelineDeps = {}): Promise<number> {
  const { values } = parseCliArgs(args, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const now = (deps.now ?? (() => new Date()))();
  const from = parseInstant('--from', values.from);
  const to = parseInstant('--to', values.to);
  if (to.getTime() <= from.getTime())
    throw new UsageError(`--to: expected a time after --from (${from.toISOString()})`);
  if (from.getTime() > now.getTime()) throw new UsageError(`--from: ${from.toISOString()} is in the future`);
  if (values.out !== undefined && !formatForFile(values.out)) {
    throw new UsageError(`--out: expected a file ending in .md, .html, .csv or .json (got "${values.out}")`);
  }

  const configFile = values.config ?? findConfigFile(io.cwd);
  if (!configFile) {
    // Worded as check's: the same missing file, the same message (naming no file that does not exist).
    throw new UsageError(
      `timeline: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${io.cwd}; name one with --config FILE`,
    );
  }
  const { config } = await loadConfigFile(configFile, io.cwd);
  const region = config.homeRegion;
  const cloudwatch =
    deps.cloudwatch ?? new CloudWatchClient({ region, maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'adaptive' });
  const dynamodb =
    deps.dynamodb ?? new DynamoDBClient({ region, maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'adaptive' });
  const aws = new Aws(deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))));
  const table = values.table ?? defaultPageLogTable(config);
  const end = new Date(Math.min(to.getTime(), now.getTime()));
  const window = { from, to: end };

  try {
    const notes: string[] = [];
    if (end.getTime() < to.getTime())
      notes.push(`--to is in the future: the account stops at ${end.toISOString()}.`);
    const plan = alarmPlanOf(config);
    const matches = alarmFilter(config, values['alarm-prefix'], plan);
    const current = await readCurrentAlarms(
      aws,
      cloudwatch,
      values['alarm-prefix'] ?? `${config.name}-`,
      matches,
    );
    const alarms = await readAlarmHistory(aws, cloudwatch, window, matches, now, notes);
    notes.push(...alarmsAlreadyFiring(current, window.from));
    if (current.length === 0 && alarms.length === 0) {
      notes.push(
        `No depmon alarms of "${config.name}" exist in ${region} and none changed state in the window: is the home stack deployed there?`,
      );
    }
    const pages = await readPageLog(aws, dynamodb, table, window);
    const { onsets, recoveries } = await readProbeOnsets(aws, cloudwatch, config, window, now, notes);
    const account = buildAccount({
      config,
      window,
      origin: 'aws',
      alarms,
      ...(plan ? { alarmPlan: plan } : {}),
      pages,
      onsets,
      recoveries,
      notes,
      generatedAt: now,
    });
    if (values.out) {
      await writeTimeline(account, path.resolve(io.cwd, values.out));
      io.stderr.write(`depmon timeline: wrote ${account.events.length} events to ${values.out}\n`);
    } else io.stdout.write(renderMarkdown(account));
    if (account.events.length === 0) {
      io.stderr.write(
        `depmon timeline: nothing recorded between ${from.toISOString()} and ${end.toISOString()}; the account is empty and says so\n`,
      );
    }
    for (const n of notes.filter(isIncompleteNote)) io.stderr.write(`depmon timeline: warning: ${n}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`${explain(e, { region, table })}\n`);
    return 2;
  }
}

/** ISO 8601 with a zone; a bare local time would be read in whatever zone this machine is in. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function parseInstant(flag: string, value: string | undefined): Date {
  if (value === undefined)
    throw new UsageError(`${flag} is required (an ISO 8601 time such as 2022-10-15T15:00:00+09:00)`);
  const d = new Date(value);
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(d.getTime())) {
    throw new UsageError(
      `${flag}: expected an ISO 8601 time with Z or an offset, e.g. 2022-10-15T15:00:00+09:00 (got "${value}")`,
    );
  }
  return d;
}

const isIncompleteNote = (n: string) => /kept|missing|no probe evidence/i.test(n);

// ── AWS calls with throttling retries ────────────────────────────────────────────────────────────

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
]);
const isThrottling = (e: unknown) => e instanceof Error && THROTTLING.has(e.name);

class Aws {
  constructor(private readonly sleep: (ms: number) => Promise<void>) {}

  /** `fn` with our retries on throttling after the SDK's own; `action` names the IAM action for errors. */
  async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isThrottling(e) || attempt >= THROTTLE_RETRIES) throw new AwsCallError(action, e, attempt + 1);
        const wait = Math.min(THROTTLE_MAX_MS, THROTTLE_BASE_MS * 2 ** attempt);
        await this.sleep(wait / 2 + Math.random() * (wait / 2));
      }
    }
  }
}

class AwsCallError extends Error {
  constructor(
    readonly action: string,
    readonly cause: unknown,
    readonly attempts: number,
  ) {
    super(`${action}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
]);
const BAD_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/** One line for any failure: what happened, and what to do. */
function explain(e: unknown, ctx: { region: string; table: string }): string {
  const p = 'depmon timeline:';
  const action = e instanceof AwsCallError ? e.action : undefined;
  const err = e instanceof AwsCallError ? e.cause : e;
  const name = err instanceof Error ? err.name : '';
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return `${p} no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run "aws sso login", then try again`;
  }
  if (BAD_CREDENTIALS.has(name)) {
    return `${p} AWS rejected the credentials (${name}): refresh them (e.g. "aws sso login") and try again`;
  }
  if (ACCESS_DENIED.has(name)) {
    const denied = /perform:\s*([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? action ?? 'an AWS action';
    return `${p} access denied for ${denied} in ${ctx.region}: attach ${README_POLICY}`;
  }
  if (name === 'ResourceNotFoundException' && action?.startsWith('dynamodb:')) {
    return `${p} the page log table "${ctx.table}" does not exist in ${ctx.region}: deploy the home stack there, or name the table with --table`;
  }
  if (isThrottling(err)) {
    return `${p} AWS kept throttling ${action ?? 'the request'} (${e instanceof AwsCallError ? e.attempts : 1} attempts, each after the SDK's own ${SDK_MAX_ATTEMPTS}): try again in a minute or with a shorter window`;
  }
  const code = (err as { code?: string }).code;
  if (code && /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN)$/.test(code)) {
    return `${p} could not reach AWS in ${ctx.region} (${code}): check the network or proxy`;
  }
  return `${p} ${action ? `${action} failed: ` : ''}${name && name !== 'Error' ? `${name}: ` : ''}${message}`;
}

// ── Alarm history ───────────────────────────────────────────────────────────────────────────────

/** The alarm plan the home stack renders from this config: the exact names, and what each is about. */
function alarmPlanOf(config: MonitorConfig): AlarmPlan | undefined {
  try {
    return buildAlarmPlan(config);
  } catch {
    return undefined; // a config past CloudWatch's limits cannot have been deployed as is: match by name
  }
}

function alarmFilter(
  config: MonitorConfig,
  prefix: string | undefined,
  plan: AlarmPlan | undefined,
): (name: string) => boolean {
  if (prefix !== undefined) return (n) => n.startsWith(prefix);
  const names = new Set(plan?.alarms.map((a) => a.name));
  // Alarms of an earlier version of the config are no longer in the plan: match depmon's naming scheme.
  // The role after the name keeps "bank" from also reading the alarms of a config named "bank-eu".
  const re = new RegExp(`^${escapeRe(config.name)}-(${ALARM_ROLES.map(escapeRe).join('|')})(-|$)`);
  return (n) => names.has(n) || re.test(n);
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface CurrentAlarm {
  readonly name: string;
  readonly state: string;
  readonly since?: Date;
}

async function readCurrentAlarms(
  aws: Aws,
  cw: CloudWatchClient,
  prefix: string,
  matches: (name: string) => boolean,
): Promise<CurrentAlarm[]> {
  const out: CurrentAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page: DescribeAlarmsCommandOutput = await aws.call('cloudwatch:DescribeAlarms', () =>
      cw.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: DESCRIBE_ALARMS_MAX_RECORDS,
          NextToken,
        }),
      ),
    );
    for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (!a.AlarmName || !matches(a.AlarmName)) continue;
      out.push({
        name: a.AlarmName,
        state: a.StateValue ?? 'UNKNOWN',
        ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp } : {}),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** An alarm in ALARM since before the window has no transition in it: the account must still say so. */
function alarmsAlreadyFiring(current: readonly CurrentAlarm[], from: Date): string[] {
  const firing = current.filter((a) => a.state === 'ALARM' && a.since && a.since.getTime() < from.getTime());
  return firing.length === 0
    ? []
    : [
        `In ALARM since before the window and still now: ${firing.map((a) => `${a.name} (since ${a.since!.toISOString()})`).join(', ')}.`,
      ];
}

async function readAlarmHistory(
  aws: Aws,
  cw: CloudWatchClient,
  window: { from: Date; to: Date },
  matches: (name: string) => boolean,
  now: Date,
  notes: string[],
): Promise<AlarmTransition[]> {
  const kept = new Date(now.getTime() - ALARM_HISTORY_RETENTION_DAYS * DAY_MS);
  if (window.to.getTime() < kept.getTime()) {
    notes.push(
      `Alarm history is kept ${ALARM_HISTORY_RETENTION_DAYS} days: the whole window is older, so no alarm transition is in this account (alarm history missing).`,
    );
    return [];
  }
  if (window.from.getTime() < kept.getTime()) {
    notes.push(
      `Alarm history is kept ${ALARM_HISTORY_RETENTION_DAYS} days: alarm transitions before ${kept.toISOString()} are missing from this account.`,
    );
  }
  const out: AlarmTransition[] = [];
  let NextToken: string | undefined;
  do {
    const page: DescribeAlarmHistoryCommandOutput = await aws.call('cloudwatch:DescribeAlarmHistory', () =>
      cw.send(
        new DescribeAlarmHistoryCommand({
          HistoryItemType: 'StateUpdate',
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          StartDate: window.from,
          EndDate: window.to,
          ScanBy: 'TimestampAscending',
          MaxRecords: DESCRIBE_ALARM_HISTORY_MAX_RECORDS,
          NextToken,
        }),
      ),
    );
    for (const item of page.AlarmHistoryItems ?? []) {
      if (!item.AlarmName || !item.Timestamp || !matches(item.AlarmName)) continue;
      const t = parseStateUpdate(item.HistoryData, item.HistorySummary);
      if (t) out.push({ alarm: item.AlarmName, at: item.Timestamp, ...t });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** HistoryData of a StateUpdate: `{"oldState":{"stateValue"},"newState":{"stateValue","stateReason"}}`. */
function parseStateUpdate(
  data: string | undefined,
  summary: string | undefined,
): { from: string; to: string; reason?: string } | undefined {
  try {
    const d = JSON.parse(data ?? '') as {
      oldState?: { stateValue?: string };
      newState?: { stateValue?: string; stateReason?: string };
    };
    if (d.oldState?.stateValue && d.newState?.stateValue) {
      return {
        from: d.oldState.stateValue,
        to: d.newState.stateValue,
        ...(d.newState.stateReason ? { reason: d.newState.stateReason } : {}),
      };
    }
  } catch {
    // Fall back to the summary: "Alarm updated from OK to ALARM".
  }
  const m = /from (\w+) to (\w+)/.exec(summary ?? '');
  return m ? { from: m[1]!, to: m[2]! } : undefined;
}

// ── Page log ───────────────────────────────────────────────────────────────────────────────────

/** One Query per UTC day partition (`day` = YYYY-MM-DD), sort key `sk` = `<ISO at>#<id>`, paginated. */
async function readPageLog(
  aws: Aws,
  ddb: DynamoDBClient,
  table: string,
  window: { from: Date; to: Date },
): Promise<PageEvidence[]> {
  const out: PageEvidence[] = [];
  for (const day of utcDays(window.from, window.to)) {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page: QueryCommandOutput = await aws.call('dynamodb:Query', () =>
        ddb.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#day = :day AND #sk BETWEEN :lo AND :hi',
            ExpressionAttributeNames: { '#day': 'day', '#sk': 'sk' },
            ExpressionAttributeValues: {
              ':day': { S: day },
              ':lo': { S: window.from.toISOString() },
              ':hi': { S: `${window.to.toISOString()}#\uffff` },
            },
            ExclusiveStartKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const record = unmarshall(item) as unknown as PageLogRecord;
        if (typeof record.at !== 'string' || typeof record.subject !== 'string') continue;
        out.push(
          pageFromLogRecord({
            ...record,
            messages: record.messages ?? { default: '', email: '', sms: '', https: '' },
          }),
        );
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return out;
}

export function utcDays(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t <= to.getTime();
    t += DAY_MS
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** DynamoDB's attribute-value JSON to plain values (the small part of util-dynamodb the page log needs). */
export function unmarshall(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = value(v);
  return out;
}
function value(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.L !== undefined) return v.L.map(value);
  if (v.M !== undefined) return unmarshall(v.M);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  return undefined;
}

// ── Probe metrics ──────────────────────────────────────────────────────────────────────────────

/**
 * The period to read metrics at: the probe interval where CloudWatch still keeps it, coarser where the
 * window reaches back further. Undefined when the window starts beyond every retention tier.
 */
export function metricPeriod(intervalSeconds: number, ageMs: number): number | undefined {
  const tier = METRIC_RETENTION.find((t) => ageMs <= t.maxAgeMs);
  if (!tier) return undefined;
  // GetMetricData takes 1, 5, 10, 20, 30 or a multiple of 60 s; a period must hold whole rounds.
  const valid = [10, 20, 30, 60].find((p) => p >= tier.minPeriod && p % intervalSeconds === 0) ?? 60;
  return Math.max(valid, tier.minPeriod);
}

/**
 * `Down` is one series per dependency shared by every probe region: per period, Sum = failing region-rounds,
 * SampleCount = reporting region-rounds. So the account can say how many regions saw a failure and when
 * that number grew, but not which regions.
 */
async function readProbeOnsets(
  aws: Aws,
  cw: CloudWatchClient,
  config: MonitorConfig,
  window: { from: Date; to: Date },
  now: Date,
  notes: string[],
): Promise<{ onsets: ProbeOnset[]; recoveries: ProbeRecovery[] }> {
  const age = now.getTime() - window.from.getTime();
  const period = metricPeriod(config.intervalSeconds, age);
  if (period === undefined) {
    notes.push(
      'Probe metrics are kept 455 days: the window is older, so there is no probe evidence in this account (probe onsets missing).',
    );
    return { onsets: [], recoveries: [] };
  }
  if (period > Math.max(60, config.intervalSeconds)) {
    notes.push(
      `Probe metrics at 1-minute resolution are kept 15 days (5-minute 63 days, 1-hour 455 days): this window is read at ${period / 60}-minute periods, so probe onsets are accurate to ${period / 60} minutes.`,
    );
  }
  notes.push(
    `Probe onsets come from the shared Down metric (${period} s periods): it records how many probe regions saw a failure, not which; each probe-failing event is the first period in which that many regions failed.`,
  );
  const rounds = Math.max(1, period / config.intervalSeconds);
  const deps = config.dependencies.map((d) => d.id);
  const series = new Map<string, Map<number, { sum: number; count: number }>>();
  const perRequest = Math.floor(GET_METRIC_DATA_MAX_QUERIES / 2);
  for (let i = 0; i < deps.length; i += perRequest) {
    const chunk = deps.slice(i, i + perRequest);
    const queries: MetricDataQuery[] = chunk.flatMap((dep, j) =>
      (['Sum', 'SampleCount'] as const).map((stat) => ({
        Id: `${stat === 'Sum' ? 's' : 'n'}${i + j}`,
        MetricStat: {
          Metric: {
            Namespace: config.namespace,
            MetricName: METRIC_DOWN,
            Dimensions: [{ Name: DIM_DEPENDENCY, Value: dep }],
          },
          Period: period,
          Stat: stat,
        },
        ReturnData: true,
      })),
    );
    let NextToken: string | undefined;
    do {
      const page: GetMetricDataCommandOutput = await aws.call('cloudwatch:GetMetricData', () =>
        cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: window.from,
            EndTime: window.to,
            ScanBy: 'TimestampAscending',
            NextToken,
          }),
        ),
      );
      for (const r of page.MetricDataResults ?? []) {
        const m = /^([sn])(\d+)$/.exec(r.Id ?? '');
        const dep = m ? deps[Number(m[2])] : undefined;
        if (!m || !dep) continue;
        const s = series.get(dep) ?? new Map<number, { sum: number; count: number }>();
        series.set(dep, s);
        (r.Timestamps ?? []).forEach((ts, k) => {
          const v = r.Values?.[k] ?? 0;
          const cell = s.get(ts.getTime()) ?? { sum: 0, count: 0 };
          if (m[1] === 's') cell.sum = v;
          else cell.count = v;
          s.set(ts.getTime(), cell);
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  const onsets: ProbeOnset[] = [];
  const recoveries: ProbeRecovery[] = [];
  for (const [dependency, s] of series) {
    let worst = 0; // most regions failing so far in the current episode
    for (const [t, { sum, count }] of [...s].sort((a, b) => a[0] - b[0])) {
      if (count === 0) continue; // nobody reported: not evidence either way
      const failing = Math.ceil(sum / rounds - 1e-9);
      const reporting = Math.max(failing, Math.round(count / rounds));
      if (failing > worst) {
        onsets.push({
          dependency,
          at: new Date(t),
          state: 'down',
          failingRegions: failing,
          reportingRegions: reporting,
        });
        worst = failing;
      } else if (failing === 0 && worst > 0) {
        recoveries.push({ dependency, at: new Date(t) });
        worst = 0;
      }
    }
  }
  return { onsets, recoveries };
}
