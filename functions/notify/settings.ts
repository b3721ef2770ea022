// The notify function's contract with infra/: what is embedded and which environment variables it reads.
import type { AlarmPlan } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';

/**
 * Embedded at build time (DepmonFunction `embed`): the validated config (secret references unresolved,
 * never values) and the alarm plan exactly as the stack rendered it.
 */
export interface NotifyEmbed {
  readonly config: MonitorConfig;
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
}

export function readNotifySettings(env: Readonly<Record<string, string | undefined>>): NotifySettings {
  const get = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`notify function: environment variable ${k} is not set`);
    return v;
  };
  let topics: unknown;
  try {
    topics = JSON.parse(get(ENV_ROUTE_TOPICS));
  } catch {
    throw new Error(`notify function: ${ENV_ROUTE_TOPICS} must be a JSON object of route id → topic ARN`);
  }
  if (typeof topics !== 'object' || topics === null || Array.isArray(topics))
    throw new Error(`notify function: ${ENV_ROUTE_TOPICS} must be a JSON object of route id → topic ARN`);
  return {
    topics: topics as Record<string, string>,
    stateTable: get(ENV_STATE_TABLE),
    pageLogTable: get(ENV_PAGE_LOG_TABLE),
  };
}
