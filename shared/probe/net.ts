// Name resolution and connections for every check: loopback overrides, an injectable DNS resolver, TCP and TLS,
// each timed, each registered with the probe so it is destroyed when the probe ends, whatever happened.
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import type { SecretResolver } from '#shared/config';
import { ProbeFailure, TLS_CODE_WORDS } from './failure.ts';
import type { HostOverride } from './types.ts';

/** Per-probe state shared by the checks. */
export interface ProbeContext {
  readonly signal: AbortSignal;
  /** performance.now() when the probe started. */
  readonly started: number;
  readonly timeoutMs: number;
  readonly hostOverrides: ReadonlyMap<string, HostOverride>;
  readonly resolvers: readonly string[];
  readonly extraCa: readonly string[];
  readonly secretResolver: SecretResolver;
  /** What the probe is doing, for the detail of a timeout ("waiting for response headers"). */
  phase: string;
  /** Secret values resolved for this probe: redacted from every detail. */
  readonly secrets: string[];
  /** Lower-cased names of request headers whose values came from secrets: never sent to another origin. */
  readonly secretHeaders: Set<string>;
  /** Phases completed so far (the first of each), so a failed probe still shows how far it got. */
  readonly reached: { dnsMs?: number; connectMs?: number; tlsMs?: number };
  /** Run when the probe ends: destroy sockets, cancel lookups. */
  readonly cleanups: Set<() => void | Promise<void>>;
}

export function elapsed(ctx: ProbeContext): number {
  return performance.now() - ctx.started;
}

function remainingMs(ctx: ProbeContext): number {
  return Math.max(1, Math.ceil(ctx.timeoutMs - elapsed(ctx)));
}

/** `[::1]` → `::1`. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export interface Resolved {
  readonly addresses: readonly string[];
  /** Port from a host override, replacing the check's own. */
  readonly port?: number;
  /** Time spent resolving; 0 for an IP literal or an override. */
  readonly dnsMs: number;
}

/**
 * The addresses to connect to for `host`: its override, the literal IP, or DNS (the configured resolvers,
 * else the system's getaddrinfo, which honours /etc/hosts). `all` keeps every A and AAAA answer.
 */
export async function resolveHost(host: string, ctx: ProbeContext, all: boolean): Promise<Resolved> {
  const name = bareHost(host).toLowerCase();
  const override = ctx.hostOverrides.get(name);
  if (override) {
    const addresses =
      override.addresses && override.addresses.length > 0 ? override.addresses : [override.address];
    return { addresses: all ? [...addresses] : addresses.slice(0, 1), ...portOf(override), dnsMs: 0 };
  }
  if (net.isIP(name)) return { addresses: [name], dnsMs: 0 };
  const t0 = performance.now();
  ctx.phase = `resolving ${name}`;
  let addresses: string[];
  if (ctx.resolvers.length > 0) {
    const resolver = newResolver(ctx);
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    addresses = [
      ...(v4.status === 'fulfilled' ? v4.value : []),
      ...(v6.status === 'fulfilled' ? v6.value : []),
    ];
    if (addresses.length === 0) {
      // NXDOMAIN beats "no data" in the detail: it is the more specific answer.
      const errs = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: string }] : []));
      throw (
        errs.find((e) => e.code === 'ENOTFOUND') ??
        errs[0] ??
        Object.assign(new Error('no data'), { code: 'ENODATA' })
      );
    }
  } else {
    const found = await dns.promises.lookup(name, { all: true });
    addresses = found.map((a) => a.address);
    if (addresses.length === 0) throw Object.assign(new Error('no data'), { code: 'ENODATA' });
  }
  const unique = [...new Set(addresses)];
  const dnsMs = performance.now() - t0;
  ctx.reached.dnsMs ??= dnsMs;
  return { addresses: all ? unique : unique.slice(0, 1), dnsMs };
}

function portOf(o: HostOverride): { port?: number } {
  return o.port === undefined ? {} : { port: o.port };
}

/** A c-ares resolver on the configured servers, one try, bounded by the probe's remaining time. */
export function newResolver(ctx: ProbeContext): dns.promises.Resolver {
  const resolver = new dns.promises.Resolver({ timeout: remainingMs(ctx), tries: 1 });
  if (ctx.resolvers.length > 0) resolver.setServers([...ctx.resolvers]);
  ctx.cleanups.add(() => resolver.cancel());
  return resolver;
}

/** Destroys a socket and waits (briefly) for its handle to close, so no socket outlives the probe. */
function destroySocket(s: net.Socket): Promise<void> {
  if (s.closed) return Promise.resolve();
  return new Promise((resolve) => {
    s.once('close', () => resolve());
    s.destroy();
  });
}

