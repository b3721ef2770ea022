// Probe results and engine options: the contract between the probe engine, metrics, the CLI and the simulator.
import type { Dependency, SecretResolver, Tier } from '#shared/config';

export type ProbeStatus = 'up' | 'degraded' | 'down';

/** Why a result is not `up`. */
const REASONS = [
  'TIMEOUT',
  'CONNECTION_REFUSED',
  'CONNECTION_RESET',
  'DNS_FAILURE',
  'TLS_ERROR',
  'CERT_EXPIRING',
  'CERT_EXPIRED',
  'HTTP_STATUS',
  'ASSERTION_FAILED',
  'BODY_TOO_LARGE',
  'PROTOCOL_ERROR',
  'TOO_MANY_REDIRECTS',
  'SLOW',
  'PARTIAL_ADDRESSES',
  'SECRET_UNAVAILABLE',
  'CYCLE_DEADLINE',
  'INTERNAL_ERROR',
  /** A drill (`depmon drill start`) makes the probe report the dependency failing: not a real failure. */
  'DRILL',
] as const;
export type Reason = (typeof REASONS)[number];

/**
 * Results carry milliseconds to the microsecond: loopback and in-VPC answers take a millisecond or two, and
 * whole milliseconds would hide the difference between them.
 */
export const toMicros = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Milliseconds spent in each phase, to the microsecond; absent where a check has no such phase. */
export interface PhaseTimings {
  readonly dnsMs?: number;
  readonly connectMs?: number;
  readonly tlsMs?: number;
  readonly firstByteMs?: number;
  readonly totalMs: number;
}

export interface AddressResult {
  readonly address: string;
  readonly status: ProbeStatus;
  readonly latencyMs: number;
  readonly reason?: Reason;
  readonly detail?: string;
}

export interface ProbeResult {
  readonly dependency: string;
  readonly tier: Tier;
  /** Probe region, or "local" for `depmon check`. */
  readonly region: string;
  /** When the probe started (epoch ms). */
  readonly time: number;
  readonly status: ProbeStatus;
  /** Total probe time in milliseconds, to the microsecond. */
  readonly latencyMs: number;
  readonly timings?: PhaseTimings;
  /** Present whenever status is not `up`. */
  readonly reason?: Reason;
  /** Short, human, secret-free. */
  readonly detail?: string;
  /** HTTP status code, where there was one. */
  readonly httpStatus?: number;
  /** With `allAddresses`: one result per resolved address. */
  readonly addresses?: readonly AddressResult[];
  /** TLS checks: days until the certificate expires. */
  readonly certDaysLeft?: number;
}

/** Where to connect instead of DNS for a host name (like curl's --resolve). Used by stand-ins and tests. */
export interface HostOverride {
  readonly address: string;
  /** Every address the name resolves to (an allAddresses check probes each); @default [address] */
  readonly addresses?: readonly string[];
  /** Replaces the port of the URL/check, so a stand-in on a random loopback port can serve an https://…:443 URL. */
  readonly port?: number;
}

export interface ProbeOptions {
  /** Region label written into results. @default "local" */
  readonly region?: string;
  /** Probes in flight at once. @default 32 */
  readonly concurrency?: number;
  /** Whole-cycle deadline in ms: probes not finished by then are `down` with CYCLE_DEADLINE. */
  readonly cycleDeadlineMs?: number;
  /** Resolves `${…}` header references. @default env-less resolver that fails every reference */
  readonly secrets?: SecretResolver;
  /** Host name → loopback address/port (stand-ins). */
  readonly hostOverrides?: ReadonlyMap<string, HostOverride>;
  /** DNS servers ("127.0.0.1:5353"); empty uses the system resolver. */
  readonly resolvers?: readonly string[];
  /** Extra CAs (PEM) trusted for every TLS connection, e.g. a stand-in's test CA. */
  readonly extraCa?: readonly string[];
  /** Called as each probe finishes (progress lines). */
  readonly onResult?: (result: ProbeResult, done: number, total: number) => void;
  /** Aborts the whole cycle. */
  readonly signal?: AbortSignal;
  /** Clock for result times. @default Date.now */
  readonly now?: () => number;
}

export type { Dependency };
