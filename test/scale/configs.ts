// Bank-sized configs for the scale tests and the scale bench: n dependencies in 3 probe regions, mixed tiers,
// critical core, partner groups and ungrouped partners, every check kind, at a 60 s or 20 s interval.
// Deterministic: the same n gives the same config, so two synths can be diffed.
import { type MonitorConfigInput, parseConfig } from '#shared/config';

export const SCALE_SIZES = [1, 10, 100, 1000, 3000] as const;

type DependencyInput = MonitorConfigInput['dependencies'][number];

/** One dependency; the check kind rotates through http, tcp, dns and tls. */
export function scaleDependency(i: number, n: number): DependencyInput {
  // Index 0 is always critical core (the schema requires one); then a third first-party, two thirds partners.
  const firstParty = i === 0 || i % 3 === 0;
  const id = `dep-${i}`;
  // Partner hosts under their own domains: channel independence compares a channel's host with these.
  const host = firstParty ? `${id}.core.bank.example` : `${id}.partner${i % 97}.example`;
  const kind = ['http', 'tcp', 'dns', 'tls'][i % 4]!;
  const check =
    kind === 'http'
      ? { http: { url: `https://${host}/health` } }
      : kind === 'tcp'
        ? { tcp: { host, port: 443 } }
        : kind === 'dns'
          ? { dns: { name: host } }
          : { tls: { host, port: 443 } };
  // Every dependency names what to do, fallbacks at the dashboard's cell maximum: the largest dashboards.
  const todo = {
    owner: `team-${i % 20}`,
    runbook: `https://wiki.bank.example/runbooks/${id}`,
    fallback: `Switch ${id} traffic to the standby route and tell customers through the status page. `.repeat(
      3,
    ),
  };
  if (firstParty) {
    return { id, name: `Core service ${i}`, tier: 'first-party', critical: i % 30 === 0, ...todo, ...check };
  }
  // Partners: most in groups of about 15 (a vendor's APIs page together), every 10th one on its own. At most
  // about 140 external-outage alarms at 3,000 (CloudWatch lets core-outage be referenced by 150 composites).
  const groups = Math.max(1, Math.ceil(n / 24));
  const grouped = i % 10 !== 1;
  const ungroupedAllowed = n <= 1000;
  return {
    id,
    name: `Partner API ${i}`,
    tier: 'third-party',
    ...(grouped || !ungroupedAllowed ? { group: `vendor-${i % groups}` } : {}),
    features: [`feature ${i % 7}`],
    ...todo,
    ...check,
  };
}

export function scaleConfigInput(
  n: number,
  options: { intervalSeconds?: 60 | 20; ids?: (i: number) => string } = {},
): MonitorConfigInput {
  return {
    name: 'bank',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    intervalSeconds: options.intervalSeconds ?? 60,
    dependencies: Array.from({ length: n }, (_, i) => {
      const d = scaleDependency(i, n);
      return options.ids ? { ...d, id: options.ids(i) } : d;
    }),
    channels: [{ id: 'oncall', type: 'email', address: 'oncall@pager.bank.example' }],
  };
}

export const scaleConfig = (n: number, options: Parameters<typeof scaleConfigInput>[1] = {}) =>
  parseConfig(scaleConfigInput(n, options), `scale-${n}.config.json`);
