// HTTP(S) checks through undici, with our own connector so DNS, TCP and TLS are timed, overridable and torn down
// with the probe; redirects are followed here (not by undici) so loops, hops and cross-origin headers are ours to judge.

import type { buildConnector, Client } from 'undici';
import undiciRequest from 'undici/lib/api/api-request.js';
// Only undici's HTTP/1.1 Client, not its index (fetch, WebSocket, caches…): halves the probe bundle (~280 KB less).
import UndiciClient from 'undici/lib/dispatcher/client.js';

// undici's index attaches its API (request, stream…) to Dispatcher.prototype; with the deep import, attach
// the one method the probe uses, once.
if (typeof (UndiciClient.prototype as Partial<Client>).request !== 'function') {
  Object.defineProperty(Object.getPrototypeOf(UndiciClient.prototype), 'request', {
    value: undiciRequest,
    configurable: true,
    writable: true,
  });
}

import { type HttpCheck, redact, resolveSecretRefs } from '#shared/config';
import { checkBody, checkHeaders, checkJson, describeStatus, statusMatches } from './assert.ts';
import { classify, ProbeFailure } from './failure.ts';
import {
  assertCertificate,
  bareHost,
  certDaysLeft,
  elapsed,
  type ProbeContext,
  resolveHost,
  tcpConnect,
  tlsHandshake,
} from './net.ts';
import { type AddressResult, type PhaseTimings, type ProbeStatus, type Reason, toMicros } from './types.ts';

/** What a check found, before the engine adds dependency, region and time. */
export interface Outcome {
  readonly status: ProbeStatus;
  readonly reason?: Reason;
  readonly detail?: string;
  readonly timings?: PhaseTimings;
  readonly httpStatus?: number;
  readonly addresses?: readonly AddressResult[];
  readonly certDaysLeft?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers not carried to another origin on a redirect (nor any header holding a secret): a vendor's redirect
 *  must not receive our credentials. */
const CROSS_ORIGIN_DROP = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$/i;
/** A redirect body is drained up to this much before the next hop; the rest is dropped with the connection. */
const REDIRECT_DRAIN_BYTES = 64 * 1024;
/** With allAddresses, each address answers this much before the probe's own timeout, so one hung address
 *  shows as a failing address instead of timing out the whole probe. */
const ADDRESS_MARGIN_MS = 50;

export async function probeHttp(check: HttpCheck, ctx: ProbeContext): Promise<Outcome> {
  const headers = await resolveHeaders(check.headers, ctx);
  if (!check.allAddresses) return httpOnce(check, headers, ctx);
  const url = new URL(check.url);
  const resolved = await resolveHost(url.hostname, ctx, true);
  const budget = Math.max(
    1,
    ctx.timeoutMs - Math.max(ADDRESS_MARGIN_MS, ctx.timeoutMs * 0.05) - elapsed(ctx),
  );
  const perAddress = await Promise.all(
    resolved.addresses.map((address) =>
      withBudget(
        httpOnce(check, headers, ctx, {
          host: bareHost(url.hostname).toLowerCase(),
          address,
          dnsMs: resolved.dnsMs,
          ...(resolved.port === undefined ? {} : { port: resolved.port }),
        }),
        budget,
      ).then(
        (o) => ({ address, o }),
        (e: unknown) => ({ address, o: failed(e) as Outcome }),
      ),
    ),
  );
  return combineAddresses(perAddress, elapsed(ctx));
}

function failed(e: unknown): Outcome {
  const c = classify(e);
  return { status: c.status, reason: c.reason, detail: c.detail };
}

function withBudget<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProbeFailure('TIMEOUT', `no answer within ${Math.round(ms)} ms`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** All up → up; all down → down; some down → degraded (redundancy lost) with PARTIAL_ADDRESSES. */
function combineAddresses(per: readonly { address: string; o: Outcome }[], totalMs: number): Outcome {
  const addresses: AddressResult[] = per.map(({ address, o }) => ({
    address,
    status: o.status,
    latencyMs: toMicros(o.timings?.totalMs ?? totalMs),
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.detail ? { detail: o.detail } : {}),
  }));
  const down = per.filter((p) => p.o.status === 'down');
  const best = per.find((p) => p.o.status !== 'down')?.o;
  const list = (xs: typeof per) =>
    xs.map((p) => `${p.address} ${p.o.detail ?? p.o.reason ?? ''}`.trim()).join('; ');
  const timings = { ...(best?.timings ?? {}), totalMs };
  if (down.length === per.length) {
    const first = down[0]?.o;
    return {
      status: 'down',
      reason: first?.reason ?? 'INTERNAL_ERROR',
      detail: per.length === 1 ? (first?.detail ?? '') : `all ${per.length} addresses failing: ${list(down)}`,
      timings,
      addresses,
    };
  }
  const http = best?.httpStatus === undefined ? {} : { httpStatus: best.httpStatus };
  const cert = best?.certDaysLeft === undefined ? {} : { certDaysLeft: best.certDaysLeft };
  if (down.length > 0) {
    return {
      status: 'degraded',
      reason: 'PARTIAL_ADDRESSES',
      detail: `${down.length} of ${per.length} addresses failing: ${list(down)}`,
      timings,
      addresses,
      ...http,
      ...cert,
    };
  }
  const degraded = per.find((p) => p.o.status === 'degraded');
  if (degraded) {
    return {
      status: 'degraded',
      reason: degraded.o.reason ?? 'SLOW',
      detail: `${degraded.address}: ${degraded.o.detail ?? ''}`,
      timings,
      addresses,
      ...http,
      ...cert,
    };
  }
  return { status: 'up', timings, addresses, ...http, ...cert };
}

async function resolveHeaders(headers: Readonly<Record<string, string>>, ctx: ProbeContext) {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    try {
      const r = await resolveSecretRefs(value, ctx.secretResolver);
      ctx.secrets.push(...r.secrets);
      if (r.secrets.length > 0) ctx.secretHeaders.add(name.toLowerCase());
      out[name] = r.value;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new ProbeFailure('SECRET_UNAVAILABLE', `header ${name}: ${msg}`);
    }
  }
  return out;
}

