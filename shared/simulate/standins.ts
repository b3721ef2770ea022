// Real local stand-ins for a config's dependencies: one loopback port per dependency and probe region, answering
// as the scenario says at the current virtual moment. The real probe engine reaches them through
// `hostOverrides`; a `down` dependency is pointed at a loopback port nobody listens on (connection refused).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { checkHost, type Dependency, type MonitorConfig } from '#shared/config';
import type { HostOverride } from '#shared/probe';
import type { StandInState } from './scenario.ts';
import { type SelfSigned, selfSignedCertificate } from './x509.ts';

export interface StandInHandle {
  readonly dependency: string;
  readonly region: string;
  readonly port: number;
}

/** The status a healthy stand-in answers with: the first one `expectStatus` accepts. */
export function healthyStatus(expect: readonly (number | string)[]): number {
  for (const e of expect) {
    if (typeof e === 'number') return e;
    const cls = /^([1-5])xx$/.exec(e);
    if (cls) return Number(cls[1]) * 100;
    const range = /^(\d{3})/.exec(e);
    if (range) return Number(range[1]);
  }
  return 200;
}

/** A literal string a simple regular expression matches, or undefined for one we cannot invert. */
function literalFor(re: string): string | undefined {
  const s = re.replace(/^\^/, '').replace(/\$$/, '');
  return /^[\w\s:./-]*$/.test(s) ? s : undefined;
}

/** `$.a.b`, `$['a-b']`, `$.list[0].x`, `$.list[*].x` → path segments (numbers for array indices). */
function segments(jsonPath: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\['([^']+)'\]|\["([^"]+)"\]|\[(\d+|\*)\]/gy;
  re.lastIndex = 1;
  let m: RegExpExecArray | null;
  for (;;) {
    if (re.lastIndex >= jsonPath.length) break;
    m = re.exec(jsonPath);
    if (!m) return undefined;
    const idx = m[4];
    out.push(m[1] ?? m[2] ?? m[3] ?? (idx === '*' ? 0 : Number(idx)));
  }
  return out;
}

function setPath(root: Record<string, unknown>, segs: (string | number)[], value: unknown): void {
  let cur: Record<string | number, unknown> = root;
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (last) {
      cur[seg] = value;
      return;
    }
    const nextIsIndex = typeof segs[i + 1] === 'number';
    if (cur[seg] === undefined || typeof cur[seg] !== 'object') cur[seg] = nextIsIndex ? [] : {};
    cur = cur[seg] as Record<string | number, unknown>;
  });
}

/** A body and headers that pass the dependency's own assertions, as far as they can be inverted. */
export function healthyResponse(d: Dependency): { body: string; headers: Record<string, string> } {
  const h = d.check;
  const headers: Record<string, string> = {};
  if (h.kind !== 'http') return { body: '', headers };
  for (const a of h.responseHeaders) {
    if (a.exists === false) continue;
    headers[a.name.toLowerCase()] =
      a.equals ?? (a.matches ? (literalFor(a.matches) ?? 'present') : 'present');
  }
  const literals = h.bodyMatches.map(literalFor).filter((x): x is string => x !== undefined);
  if (h.json.length === 0) {
    return {
      body: literals.length > 0 ? literals.join('\n') : 'OK',
      headers: { ...headers, 'content-type': 'text/plain' },
    };
  }
  const doc: Record<string, unknown> = {};
  for (const a of h.json) {
    if (a.exists === false) continue;
    const segs = segments(a.path);
    if (!segs || segs.length === 0) continue;
    const value =
      a.equals !== undefined
        ? a.equals
        : a.matches !== undefined
          ? (literalFor(a.matches) ?? 'present')
          : 'present';
    setPath(doc, segs, value);
  }
  if (literals.length > 0) doc._text = literals.join(' ');
  return { body: JSON.stringify(doc), headers: { ...headers, 'content-type': 'application/json' } };
}

/** Milliseconds a `slow` stand-in waits, scaled into compressed time. */
const delayOf = (s: StandInState, timeScale: number) =>
  s.kind === 'slow' ? Math.max(1, Math.round(s.ms * timeScale)) : 0;

interface Entry {
  readonly dep: Dependency;
  readonly region: string;
  readonly host: string;
  /** Accepts on the stand-in's own port and hands each connection to the server of its kind. */
  readonly listener: net.Server;
  port: number;
  state: StandInState;
  /** More listeners on the same port at 127.0.0.2, 127.0.0.3…: the other addresses of `addresses-lost`. */
  readonly extra: net.Server[];
  /** The healthy answer of an HTTP stand-in, built once from the dependency's own assertions. */
  readonly healthy: {
    readonly status: number;
    readonly body: string;
    readonly headers: Record<string, string>;
  };
}

