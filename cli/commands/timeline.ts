// `depmon timeline --from ISO --to ISO`: parses the flags, reads the account of an incident from what
// AWS recorded (#aws/timeline over #shared/timeline) and writes it, or one line saying what went wrong.
import path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ACCESS_DENIED, AwsCallError, BAD_CREDENTIALS, isThrottling } from '#aws/errors';
import { defaultPageLogTable } from '#aws/page-log';
import { type RetryPolicy, retrier } from '#aws/retry';
import { readRecordedAccount } from '#aws/timeline';
import { ConfigError, loadConfigFile, readInputFile, resolveConfigFile } from '#shared/config';
import {
  CHAIN_ALGORITHM,
  formatForFile,
  isIncompleteNote,
  renderMarkdown,
  verifyChain,
  writeTimeline,
} from '#shared/timeline';
import type { CliIO } from '../main.ts';
import { checkOutputFile } from '../output.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

const DAY_MS = 86_400_000;
/** Longest window `depmon timeline` reads: alarm history is kept 30 days, and an incident is shorter. */
export const MAX_WINDOW_DAYS = 31;

/** Attempts the SDK makes itself (adaptive mode: backoff plus client-side rate limiting) before an error reaches us. */
export const SDK_MAX_ATTEMPTS = 4;
/**
 * Ours after the SDK gave up on throttling: four more, with longer waits than the SDK's (a window of
 * many days is many calls, and CloudWatch's read APIs throttle per account).
 */
export const THROTTLE_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 16_000 };

const README_POLICY = 'the read-only IAM policy in docs/timeline.md ("IAM policy (read-only)")';

export interface TimelineDeps {
  readonly cloudwatch?: CloudWatchClient;
  readonly dynamodb?: DynamoDBClient;
  /** Clock for retention checks. @default () => new Date() */
  readonly now?: () => Date;
  /** Backoff wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Backoff jitter. @default Math.random */
  readonly random?: () => number;
}

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  config: { type: 'string', short: 'c' },
  out: { type: 'string' },
  table: { type: 'string' },
  'alarm-prefix': { type: 'string' },
  verify: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: depmon timeline --from ISO --to ISO [--config FILE] [--out FILE] [--table NAME] [--alarm-prefix P]
       depmon timeline --verify ACCOUNT.json