interface Pin {
  readonly host: string;
  readonly address: string;
  readonly port?: number;
  readonly dnsMs: number;
}

/** What one attempt learns while connecting, shared by the connector and the hops that use it. */
interface Attempt {
  readonly timings: { dnsMs?: number; connectMs?: number; tlsMs?: number; firstByteMs?: number };
  daysLeft?: number;
  /** When the last connection became ready: time to first byte counts from here or the hop's start. */
  readyAt: number;
}

/** One hop's request: what a redirect may change. */
interface Request {
  readonly url: URL;
  readonly method: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
}

type Response = Awaited<ReturnType<Client['request']>>;

/** One request through the check's redirects, on connections of our own (to `pin` when allAddresses names one). */
async function httpOnce(
  check: HttpCheck,
  headers: Record<string, string>,
  ctx: ProbeContext,
  pin?: Pin,
): Promise<Outcome> {
  const attempt: Attempt = { timings: pin ? { dnsMs: pin.dnsMs } : {}, readyAt: 0 };
  const connect = pinnedConnector(check, ctx, attempt, pin);
  const clients = new Map<string, Client>();
  let req: Request = {
    url: new URL(check.url),
    method: check.method,
    body: check.body,
    headers: { ...headers },
  };
  const visited = new Set<string>([req.url.href]);
  try {
    for (let hop = 0; ; hop++) {
      const client = clientFor(req.url.origin, clients, connect, ctx);
      ctx.phase = 'waiting for response headers';
      const hopStart = performance.now();
      const res = await client.request({
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method as 'GET',
        headers: req.headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        signal: ctx.signal,
      });
      attempt.timings.firstByteMs = performance.now() - Math.max(attempt.readyAt, hopStart);
      const location = res.headers.location;
      if (check.followRedirects && REDIRECT_STATUSES.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump({ limit: REDIRECT_DRAIN_BYTES }).catch(() => undefined);
        req = redirected(req, res.statusCode, location, hop, visited, check, ctx);
        continue;
      }
      return await judgeResponse(res, check, ctx, attempt);
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.destroy().catch(() => undefined)));
  }
}

/** undici's connector, ours: resolves (or takes the pinned address), connects and handshakes under the probe's
 *  deadline, recording each phase's first timing and the certificate's days left. */
function pinnedConnector(
  check: HttpCheck,
  ctx: ProbeContext,
  attempt: Attempt,
  pin: Pin | undefined,
): buildConnector.connector {
  const { timings } = attempt;
  return (opts, cb) => {
    (async () => {
      const host = bareHost(opts.hostname).toLowerCase();
      let port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      let address: string;
      if (pin && host === pin.host) {
        address = pin.address;
        if (pin.port !== undefined) port = pin.port;
      } else {
        const r = await resolveHost(host, ctx, false);
        address = r.addresses[0]!;
        if (r.port !== undefined) port = r.port;
        timings.dnsMs ??= r.dnsMs;
      }
      const tcp = await tcpConnect(address, port, ctx);
      timings.connectMs ??= tcp.connectMs;
      if (opts.protocol !== 'https:') return tcp.socket;
      const t = await tlsHandshake(tcp.socket, host, ctx, { ca: check.ca, alpn: ['http/1.1'] });
      timings.tlsMs ??= t.tlsMs;
      attempt.daysLeft ??= certDaysLeft(t.cert);
      assertCertificate(t);
      return t.socket;
    })().then(
      (socket) => {
        attempt.readyAt = performance.now();
        ctx.phase = 'waiting for response headers';
        cb(null, socket);
      },
      (e: unknown) => cb(e instanceof Error ? e : new Error(String(e)), null),
    );
  };
}

/** One client per origin, destroyed with the probe even if the attempt is abandoned mid-way. */
function clientFor(
  origin: string,
  clients: Map<string, Client>,
  connect: buildConnector.connector,
  ctx: ProbeContext,
): Client {
  const known = clients.get(origin);
  if (known) return known;
  const client: Client = new UndiciClient(origin, {
    connect,
    // Backstops only: the probe's own AbortSignal enforces the timeout (undici's timers are coarse).
    headersTimeout: ctx.timeoutMs + 1000,
    bodyTimeout: ctx.timeoutMs + 1000,
  });
  clients.set(origin, client);
  ctx.cleanups.add(() => client.destroy().catch(() => undefined));
  return client;
}

