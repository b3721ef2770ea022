// A bank-sized monitor config and a 60-minute scenario for it, generated: `n` dependencies in 3 probe regions,
// mixed tiers (a few critical first-party ones), vendor groups, every check kind. Used by the scale bench and by
// the tests that exercise depmon's layers at size. Hosts are `.example` names (the simulator points them at its
// stand-ins) unless `loopback` names real 127.0.0.1 servers, as `depmon check` needs.
import type { MonitorConfigInput } from '#shared/config';

export const SCALE_REGIONS = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'] as const;

/** Real servers a loopback config points at: every dependency of one kind shares one server (path or port). */
export interface LoopbackTargets {
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly tlsPort: number;
  /** A DNS server ("127.0.0.1:PORT") that answers every DNS check's name; see `scaleDnsNames`. */
  readonly resolver?: string;
}

export interface ScaleConfigOptions {
  /** @default 60 */
  readonly intervalSeconds?: 60 | 20;
  readonly loopback?: LoopbackTargets;
}

/**
 * Third parties per vendor group (one vendor's APIs fail together): at least 5, more when there are many, so that
 * there are at most MAX_GROUPS groups. Each group is one external-outage composite, and every one of them names
 * the core-outage alarm, which CloudWatch lets at most 150 composites reference.
 */
export const MIN_GROUP_SIZE = 5;
export const MAX_GROUPS = 120;
const groupSize = (n: number) => Math.max(MIN_GROUP_SIZE, Math.ceil(thirdParties(n) / MAX_GROUPS));
const thirdParties = (n: number) => n - Math.ceil(n / 3);

export type ScaleKind = 'http' | 'https' | 'tcp' | 'dns' | 'tls';
/** The check kind of dependency `i`: 6 in 10 HTTP(S), 2 TCP, 1 DNS, 1 TLS. */
export function scaleKind(i: number): ScaleKind {
  const k = i % 10;
  if (k < 3) return 'https';
  if (k < 6) return 'http';
  if (k < 8) return 'tcp';
  return k === 8 ? 'dns' : 'tls';
}

/** Dependency `i`'s id: first-party ones (every third) `svc-…`, third-party ones `api-…`. */
export const scaleId = (i: number) => (isFirstParty(i) ? `svc-${i}` : `api-${i}`);
const isFirstParty = (i: number) => i % 3 === 0;
/** Every 25th first-party dependency is critical (core); dependency 0 always is. */
const isCritical = (i: number) => i % 75 === 0;
/** Dependency `i`'s vendor group among `n`: every third party has one (see MIN_GROUP_SIZE). */
export const scaleGroup = (i: number, n: number): string | undefined =>
  isFirstParty(i) ? undefined : `vendor-${Math.floor((i - Math.ceil(i / 3)) / groupSize(n))}`;

function check(i: number, loopback: LoopbackTargets | undefined): Record<string, unknown> {
  const host = loopback ? '127.0.0.1' : `${scaleId(i)}.${isFirstParty(i) ? 'core.bank' : 'partner'}.example`;
  switch (scaleKind(i)) {
    case 'https':
      // On loopback, plain HTTP: the one TLS server here is the TLS check's.
      return loopback
        ? { http: { url: `http://${host}:${loopback.httpPort}/${scaleId(i)}` } }
        : { http: { url: `https://${host}/health` } };
    case 'http':
      return {
        http: {
          url: loopback ? `http://${host}:${loopback.httpPort}/${scaleId(i)}` : `http://${host}/health`,
        },
      };
    case 'tcp':
      return { tcp: { host, port: loopback ? loopback.tcpPort : 5432 } };
    case 'dns':
      return { dns: { name: loopback ? `${scaleId(i)}.scale.test` : host } };
    case 'tls':
      return { tls: { host, port: loopback ? loopback.tlsPort : 443 } };
  }
}

/** The names a loopback config's DNS checks ask for. */
export const scaleDnsNames = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => i)
    .filter((i) => scaleKind(i) === 'dns')
    .map((i) => `${scaleId(i)}.scale.test`);

export function scaleConfigInput(n: number, opts: ScaleConfigOptions = {}): MonitorConfigInput {
  const dependencies = Array.from({ length: n }, (_, i) => {
    const group = scaleGroup(i, n);
    return {
      id: scaleId(i),
      name: `${isFirstParty(i) ? 'Service' : 'Partner API'} ${i}`,
      tier: isFirstParty(i) ? ('first-party' as const) : ('third-party' as const),
      critical: isCritical(i),
      ...(group ? { group } : {}),
      features: [`feature ${i % 40}`],
      ...check(i, opts.loopback),
    };
  });
  return {
    name: 'scale',
    homeRegion: SCALE_REGIONS[0],
    probeRegions: [...SCALE_REGIONS],
    intervalSeconds: opts.intervalSeconds ?? 60,
    ...(opts.loopback?.resolver ? { resolvers: [opts.loopback.resolver] } : {}),
    dependencies: dependencies as MonitorConfigInput['dependencies'],
    channels: [{ id: 'oncall', type: 'email', address: 'oncall@ops.bank.example' }],
  };
}

/**
 * A 60-minute rehearsal for a scale config, as a scenario object (YAML-equivalent): one vendor group down
 * everywhere for half an hour, a core service down for ten minutes, a partner slow, one partner failing from a
 * single region, and a probe region going silent for five minutes.
 */
export function scaleScenario(n: number, durationMinutes = 60): Record<string, unknown> {
  const groupMember = Array.from({ length: n }, (_, i) => i).find((i) => scaleGroup(i, n) !== undefined);
  const group = groupMember === undefined ? undefined : scaleGroup(groupMember, n);
  const members = group
    ? Array.from({ length: n }, (_, i) => i).filter((i) => scaleGroup(i, n) === group)
    : [];
  const at = (m: number) => `${Math.min(m, durationMinutes - 1)}m`;
  const events: Record<string, unknown>[] = [];
  for (const i of members) {
    events.push({ at: at(10), dependency: scaleId(i), regions: 'all', state: 'down' });
    events.push({ at: at(40), dependency: scaleId(i), regions: 'all', state: 'up' });
  }
  events.push({ at: at(20), dependency: scaleId(0), regions: 'all', state: 'down' });
  events.push({ at: at(30), dependency: scaleId(0), regions: 'all', state: 'up' });
  const slow = Array.from({ length: n }, (_, i) => i).find(
    (i) => !isFirstParty(i) && scaleKind(i) === 'http',
  );
  if (slow !== undefined)
    events.push({ at: at(5), dependency: scaleId(slow), regions: 'all', state: 'slow:2500ms' });
  if (n > 4) {
    events.push({ at: at(15), dependency: scaleId(4), regions: [SCALE_REGIONS[1]], state: 'status:503' });
  }
  events.push({ at: at(45), dependency: '*', regions: [SCALE_REGIONS[2]], state: 'silent' });
  events.push({ at: at(50), dependency: '*', regions: [SCALE_REGIONS[2]], state: 'up' });
  return {
    name: `scale-${n}`,
    description: `${n} dependencies: a vendor group down for 30 minutes, core down for 10, a region silent for 5`,
    start: '2026-01-05T01:00:00Z',
    durationMinutes,
    events,
  };
}
