// Valid configs that still deserve a word before they are deployed or rehearsed: printed by `cdk synth`,
// `depmon check` and `depmon simulate` as `depmon: warning: FILE: …` lines, never an error.
import { type MonitorConfig, PAGE_KINDS } from './schema.ts';

/** One line per problem: pages that reach nobody (no channels, or page kinds no route sends anywhere). */
export function configWarnings(config: MonitorConfig): string[] {
  if (config.channels.length === 0)
    return [
      'channels: none configured, so every page reaches nobody (add channels; without routes, each gets every page)',
    ];
  const routed = new Set(config.routes.flatMap((r) => r.kinds));
  const unrouted = PAGE_KINDS.filter((k) => !routed.has(k));
  if (unrouted.length === 0) return [];
  return [
    `routes: no route sends ${unrouted.join(', ')} pages, so they reach nobody (add ${unrouted.length === 1 ? 'the kind' : 'the kinds'} to a route's kinds)`,
  ];
}