/** A certificate one dependency's stand-ins serve instead of the shared one (`cert-expires`), and its server. */
interface OwnCertificate {
  readonly cert: SelfSigned;
  /** notAfter, epoch ms. */
  readonly notAfter: number;
  /** The dependency's own TLS or HTTPS server, speaking on its stand-ins' connections while the certificate holds. */
  readonly server?: tls.Server;
}

/** A body no JSON or text assertion of a config expects (`wrong-body`). */
const WRONG_JSON = JSON.stringify({ depmon: 'simulated wrong body' });
const WRONG_TEXT = 'depmon: simulated wrong body';

/** The kinds of stand-in server; each is one server object, whatever the number of dependencies. */
type ServerKind = 'http' | 'https' | 'tls' | 'tcp';
function serverKind(dep: Dependency): ServerKind | undefined {
  const { check } = dep;
  if (check.kind === 'http') return check.url.startsWith('https:') ? 'https' : 'http';
  return check.kind === 'tls' || check.kind === 'tcp' ? check.kind : undefined;
}

/**
 * The names the stand-ins' shared certificate carries: each host of three labels or more as a wildcard on its
 * parent (`ledger.core.bank.example` → `*.core.bank.example`), other hosts and addresses as they are. One name per
 * host made the certificate grow with the config: at 1,000 dependencies every handshake parsed and matched a
 * thousand names. Hosts a wildcard cannot match (an A-label first, RFC
 * 6125) keep their own name.
 */
export function certificateNames(hosts: readonly string[]): string[] {
  const names = new Set<string>();
  for (const host of hosts) {
    const h = host.toLowerCase();
    const labels = h.split('.');
    const wildcard = net.isIP(h) === 0 && labels.length >= 3 && !labels[0]?.startsWith('xn--');
    names.add(wildcard ? `*.${labels.slice(1).join('.')}` : h);
  }
  return [...names];
}

/**
 * Stand-in servers for every dependency (except DNS checks, whose answers the runner gives directly) in every
 * probe region. Set each one's state with `set`, then probe with `overrides(region)` and `extraCa`.
 *
 * Each (dependency, region) has its own loopback port, so a region's state is its own; behind the ports there is
 * one server per kind (HTTP, HTTPS, TLS), which tells the stand-ins apart by the port a connection came in on.
 * One TLS server per dependency and region cost a secure context each (1,200 at 1,000 dependencies in 3 regions).
 */