/** A raw socket's cleanup, replaced by its TLS socket's once TLS wraps it. */
const rawCleanups = new WeakMap<net.Socket, () => Promise<void>>();

export async function tcpConnect(
  address: string,
  port: number,
  ctx: ProbeContext,
): Promise<{ socket: net.Socket; connectMs: number }> {
  const t0 = performance.now();
  ctx.phase = `connecting to ${address}:${port}`;
  const socket = net.connect({ host: address, port });
  const cleanup = () => destroySocket(socket);
  rawCleanups.set(socket, cleanup);
  ctx.cleanups.add(cleanup);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
  const connectMs = performance.now() - t0;
  ctx.reached.connectMs ??= connectMs;
  return { socket, connectMs };
}

interface TlsOutcome {
  readonly socket: tls.TLSSocket;
  readonly tlsMs: number;
  readonly cert: tls.PeerCertificate;
  readonly authorized: boolean;
  readonly authorizationError?: string;
}

/**
 * TLS over a connected socket, without rejecting: the caller decides (expired, untrusted, wrong name)
 * from the certificate and `authorizationError`, so each gets its own reason.
 */
export async function tlsHandshake(
  socket: net.Socket,
  host: string,
  ctx: ProbeContext,
  opts: { servername?: string; ca?: string | undefined; alpn?: string[] },
): Promise<TlsOutcome> {
  const t0 = performance.now();
  ctx.phase = 'TLS handshake';
  const name = bareHost(opts.servername ?? host);
  const extra = [...ctx.extraCa, ...(opts.ca ? [opts.ca] : [])];
  const secure = tls.connect({
    socket,
    host: name,
    ...(net.isIP(name) ? {} : { servername: name }),
    ...(extra.length > 0 ? { secureContext: contextWithCa(extra) } : {}),
    ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
    rejectUnauthorized: false,
  });
  // Destroy only the TLS socket (it closes the raw one): on Node 20, destroying the raw socket under a live
  // TLSSocket first crashes the process (SIGSEGV, seen with 20.20.2).
  const raw = rawCleanups.get(socket);
  if (raw) ctx.cleanups.delete(raw);
  ctx.cleanups.add(() => destroySocket(secure));
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve();
    });
    secure.once('error', reject);
  });
  const tlsMs = performance.now() - t0;
  ctx.reached.tlsMs ??= tlsMs;
  const err = secure.authorizationError as unknown;
  const authorizationError =
    err === null || err === undefined
      ? undefined
      : typeof err === 'string'
        ? err
        : String((err as { code?: string }).code ?? err);
  return {
    socket: secure,
    tlsMs,
    cert: secure.getPeerCertificate(),
    authorized: secure.authorized,
    ...(authorizationError ? { authorizationError } : {}),
  };
}

/**
 * One secure context per distinct extra-CA list: building one parses every root certificate (~10 ms of CPU),
 * which per probe dominated the cost of probing many TLS endpoints (the simulator's stand-ins, internal PKI).
 */
const caContexts = new Map<string, tls.SecureContext>();
function contextWithCa(extra: readonly string[]): tls.SecureContext {
  const key = extra.join('\n');
  let ctx = caContexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
    if (caContexts.size > 64) caContexts.clear();
    caContexts.set(key, ctx);
  }
  return ctx;
}

const DAY_MS = 86_400_000;

/** Whole days until the certificate's notAfter (negative once expired). */
export function certDaysLeft(cert: tls.PeerCertificate, now = Date.now()): number | undefined {
  const end = Date.parse(cert.valid_to);
  return Number.isNaN(end) ? undefined : Math.floor((end - now) / DAY_MS);
}

/** Turns a handshake that did not verify into the failure it is: expired first (the actionable one), then trust. */
export function assertCertificate(t: TlsOutcome, now = Date.now()): void {
  const end = Date.parse(t.cert.valid_to);
  if (!Number.isNaN(end) && end <= now) {
    const days = Math.floor((now - end) / DAY_MS);
    throw new ProbeFailure(
      'CERT_EXPIRED',
      `certificate expired on ${new Date(end).toISOString().slice(0, 10)} (${days} day${days === 1 ? '' : 's'} ago)`,
    );
  }
  if (!t.authorized) {
    const code = t.authorizationError ?? 'UNKNOWN';
    throw new ProbeFailure('TLS_ERROR', `${TLS_CODE_WORDS[code] ?? 'certificate not trusted'} (${code})`);
  }
}