Writes the account of an incident from what AWS recorded: alarm history, the page log, probe metrics.
  --from, --to      ISO 8601 times with a zone: 2022-10-15T15:00:00+09:00 or 2022-10-15T06:00:00Z
  --out FILE        .md, .html, .csv or .json (markdown on stdout without it)
  --table NAME      the page log table (default: <config name>-page-log)
  --alarm-prefix P  read alarms whose names start with P (default: depmon's names for this config)
  --verify FILE     check the hash chain of an exported .json account: exit 0 when intact, 1 naming the
                    first event that was changed, removed or reordered, 2 when the file is not an account
`;

export async function run(args: string[], io: CliIO, deps: TimelineDeps = {}): Promise<number> {
  const { values } = parseCliArgs(args, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.verify !== undefined) return verify(values.verify, io);
  const now = (deps.now ?? (() => new Date()))();
  const { from, to } = parseWindow(values.from, values.to, now);
  if (values.out !== undefined && !formatForFile(values.out)) {
    throw new UsageError(`--out: expected a file ending in .md, .html, .csv or .json (got "${values.out}")`);
  }
  const { file: configFile } = resolveConfigFile({ cwd: io.cwd, command: 'timeline', named: values.config });
  const { config } = await loadConfigFile(configFile, io.cwd);
  if (values.out !== undefined) checkOutputFile('--out', values.out, io.cwd, { inputs: [configFile] });
  const region = config.homeRegion;
  const table = values.table ?? defaultPageLogTable(config);
  const end = new Date(Math.min(to.getTime(), now.getTime()));
  try {
    const { account, notes } = await readRecordedAccount(sources(region, deps), {
      config,
      window: { from, to: end },
      now,
      table,
      ...(values['alarm-prefix'] !== undefined ? { alarmPrefix: values['alarm-prefix'] } : {}),
      notes:
        end.getTime() < to.getTime()
          ? [`--to is in the future: the account stops at ${end.toISOString()}.`]
          : [],
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

/** `--verify FILE`: 0 intact, 1 broken (the first broken event named), 2 not an account with a chain. */
async function verify(file: string, io: CliIO): Promise<number> {
  const abs = path.resolve(io.cwd, file);
  const text = await readInputFile(abs, file, 'account file', 'account file not found');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ConfigError(file, [
      { path: '', message: 'expected a .json account written by depmon timeline' },
    ]);
  }
  const d = doc as { events?: unknown; chain?: { algorithm?: unknown } };
  if (typeof doc !== 'object' || doc === null || !Array.isArray(d.events))
    throw new ConfigError(file, [{ path: 'events', message: 'expected the list of events of an account' }]);
  if (typeof d.chain !== 'object' || d.chain === null || d.chain.algorithm !== CHAIN_ALGORITHM)
    throw new ConfigError(file, [
      { path: 'chain', message: `expected the account's hash chain (algorithm "${CHAIN_ALGORITHM}")` },
    ]);
  if (!d.events.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e)))
    throw new ConfigError(file, [{ path: 'events', message: 'expected every event to be an object' }]);
  const verdict = verifyChain(doc as Parameters<typeof verifyChain>[0]);
  if (verdict.ok) {
    io.stdout.write(`${file}: hash chain intact: ${verdict.events} events, head ${verdict.head}\n`);
    return 0;
  }
  io.stderr.write(`${file}: hash chain broken: ${verdict.problem}\n`);
  return 1;
}

/** The clients (the SDK's adaptive retry inside) and our throttling retry on top. */
function sources(region: string, deps: TimelineDeps) {
  const sdk = { region, maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'adaptive' } as const;
  return {
    cloudwatch: deps.cloudwatch ?? new CloudWatchClient(sdk),
    dynamodb: deps.dynamodb ?? new DynamoDBClient(sdk),
    retry: retrier({
      policy: THROTTLE_RETRY,
      retryable: isThrottling,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    }),
  };
}

function parseWindow(fromFlag: string | undefined, toFlag: string | undefined, now: Date) {
  const from = parseInstant('--from', fromFlag);
  const to = parseInstant('--to', toFlag);
  if (to.getTime() <= from.getTime())
    throw new UsageError(`--to: expected a time after --from (${from.toISOString()})`);
  if (from.getTime() > now.getTime()) throw new UsageError(`--from: ${from.toISOString()} is in the future`);
  // The page log is read one UTC day at a time: `--from 0000-01-01` meant 46,026 sequential queries.
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    throw new UsageError(
      `--to: expected at most ${MAX_WINDOW_DAYS} days after --from (an incident account; split a longer period)`,
    );
  return { from, to };
}

/** ISO 8601 with a zone; a bare local time would be read in whatever zone this machine is in. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function parseInstant(flag: string, value: string | undefined): Date {
  if (value === undefined)
    throw new UsageError(`${flag} is required (an ISO 8601 time such as 2022-10-15T15:00:00+09:00)`);
  const d = new Date(value);
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(d.getTime()) || !realCalendarDate(value)) {
    throw new UsageError(
      `${flag}: expected an ISO 8601 time with Z or an offset, e.g. 2022-10-15T15:00:00+09:00 (got "${value}")`,
    );
  }
  return d;
}

/** `2026-02-30` is not a day (Date reads it as 2 March), nor is hour 24 or minute 60. */
function realCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(y, m, 0); // day 0 of the next month: the last day of month m (years < 100 too)
  const [hour, minute] = value.slice(11, 16).split(':').map(Number) as [number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= lastDay.getUTCDate() && hour <= 23 && minute <= 59;
}

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
