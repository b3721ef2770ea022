// Misbehaving dependencies for tests: real HTTP, raw TCP, TLS and DNS servers on 127.0.0.0/8, certificates made
// with openssl, and a check that the process holds no client socket after a probe.
import { createHook } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach } from 'vitest';
import { reserveRefusedPort } from '#shared/simulate';

const run = promisify(execFile);

export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  /** Connections still open on the server side. */
  readonly open: () => number;
  close(): Promise<void>;
}

function track(server: net.Server, host: string): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  server.on('connection', (s: net.Socket) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  // TLS servers hand out TLSSockets on 'secureConnection' but count raw ones on 'connection'.
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: (server as { wantPort?: number }).wantPort ?? 0 }, () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        host,
        port,
        accepted: () => accepted,
        open: () => sockets.size,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface ListenOptions {
  readonly host?: string;
  readonly port?: number;
}

function withPort<T extends net.Server>(server: T, opts: ListenOptions): T {
  if (opts.port !== undefined) (server as { wantPort?: number }).wantPort = opts.port;
  return server;
}

/** An HTTP server with the given handler. */
export function startHttp(handler: http.RequestListener, opts: ListenOptions = {}): Promise<TestServer> {
  const server = http.createServer({ keepAliveTimeout: 100 }, handler);
  return track(withPort(server, opts), opts.host ?? '127.0.0.1');
}

/** An HTTPS server presenting `cert`/`key`. */
export function startHttps(
  tlsOpts: { cert: string; key: string },
  handler: http.RequestListener,
  opts: ListenOptions = {},
): Promise<TestServer> {
  const server = https.createServer({ ...tlsOpts }, handler);
  server.on('tlsClientError', () => undefined);
  return track(withPort(server, opts), opts.host ?? '127.0.0.1');
}

/** A raw TCP server: the handler decides what (if anything) goes on the wire. */
export function startTcp(onSocket: (s: net.Socket) => void, opts: ListenOptions = {}): Promise<TestServer> {
  const server = net.createServer(onSocket);
  return track(withPort(server, opts), opts.host ?? '127.0.0.1');
}

/**
 * A loopback port that refuses connections until `close` (shared/simulate's reservation: a port merely bound
 * and released could be handed to another test file's listener before the probe). Its two sockets are not
 * counted by `openSockets`.
 */
export async function refusedPort(): Promise<TestServer> {
  const before = new Set(live.keys());
  const r = await reserveRefusedPort();
  for (const id of live.keys()) if (!before.has(id)) reserved.add(id);
  return {
    host: '127.0.0.1',
    port: r.port,
    accepted: () => 0,
    open: () => 0,
    close: () => r.release(),
  };
}

// ── DNS ─────────────────────────────────────────────────────────────────────────

export interface TestDns {
  /** "127.0.0.1:port", for ProbeOptions.resolvers. */
  readonly server: string;
  close(): Promise<void>;
}

const RCODE_NXDOMAIN = 3;
const TYPE_A = 1;

/**
 * A tiny authoritative UDP DNS server: names in `records` get their A answers (AAAA: no data);
 * every other name gets NXDOMAIN.
 */