export class StandIns {
  private readonly entries = new Map<string, Entry>();
  private readonly byDependency = new Map<string, Entry[]>();
  private readonly byPort = new Map<number, Entry>();
  private readonly servers = new Map<ServerKind, net.Server>();
  /** Dependencies serving their own certificate now (`cert-expires`). */
  private readonly ownCerts = new Map<string, OwnCertificate>();
  private trusted: string[] | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly certificate: SelfSigned,
    /** A loopback port that refuses connections: where a `down` dependency points. */
    private readonly refused: { readonly port: number; release(): Promise<void> },
    readonly timeScale: number,
  ) {}

  static async start(config: MonitorConfig, timeScale: number): Promise<StandIns> {
    const hosts = config.dependencies.map(checkHost).filter((h): h is string => h !== undefined);
    const s = new StandIns(
      selfSignedCertificate(certificateNames(hosts)),
      await reserveRefusedPort(),
      timeScale,
    );
    try {
      for (const region of config.probeRegions)
        for (const dep of config.dependencies) {
          if (dep.check.kind === 'dns') continue;
          await s.add(dep, region);
        }
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  /** Where a `down` dependency points: refused until `close`. */
  get refusedPort(): number {
    return this.refused.port;
  }

  /** The certificates probes trust: the shared one and any a `cert-expires` stand-in serves now. */
  get extraCa(): string[] {
    this.trusted ??= [this.certificate.cert, ...new Set([...this.ownCerts.values()].map((o) => o.cert.cert))];
    return this.trusted;
  }

  /**
   * Serves a certificate that expires `msLeft` from now (the scenario's time until `cert-expires`) on a
   * dependency's stand-ins: the probe compares it with the machine's clock, so it is issued against it.
   * `undefined` restores the shared certificate.
   */
  setCertificate(dependency: string, msLeft: number | undefined, now = Date.now()): void {
    const first = this.byDependency.get(dependency)?.[0];
    if (!first) return;
    const served = this.ownCerts.get(dependency);
    if (msLeft === undefined) {
      if (served) this.serveOwn(first.dep, undefined);
      return;
    }
    // Issued again only when the probe would judge the one served differently (days left, or expired):
    // every new certificate costs the probe a new trust context.
    const DAY = 86_400_000;
    const same =
      served !== undefined &&
      Math.floor((served.notAfter - now) / DAY) === Math.floor(msLeft / DAY) &&
      served.notAfter - now <= 0 === msLeft <= 0;
    if (same) return;
    const notAfter = now + msLeft;
    const cert = selfSignedCertificate(
      [checkHost(first.dep) as string],
      0,
      new Date(notAfter),
      `depmon stand-in ${dependency} until ${new Date(notAfter).toISOString()}`,
    );
    this.serveOwn(first.dep, { cert, notAfter });
  }

  /** The dependency's stand-ins speak TLS with `own` from their next connection on; undefined: the shared one. */
  private serveOwn(dep: Dependency, own: { cert: SelfSigned; notAfter: number } | undefined): void {
    this.trusted = undefined;
    const prior = this.ownCerts.get(dep.id);
    if (!own) {
      this.ownCerts.delete(dep.id);
      return;
    }
    const kind = serverKind(dep);
    let server = prior?.server;
    if (server) server.setSecureContext({ cert: own.cert.cert, key: own.cert.key });
    else if (kind === 'https' || kind === 'tls') server = this.makeServer(kind, own.cert) as tls.Server;
    this.ownCerts.set(dep.id, { ...own, ...(server ? { server } : {}) });
  }

  /** The notAfter (epoch ms) of the certificate a dependency's stand-ins serve instead of the shared one, if any. */
  certificateServed(dependency: string): number | undefined {
    return this.ownCerts.get(dependency)?.notAfter;
  }

  /** Listeners for the first `count` addresses of an `addresses-lost` stand-in (127.0.0.1 is the main one). */
  private async ensureAddresses(e: Entry, count: number): Promise<void> {
    while (e.extra.length < count - 1) {
      const host = `127.0.0.${e.extra.length + 2}`;
      const listener = this.makeListener();
      await new Promise<void>((resolve, reject) => {
        listener.once('error', (err) =>
          reject(new Error(`stand-in for ${e.dep.id}: cannot listen on ${host}:${e.port} (${err.message})`)),
        );
        listener.listen(e.port, host, () => resolve());
      });
      e.extra.push(listener);
    }
    // Fewer addresses up than before: the surplus listeners go, and their connections, so those addresses refuse.
    for (const listener of e.extra.splice(Math.max(0, count - 1))) {
      const { address } = listener.address() as net.AddressInfo;
      const closing = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const sock of this.sockets)
        if (sock.localAddress === address && sock.localPort === e.port) sock.destroy();
      await closing;
    }
  }

  private async add(dep: Dependency, region: string): Promise<void> {
    const listener = this.makeListener();
    const answer = healthyResponse(dep);
    const entry: Entry = {
      dep,
      region,
      host: checkHost(dep) as string,
      listener,
      port: 0,
      state: { kind: 'up' },
      extra: [],
      healthy: {
        ...answer,
        status: dep.check.kind === 'http' ? healthyStatus(dep.check.expectStatus) : 200,
      },
    };
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(0, '127.0.0.1', () => resolve());
    });
    entry.port = (listener.address() as net.AddressInfo).port;
    this.entries.set(`${region}\u0000${dep.id}`, entry);
    this.byPort.set(entry.port, entry);
    const same = this.byDependency.get(dep.id);
    if (same) same.push(entry);
    else this.byDependency.set(dep.id, [entry]);
  }

  /**
   * A listener that only accepts: the connection goes to the server of its stand-in's kind (or to the
   * dependency's own TLS server while it serves its own certificate), which speaks the protocol on it.
   */
  private makeListener(): net.Server {
    return net.createServer((sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      sock.on('error', () => undefined);
      const entry = this.byPort.get(sock.localPort as number);
      const kind = entry && serverKind(entry.dep);
      if (!entry || !kind || kind === 'tcp') {
        // TCP: accepting the connection is the whole answer.
        sock.end();
        return;
      }
      (this.ownCerts.get(entry.dep.id)?.server ?? this.serverFor(kind)).emit('connection', sock);
    });
  }

  /** The stand-in a request reached, by the loopback port its connection came in on. */
  private entryOf(req: http.IncomingMessage): Entry | undefined {
    const port = req.socket.localPort;
    return port === undefined ? undefined : this.byPort.get(port);
  }

  private later(ms: number, f: () => void): void {
    if (ms <= 0) {
      f();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }

  private serverFor(kind: Exclude<ServerKind, 'tcp'>): net.Server {
    let server = this.servers.get(kind);
    if (!server) {
      server = this.makeServer(kind, this.certificate);
      this.servers.set(kind, server);
    }
    return server;
  }

  /** An HTTP(S) server answering each stand-in as its state says, or a TLS server that completes the handshake and closes. */
  private makeServer(kind: Exclude<ServerKind, 'tcp'>, cert: SelfSigned): net.Server {
    if (kind === 'http' || kind === 'https') {
      const handler: http.RequestListener = (req, res) => {
        req.resume();
        const entry = this.entryOf(req);
        if (!entry) {
          res.writeHead(500).end('depmon simulator: no stand-in on this port');
          return;
        }
        const st = entry.state;
        const healthy = entry.healthy;
        this.later(delayOf(st, this.timeScale), () => {
          const code = st.kind === 'status' ? st.code : healthy.status;
          res.writeHead(code, st.kind === 'status' ? { 'content-type': 'text/plain' } : healthy.headers);
          const wrong = healthy.headers['content-type'] === 'application/json' ? WRONG_JSON : WRONG_TEXT;
          const body =
            st.kind === 'status' ? `simulated ${code}` : st.kind === 'wrong-body' ? wrong : healthy.body;
          res.end(req.method === 'HEAD' ? undefined : body);
        });
      };
      return kind === 'https'
        ? https.createServer({ cert: cert.cert, key: cert.key }, handler)
        : http.createServer(handler);
    }
    return tls.createServer({ cert: cert.cert, key: cert.key }, (sock) => {
      sock.on('error', () => undefined);
      sock.end();
    });
  }

  stateOf(dependency: string, region: string): StandInState {
    return this.entries.get(`${region}\u0000${dependency}`)?.state ?? { kind: 'up' };
  }

  set(dependency: string, region: string, state: StandInState): void {
    const e = this.entries.get(`${region}\u0000${dependency}`);
    if (e) e.state = state;
  }

  /** Opens what a state needs before it is probed (the listeners of `addresses-lost`). */
  async prepare(dependency: string, region: string, state: StandInState): Promise<void> {
    const e = this.entries.get(`${region}\u0000${dependency}`);
    if (e && state.kind === 'addresses-lost') await this.ensureAddresses(e, state.of - state.lost);
  }

  /**
   * Host → stand-in for one probe region. Down dependencies, and `status:` on checks without HTTP,
   * point at the refused port. With `dependency`, only that one's host: several dependencies may share a
   * host (one vendor's APIs, or 127.0.0.1), and a map keyed by host alone would send them all to one stand-in.
   */
  overrides(region: string, dependency?: string): Map<string, HostOverride> {
    const m = new Map<string, HostOverride>();
    if (dependency !== undefined) {
      // One lookup: scanning every stand-in per probe made a round quadratic in the dependencies.
      const e = this.entries.get(`${region}\u0000${dependency}`);
      if (e) this.addOverride(m, e);
      return m;
    }
    for (const e of this.entries.values()) if (e.region === region) this.addOverride(m, e);
    return m;
  }

  private addOverride(m: Map<string, HostOverride>, e: Entry): void {
    if (e.state.kind === 'addresses-lost') {
      // The first OF-LOST addresses have listeners on the stand-in's port; the lost ones have none (refused).
      const addresses = Array.from({ length: e.state.of }, (_, i) => `127.0.0.${i + 1}`);
      m.set(e.host, { address: '127.0.0.1', addresses, port: e.port });
      return;
    }
    const refused = e.state.kind === 'down' || (e.state.kind === 'status' && e.dep.check.kind !== 'http');
    m.set(e.host, { address: '127.0.0.1', port: refused ? this.refusedPort : e.port });
  }

  handles(): StandInHandle[] {
    return [...this.entries.values()].map((e) => ({ dependency: e.dep.id, region: e.region, port: e.port }));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await this.refused.release();
    await Promise.all(
      [...this.entries.values()]
        .flatMap((e) => [e.listener, ...e.extra])
        .map(
          (server) =>
            new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
        ),
    );
    this.entries.clear();
    this.byPort.clear();
    this.byDependency.clear();
    this.servers.clear();
    this.ownCerts.clear();
  }
}

/**
 * A loopback port that refuses connections for as long as the reservation lasts. A port merely bound and
 * released is free for the next `listen(0)`, one of this run's own stand-ins included, and a `down`
 * dependency would then reach a healthy server. Here the port is held by the client end of a loopback
 * connection: nothing listens on it, so a SYN to it is refused, and the kernel gives it to no other socket.
 */
export async function reserveRefusedPort(): Promise<{ port: number; release(): Promise<void> }> {
  const listener = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve());
  });
  const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const server = await accepted;
  server.on('error', () => undefined);
  // Stop listening; the accepted connection stays, and with it the client's port.
  listener.close();
  return {
    port: client.localPort as number,
    // The server end closes first, so the reserved port does not linger in TIME_WAIT.
    release: () =>
      new Promise<void>((resolve) => {
        if (client.destroyed) return resolve();
        client.once('close', () => resolve());
        server.destroy();
      }),
  };
}
