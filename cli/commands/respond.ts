// `depmon ack INCIDENT` and `depmon note INCIDENT "text"`: on-call's response from a terminal with AWS
// credentials, written to the page log (#aws/page-log writeResponse) with who (the caller's identity from STS
// GetCallerIdentity, or --by) and when. The account (`depmon timeline`) lists them beside the pages.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { callerArn } from '#aws/caller';
import { defaultPageLogTable, writeResponse } from '#aws/page-log';
import { loadConfigFile, resolveConfigFile } from '#shared/config';
import { INCIDENT_ID_RE, MAX_NOTE_CHARS, type ResponseRecord } from '#shared/pages';
import type { CliIO } from '../main.ts';
import { parseCliArgs, UsageError } from '../usage.ts';

export interface RespondDeps {
  readonly dynamodb?: DynamoDBClient;
  /** Who is calling. @default STS GetCallerIdentity with the SDK's credentials */
  readonly identity?: () => Promise<string>;
  readonly now?: () => Date;
}

const OPTIONS = {
  by: { type: 'string' },
  config: { type: 'string', short: 'c' },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: depmon ack INCIDENT [--by NAME] [--config FILE] [--table NAME]
       depmon note INCIDENT "what was done" [--by NAME] [--config FILE] [--table NAME]

Records an acknowledgement or an action in the page log, with who and when. INCIDENT is the id a page
names (inc-…, also in depmon timeline's incidents table). Who: your AWS identity (STS GetCallerIdentity),
or --by NAME.
`;

export async function run(args: string[], io: CliIO, deps: RespondDeps = {}): Promise<number> {
  return respond('ack', args, io, deps);
}

export async function runNote(args: string[], io: CliIO, deps: RespondDeps = {}): Promise<number> {
  return respond('note', args, io, deps);
}

async function respond(kind: 'ack' | 'note', args: string[], io: CliIO, deps: RespondDeps): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, true);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const { incident, text } = parsePositionals(kind, positionals);
  const { file } = resolveConfigFile({ cwd: io.cwd, command: kind, named: values.config });
  const { config } = await loadConfigFile(file, io.cwd);
  const ddb = deps.dynamodb ?? new DynamoDBClient({ region: config.homeRegion });
  const table = values.table ?? defaultPageLogTable(config);
  try {
    const by =
      values.by?.trim() || (await (deps.identity ?? defaultIdentity(ddb, config.homeRegion, io.env))());
    const record: ResponseRecord = {
      type: 'response',
      id: `${kind}-${randomBytes(8).toString('hex')}`,
      at: (deps.now?.() ?? new Date()).toISOString(),
      kind,
      by,
      via: 'cli',
      incident,
      ...(text !== undefined ? { text } : {}),
    };
    await writeResponse(ddb, table, record);
    io.stdout.write(
      `depmon ${kind}: recorded ${kind === 'ack' ? 'the acknowledgement' : 'the note'} of ${incident} by ${by} at ${record.at} in ${table}\n`,
    );
    return 0;
  } catch (e) {
    const err = e as { name?: string; message?: string };
    io.stderr.write(
      `depmon ${kind}: ${err.name ?? 'Error'}: ${(err.message ?? String(e)).split('\n')[0]} (page log ${table} in ${config.homeRegion})\n`,
    );
    return 1;
  }
}

function parsePositionals(kind: 'ack' | 'note', positionals: readonly string[]) {
  const [incident, text, ...extra] = positionals;
  const usage = kind === 'ack' ? 'depmon ack INCIDENT' : 'depmon note INCIDENT "text"';
  if (incident === undefined || !INCIDENT_ID_RE.test(incident))
    throw new UsageError(`${kind}: INCIDENT: expected an incident id such as inc-3f2a9c1b7d04 (${usage})`);
  if (kind === 'ack' && text !== undefined) throw new UsageError(`ack: expected only INCIDENT (${usage})`);
  if (kind === 'note') {
    const t = text?.trim() ?? '';
    if (t === '' || t.length > MAX_NOTE_CHARS || extra.length > 0)
      throw new UsageError(
        `note: expected one quoted text of 1 to ${MAX_NOTE_CHARS} characters after INCIDENT (${usage})`,
      );
    return { incident, text: t };
  }
  return { incident, text: undefined };
}

/** The caller's ARN, signed with the credentials the SDK's default chain finds (profiles, SSO, env). */
function defaultIdentity(ddb: DynamoDBClient, region: string, env: CliIO['env']) {
  return () => callerArn({ region, env, credentials: async () => ddb.config.credentials() });
}
