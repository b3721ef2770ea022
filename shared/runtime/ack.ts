// What the home stack hands the ack function (and notify, which signs the links): the entry file and the
// environment variables, with their parser. Drills: where the active drills are kept for a deployment.
import type { VendorWebhook } from '#shared/config';
import { type EnvRecord, requiredEnv } from './env.ts';

/** Handler source of the ack function, relative to the repository root. */
export const ACK_ENTRY = 'functions/ack/handler.ts';

/** The Secrets Manager secret (ARN) holding the ack links' signing key. */
export const ENV_ACK_KEY_SECRET = 'DEPMON_ACK_KEY_SECRET';
/** The ack function's URL (notify puts it in every page). */
export const ENV_ACK_URL = 'DEPMON_ACK_URL';
export const ENV_ACK_PAGE_LOG_TABLE = 'DEPMON_PAGE_LOG_TABLE';
/** JSON list of the vendor channels whose webhooks report acks: channel id, type, secret reference. */
export const ENV_ACK_VENDOR_WEBHOOKS = 'DEPMON_ACK_VENDOR_WEBHOOKS';

/** The ack function's one memory size and timeout: an HMAC, a secret read (cached) and two writes. */
export const ACK_MEMORY_MB = 256;
export const ACK_TIMEOUT_SECONDS = 10;

export interface AckSettings {
  readonly keySecret: string;
  readonly pageLogTable: string;
  readonly vendorWebhooks: readonly VendorWebhook[];
}

export function ackEnvironment(values: {
  readonly keySecret: string;
  readonly pageLogTable: string;
  readonly vendorWebhooks?: readonly VendorWebhook[];
}) {
  return {
    [ENV_ACK_KEY_SECRET]: values.keySecret,
    [ENV_ACK_PAGE_LOG_TABLE]: values.pageLogTable,
    ...(values.vendorWebhooks?.length
      ? { [ENV_ACK_VENDOR_WEBHOOKS]: JSON.stringify(values.vendorWebhooks) }
      : {}),
  };
}

export function readAckSettings(env: EnvRecord): AckSettings {
  const get = requiredEnv(env, 'ack');
  return {
    keySecret: get(ENV_ACK_KEY_SECRET),
    pageLogTable: get(ENV_ACK_PAGE_LOG_TABLE),
    vendorWebhooks: readVendorWebhooks(env[ENV_ACK_VENDOR_WEBHOOKS]),
  };
}

function readVendorWebhooks(raw: string | undefined): VendorWebhook[] {
  if (raw === undefined || raw === '') return [];
  const list = JSON.parse(raw) as unknown;
  const fits = (w: unknown): w is VendorWebhook => {
    const o = w as Record<string, unknown>;
    return (
      typeof o?.channel === 'string' &&
      (o.type === 'pagerduty' || o.type === 'opsgenie') &&
      typeof o.secret === 'string'
    );
  };
  if (!Array.isArray(list) || !list.every(fits))
    throw new Error(`ack: ${ENV_ACK_VENDOR_WEBHOOKS}: expected a JSON list of { channel, type, secret }`);
  return list;
}
