// What the home stack hands the notify function and what the function reads back: its entry file, the
// config and alarm plan written beside its bundle, and its environment variables (names, values, parser).
import type { AlarmPlan } from '#shared/alarms';
import { type Channel, isSnsChannelType, type MonitorConfig, type SnsChannelType } from '#shared/config';
import { ENV_ACK_KEY_SECRET, ENV_ACK_URL } from './ack.ts';
import { type EnvRecord, requiredEnv } from './env.ts';

/** Handler source of the notify function, relative to the repository root. */
export const NOTIFY_ENTRY = 'functions/notify/handler.ts';

/**
 * A channel as the notify function knows it: vendor channels whole (their credentials are secret references),
 * SNS channels by id and type only. Their addresses (email, phone number, webhook URL) are deployed only as the
 * route topics' subscriptions, never in the function's code or embed.
 */
export type NotifyChannel =
  | Exclude<Channel, { readonly type: SnsChannelType }>
  | { readonly id: string; readonly type: SnsChannelType };

/** The config the notify function reads: the monitor config with its channels as NotifyChannel. */
export type NotifyConfig = Omit<MonitorConfig, 'channels'> & { readonly channels: readonly NotifyChannel[] };

/** The config for the notify embed: every SNS channel's address left out. */
export function notifyConfig(config: MonitorConfig): NotifyConfig {
  return {
    ...config,
    channels: config.channels.map((c) => (isSnsChannelType(c.type) ? { id: c.id, type: c.type } : c)),
  } as NotifyConfig;
}

/**
 * Written beside the bundle at build time (DepmonFunction `embed`): the validated config without channel
 * addresses (notifyConfig; secret references unresolved, never values) and the alarm plan as the stack rendered it.
 */
export interface NotifyEmbed {
  readonly config: NotifyConfig;
  readonly configFile: string;
  readonly plan: AlarmPlan;
}

/** JSON object route id → SNS topic ARN. */
export const ENV_ROUTE_TOPICS = 'DEPMON_ROUTE_TOPICS';
export const ENV_STATE_TABLE = 'DEPMON_STATE_TABLE';
export const ENV_PAGE_LOG_TABLE = 'DEPMON_PAGE_LOG_TABLE';

export interface NotifySettings {
  readonly topics: Readonly<Record<string, string>>;
  readonly stateTable: string;
  readonly pageLogTable: string;
  /** Where pages' ack links point, and the key that signs them; absent: pages carry no ack link. */
  readonly ack?: { readonly url: string; readonly keySecret: string };
}

/**
 * The variables the home stack sets on the notify function. `routeTopicsJson` is the JSON of route id →
 * topic ARN, already serialised (in CDK by `Stack.toJsonString`, which keeps the ARNs' tokens intact).
 */
export function notifyEnvironment(values: {
  readonly routeTopicsJson: string;
  readonly stateTable: string;
  readonly pageLogTable: string;
  readonly ackUrl?: string;
  readonly ackKeySecret?: string;
}) {
  return {
    [ENV_ROUTE_TOPICS]: values.routeTopicsJson,
    [ENV_STATE_TABLE]: values.stateTable,
    [ENV_PAGE_LOG_TABLE]: values.pageLogTable,
    ...(values.ackUrl && values.ackKeySecret
      ? { [ENV_ACK_URL]: values.ackUrl, [ENV_ACK_KEY_SECRET]: values.ackKeySecret }
      : {}),
  };
}

/** Reads the function's settings; a missing or malformed variable is a deployment bug, named in the error. */
export function readNotifySettings(env: EnvRecord): NotifySettings {
  const get = requiredEnv(env, 'notify');
  const malformed = `notify function: ${ENV_ROUTE_TOPICS} must be a JSON object of route id → topic ARN`;
  let topics: unknown;
  try {
    topics = JSON.parse(get(ENV_ROUTE_TOPICS));
  } catch {
    throw new Error(malformed);
  }
  if (typeof topics !== 'object' || topics === null || Array.isArray(topics)) throw new Error(malformed);
  return {
    topics: topics as Record<string, string>,
    stateTable: get(ENV_STATE_TABLE),
    pageLogTable: get(ENV_PAGE_LOG_TABLE),
    ...(env[ENV_ACK_URL] && env[ENV_ACK_KEY_SECRET]
      ? { ack: { url: env[ENV_ACK_URL]!, keySecret: env[ENV_ACK_KEY_SECRET]! } }
      : {}),
  };
}
