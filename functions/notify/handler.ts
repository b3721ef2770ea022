// The notify Lambda handler: the alarm topic's subscriber and a one-minute tick. Reads the config and plan
// beside its bundle and its environment, creates the clients once, and hands everything to notify().
import type { SNSEvent } from 'aws-lambda';
import { envCredentials } from '#aws/credentials';
import { cachedDrillReader } from '#aws/drills';
import { isRetryableIdempotent } from '#aws/errors';
import { incidentManagerClient, incidentRecordStore } from '#aws/incident-manager';
import { retrier } from '#aws/retry';
import { createAwsSecretResolver } from '#aws/secrets';
import {
  drillParameterName,
  type NotifyConfig,
  type NotifyEmbed,
  readEmbed,
  readNotifySettings,
} from '#shared/runtime';
import { notifyClients } from './clients.ts';
import { NOTIFY_RETRY, type NotifyDeps, type NotifySummary, notify, type TickEvent } from './notify.ts';
import type { VendorDeps } from './vendors.ts';

let cached: NotifyDeps | undefined;

function init(): NotifyDeps {
  if (cached) return cached;
  // Written beside the bundle by DepmonFunction's `embed` (the config and the alarm plan as rendered).
  const embed = readEmbed<NotifyEmbed>('notify', import.meta.url);
  const config: NotifyConfig = embed.config;
  const settings = readNotifySettings(process.env);
  const clients = notifyClients();
  cached = {
    config,
    plan: embed.plan,
    // One attempt per SDK call (retries are notify's own, NOTIFY_RETRY) and timeouts on every request.
    ...clients,
    vendors: vendorDeps(config, clients.ddb, settings.stateTable),
    stateTable: settings.stateTable,
    pageLogTable: settings.pageLogTable,
    topics: settings.topics,
    ...(settings.ack ? { ack: ackSigner(settings.ack) } : {}),
    drills: cachedDrillReader(
      {
        region: process.env.AWS_REGION ?? config.homeRegion,
        parameter: drillParameterName(config),
        credentials: envCredentials(process.env),
        env: process.env,
      },
      Date.now,
    ),
    log: (r) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...r })}\n`),
  };
  return cached;
}

export async function handler(event: SNSEvent | TickEvent): Promise<NotifySummary> {
  const summary = await notify(event, init());
  return { ...summary, records: [] };
}

/** Vendor channels: credentials from Secrets Manager or SSM (the role may read exactly the referenced ones). */
function vendorDeps(config: NotifyConfig, ddb: NotifyDeps['ddb'], stateTable: string): VendorDeps {
  const retry = retrier({ policy: NOTIFY_RETRY, retryable: isRetryableIdempotent });
  const log = (r: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...r })}\n`);
  return {
    config,
    secrets: createAwsSecretResolver({ region: config.homeRegion, env: process.env }),
    incidentManager: incidentManagerClient({
      region: config.homeRegion,
      credentials: envCredentials(process.env),
      env: process.env,
      retry,
    }),
    incidentRecords: incidentRecordStore(ddb, stateTable, retry),
    log,
  };
}

/** The ack link's key from Secrets Manager, cached five minutes (aws/secrets). */
function ackSigner(ack: { readonly url: string; readonly keySecret: string }) {
  const secrets = createAwsSecretResolver({ region: process.env.AWS_REGION ?? '', env: process.env });
  const ref = { source: 'secretsmanager', name: ack.keySecret, raw: 'ack signing key' } as const;
  return { url: ack.url, key: async () => Buffer.from(await secrets.resolve(ref), 'utf8') };
}
