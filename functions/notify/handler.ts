// The notify Lambda handler: the alarm topic's subscriber and a one-minute tick. Reads the embedded
// config and its environment, creates the clients once, and hands everything to notify().
import type { SNSEvent } from 'aws-lambda';
import type { MonitorConfig } from '#shared/config';
import { type NotifyEmbed, readNotifySettings } from '#shared/runtime';
import { notifyClients } from './clients.ts';
import { type NotifyDeps, type NotifySummary, notify, type TickEvent } from './notify.ts';

// Compiled in by DepmonFunction's `embed` (esbuild `define`); null when the module runs unbundled.
declare const __DEPMON_EMBED__: NotifyEmbed | null;

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
    // One attempt per SDK call (retries are notify's own, NOTIFY_RETRY) and timeouts on every request.
    ...notifyClients(),
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