export async function startDns(records: Readonly<Record<string, readonly string[]>>): Promise<TestDns> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const reply = answer(msg, records);
    if (reply) sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const { port } = sock.address();
  return {
    server: `127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}

function answer(query: Buffer, records: Readonly<Record<string, readonly string[]>>): Buffer | undefined {
  if (query.length < 12) return undefined;
  let off = 12;
  const labels: string[] = [];
  while (off < query.length && query[off] !== 0) {
    const len = query[off]!;
    labels.push(query.subarray(off + 1, off + 1 + len).toString('ascii'));
    off += len + 1;
  }
  const qEnd = off + 5; // zero byte + qtype + qclass
  const qtype = query.readUInt16BE(off + 1);
  const name = labels.join('.').toLowerCase();
  const known = records[name];
  const ips = known && qtype === TYPE_A ? known : [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  const rd = query[2]! & 0x01;
  header[2] = 0x84 | rd; // QR, AA, RD copied
  header[3] = known ? 0 : RCODE_NXDOMAIN;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(ips.length, 6);
  const answers = ips.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, i) => {
      rr[12 + i] = Number(octet);
    });
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, qEnd), ...answers]);
}

// ── Certificates ────────────────────────────────────────────────────────────────

export interface TestCerts {
  /** PEM of the test CA (trust it through `ca` / extraCa). */
  readonly ca: string;
  /** Self-signed, valid for 30 days. */
  readonly selfSigned: { cert: string; key: string };
  /** Signed by the CA, expired in 2020. */
  readonly expired: { cert: string; key: string };
  /** Signed by the CA, expires in 3 days. */
  readonly expiringSoon: { cert: string; key: string };
  /** Signed by the CA, valid for 90 days. */
  readonly valid: { cert: string; key: string };
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
`;

/** Makes a CA and leaf certificates for `hosts` (DNS names and 127.0.0.1) with openssl. */
export async function makeCerts(hosts: readonly string[]): Promise<TestCerts> {
  const dir = await mkdtemp(path.join(tmpdir(), 'depmon-certs-'));
  const o = (args: string[]) => run('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const san = `subjectAltName=${[...hosts.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',')}`;
  try {
    await writeFile(path.join(dir, 'ca.cnf'), CA_CONFIG);
    await writeFile(path.join(dir, 'index.txt'), '');
    await writeFile(path.join(dir, 'serial'), '01\n');
    await Promise.all([
      o([
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-subj',
        '/CN=depmon test CA',
        '-days',
        '30',
      ]),
      o([
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'self.key',
        '-out',
        'self.pem',
        '-subj',
        `/CN=${hosts[0]}`,
        '-days',
        '30',
        '-addext',
        san,
      ]),
      ...['expired', 'soon', 'valid'].map((n) =>
        o([
          'req',
          ...ec,
          '-keyout',
          `${n}.key`,
          '-out',
          `${n}.csr`,
          '-subj',
          `/CN=${hosts[0]}`,
          '-addext',
          san,
        ]),
      ),
    ]);
    // `openssl ca` updates one database: sign one after another.
    const sign = (n: string, dates: string[]) =>
      o([
        'ca',
        '-config',
        'ca.cnf',
        '-batch',
        '-notext',
        '-cert',
        'ca.pem',
        '-keyfile',
        'ca.key',
        '-in',
        `${n}.csr`,
        '-out',
        `${n}.pem`,
        ...dates,
      ]);
    await sign('expired', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
    await sign('soon', ['-days', '3']);
    await sign('valid', ['-days', '90']);
    const read = (f: string) => readFile(path.join(dir, f), 'utf8');
    const pair = async (n: string, k = n) => ({ cert: await read(`${n}.pem`), key: await read(`${k}.key`) });
    return {
      ca: await read('ca.pem'),
      selfSigned: await pair('self'),
      expired: await pair('expired'),
      expiringSoon: await pair('soon'),
      valid: await pair('valid'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ── Leaks ───────────────────────────────────────────────────────────────────────

/** Async resource types that mean "a connection or lookup is still open" (listening servers are TCPSERVERWRAP/UDPWRAP). */
const SOCKET_TYPES = new Set(['TCPWRAP', 'TCPCONNECTWRAP', 'QUERYWRAP', 'GETADDRINFOREQWRAP']);
const live = new Map<number, string>();
/** Sockets that hold a refused port (refusedPort): the test's own, not the probe's. */
const reserved = new Set<number>();
// An async hook sees every socket, including those undici unrefs while idle, which
// process.getActiveResourcesInfo() does not list. TLS rides on its TCPWRAP; a TLSWRAP itself is only
// "destroyed" when garbage-collected, so it says nothing about an open connection.
createHook({
  init(id, type) {
    if (SOCKET_TYPES.has(type)) live.set(id, type);
  },
  destroy(id) {
    live.delete(id);
    reserved.delete(id);
  },
}).enable();

/** Sockets and lookups open in this process right now, client and server side. */
export function openSockets(): string[] {
  return [...live].filter(([id]) => !reserved.has(id)).map(([, type]) => type);
}

/**
 * Resolves with the open socket handles still there after up to `withinMs` (an empty list when the process
 * holds none). Server-side sockets count too: they close once the client's FIN/RST arrives, within a few ms.
 */
export async function socketsLeft(withinMs = 1000): Promise<string[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const left = openSockets();
    if (left.length === 0 || Date.now() >= until) return left;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * For a test file's servers: `const serve = closedAfterEach();` then `await serve(startHttp(…))` starts a server
 * that is closed after the test that started it.
 */
export function closedAfterEach(): (started: Promise<TestServer>) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (started) => {
    const s = await started;
    servers.push(s);
    return s;
  };
}
