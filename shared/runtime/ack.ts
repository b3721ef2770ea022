// What the home stack hands the ack function (and notify, which signs the links): the entry file and the
// environment variables, with their parser. Drills: where the active drills are kept for a deployment.
import { type EnvRecord, requiredEnv } from './env.ts';

/** Handler source of the ack function, relative to the repository root. */
export const ACK_ENTRY = 'functions/ack/handler.ts';

/** The Secrets Manager secret (ARN) holding the ack links' signing key. */
export const ENV_ACK_KEY_SECRET = 'DEPMON_ACK_KEY_SECRET';
/** The ack function's URL (notify puts it in every page). */
export const ENV_ACK_URL = 'DEPMON_ACK_URL';
export const ENV_ACK_PAGE_LOG_TABLE = 'DEPMON_PAGE_LOG_TABLE';

/** The ack function's one memory size and timeout: an HMAC, a secret read (cached) and two writes. */
export const ACK_MEMORY_MB = 256;
export const ACK_TIMEOUT_SECONDS = 10;

export interface AckSettings {
  readonly keySecret: string;
  readonly pageLogTable: string;
}

export function ackEnvironment(values: { readonly keySecret: string; readonly pageLogTable: string }) {
  return { [ENV_ACK_KEY_SECRET]: values.keySecret, [ENV_ACK_PAGE_LOG_TABLE]: values.pageLogTable };
}

export function readAckSettings(env: EnvRecord): AckSettings {
  const get = requiredEnv(env, 'ack');
  return { keySecret: get(ENV_ACK_KEY_SECRET), pageLogTable: get(ENV_ACK_PAGE_LOG_TABLE) };
}
