// The notify Lambda handler: the alarm topic's subscriber and a one-minute tick. Reads the embedded
// config and its environment, creates the clients once, and hands everything to notify().
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import type { MonitorConfig } from '#shared/config';
import { type NotifyEmbed, readNotifySettings } from '#shared/runtime';
import { type NotifyDeps, type NotifySummary, notify, type TickEvent } from './notify.ts';

// Compiled in by DepmonFunction's `embed` (esbuild `define`); null when the module runs unbundled.
declare const __DEPMON_EMBED__: NotifyEmbed | null;

/** The SDK makes one attempt per call: retries are notify's own (NOTIFY_RETRY), one backoff for every call. */
const SDK_MAX_ATTEMPTS = 1;

let cached: NotifyDeps | undefined;

function init(): NotifyDeps {
  if (cached) return cached;
  const embed = typeof __DEPMON_EMBED__ === 'undefined' ? null : __DEPMON_EMBED__;
  if (!embed) throw new Error('notify function: no embedded config (was it built by DepmonFunction?)');
  const config: MonitorConfig = embed.config;
  const settings = readNotifySettings(process.env);
  cached = {
    config,
    plan: embed.plan,
    sns: new SNSClient({ maxAttempts: SDK_MAX_ATTEMPTS }),
    ddb: new DynamoDBClient({ maxAttempts: SDK_MAX_ATTEMPTS }),
    cloudwatch: new CloudWatchClient({ maxAttempts: SDK_MAX_ATTEMPTS }),
    stateTable: settings.stateTable,
    pageLogTable: settings.pageLogTable,
    topics: settings.topics,
    log: (r) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...r })}\n`),
  };
  return cached;
}

export async function handler(event: SNSEvent | TickEvent): Promise<NotifySummary> {
  const summary = await notify(event, init());
  return { ...summary, records: [] };
}
