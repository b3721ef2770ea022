// The notify Lambda handler: the alarm topic's subscriber and a one-minute tick. Reads the config and plan
// beside its bundle and its environment, creates the clients once, and hands everything to notify().
import type { SNSEvent } from 'aws-lambda';
import type { MonitorConfig } from '#shared/config';
import { type NotifyEmbed, readEmbed, readNotifySettings } from '#shared/runtime';
import { notifyClients } from './clients.ts';
import { type NotifyDeps, type NotifySummary, notify, type TickEvent } from './notify.ts';

let cached: NotifyDeps | undefined;

function init(): NotifyDeps {
  if (cached) return cached;
  // Written beside the bundle by DepmonFunction's `embed` (the config and the alarm plan as rendered).
  const embed = readEmbed<NotifyEmbed>('notify', import.meta.url);
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