/** The next hop of a redirect, or a failure for a non-HTTP target, a loop or too many hops. Credentials stay
 *  with their origin; 303 (and 301/302 after a POST) turn the request into a bodiless GET. */
function redirected(
  req: Request,
  statusCode: number,
  location: string,
  hop: number,
  visited: Set<string>,
  check: HttpCheck,
  ctx: ProbeContext,
): Request {
  const next = new URL(location, req.url);
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw new ProbeFailure('PROTOCOL_ERROR', `redirect to a non-HTTP URL (${next.protocol})`);
  if (visited.has(next.href))
    throw new ProbeFailure(
      'TOO_MANY_REDIRECTS',
      `redirect loop: ${statusCode} to ${redact(next.pathname, ctx.secrets)} already visited after ${hop + 1} redirect${hop === 0 ? '' : 's'}`,
    );
  if (hop + 1 > check.maxRedirects)
    throw new ProbeFailure(
      'TOO_MANY_REDIRECTS',
      `more than ${check.maxRedirects} redirects (last: ${statusCode} to ${redact(`${next.host}${next.pathname}`, ctx.secrets)})`,
    );
  visited.add(next.href);
  const headers =
    next.origin === req.url.origin
      ? req.headers
      : Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k]) => !CROSS_ORIGIN_DROP.test(k) && !ctx.secretHeaders.has(k.toLowerCase()),
          ),
        );
  const toGet = statusCode === 303 || ((statusCode === 301 || statusCode === 302) && req.method === 'POST');
  return toGet
    ? { url: next, method: 'GET', body: undefined, headers }
    : { url: next, method: req.method, body: req.body, headers };
}

/** The final answer judged: status, then header, body and JSON assertions, then how long it took. */
async function judgeResponse(
  res: Response,
  check: HttpCheck,
  ctx: ProbeContext,
  attempt: Attempt,
): Promise<Outcome> {
  const text = await readBody(res, check.maxBodyBytes, ctx);
  const totalMs = elapsed(ctx);
  const clean = (t: string) => redact(t, ctx.secrets);
  const base = {
    httpStatus: res.statusCode,
    timings: { ...attempt.timings, totalMs },
    ...(attempt.daysLeft === undefined ? {} : { certDaysLeft: attempt.daysLeft }),
  };
  if (!statusMatches(res.statusCode, check.expectStatus)) {
    return {
      ...base,
      status: 'down',
      reason: 'HTTP_STATUS',
      detail: `HTTP ${res.statusCode}, expected ${describeStatus(check.expectStatus)}`,
    };
  }
  ctx.phase = 'matching the response against its assertions';
  const failure =
    checkHeaders(res.headers, check.responseHeaders, clean) ??
    checkBody(text, check) ??
    checkJson(text, check.json, clean);
  // The regexes run on RE2 in linear time, but on a large body still synchronously: should they have
  // outlasted the timeout (whose timer could not fire meanwhile), the answer came too late to count.
  if (elapsed(ctx) > ctx.timeoutMs)
    throw new ProbeFailure('TIMEOUT', `no answer within ${ctx.timeoutMs} ms (${ctx.phase})`);
  if (failure) return { ...base, status: 'down', reason: 'ASSERTION_FAILED', detail: failure };
  return { ...base, ...judgeSpeed(totalMs, check) };
}

/** Down past downAfterMs (the timeout by default), degraded past degradedAfterMs, else up. */
function judgeSpeed(totalMs: number, check: HttpCheck): Pick<Outcome, 'status' | 'reason' | 'detail'> {
  const downAfter = check.downAfterMs ?? check.timeoutMs;
  if (totalMs > downAfter)
    return {
      status: 'down',
      reason: 'SLOW',
      detail: `answered in ${Math.round(totalMs)} ms, over downAfterMs ${downAfter}`,
    };
  if (totalMs > check.degradedAfterMs)
    return {
      status: 'degraded',
      reason: 'SLOW',
      detail: `answered in ${Math.round(totalMs)} ms, over degradedAfterMs ${check.degradedAfterMs}`,
    };
  return { status: 'up' };
}

async function readBody(res: Response, maxBytes: number, ctx: ProbeContext): Promise<string> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new ProbeFailure(
      'BODY_TOO_LARGE',
      `content-length ${declared} bytes, over maxBodyBytes ${maxBytes}`,
    );
  }
  ctx.phase = 'reading body';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      // Stop reading and drop the connection: the rest of a runaway body must not cost us memory or time.
      res.body.destroy();
      throw new ProbeFailure('BODY_TOO_LARGE', `body over maxBodyBytes ${maxBytes} (stopped reading)`);
    }
    chunks.push(chunk);
    ctx.phase = `reading body, ${size} bytes received`;
  }
  return Buffer.concat(chunks).toString('utf8');
}
