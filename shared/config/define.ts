// `defineMonitor()` for monitor.config.ts: an identity function whose job is typing.
import type { MonitorConfigInput } from './schema.ts';

/** Types a monitor config in `monitor.config.ts`; validation happens when depmon loads it. */
export function defineMonitor<const T extends MonitorConfigInput>(config: T): T {
  return config;
}
