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

async function httpOnce(
  check: HttpCheck,
  headers: Record<string, string>,
  ctx: ProbeContext,
  pin?: Pin,
): Promise<Outcome> {
  const timings: { dnsMs?: number; connectMs?: number; tlsMs?: number; firstByteMs?: number } = {};
  if (pin) timings.dnsMs = pin.dnsMs;
  let daysLeft: number | undefined;
  let readyAt = 0;
  const clients = new Map<string, Client>();

  const connect: buildConnector.connector = (opts, cb) => {
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
      daysLeft ??= certDaysLeft(t.cert);
      assertCertificate(t);
      return t.socket;
    })().then(
      (socket) => {
        readyAt = performance.now();
        ctx.phase = 'waiting for response headers';
        cb(null, socket);
      },
      (e: unknown) => cb(e instanceof Error ? e : new Error(String(e)), null),
    );
  };

  let url = new URL(check.url);
  let method: string = check.method;
  let body = check.body;
  let hdrs = { ...headers };
  const visited = new Set<string>([url.href]);
  try {
    for (let hop = 0; ; hop++) {
      let client = clients.get(url.origin);
      if (!client) {
        client = new UndiciClient(url.origin, {
          connect,
          // Backstops only: the probe's own AbortSignal enforces the timeout (undici's timers are coarse).
          headersTimeout: ctx.timeoutMs + 1000,
          bodyTimeout: ctx.timeoutMs + 1000,
        });
        const c = client;
        clients.set(url.origin, c);
        ctx.cleanups.add(() => c.destroy().catch(() => undefined));
      }
      ctx.phase = 'waiting for response headers';
      const hopStart = performance.now();
      const res = await client.request({
        path: `${url.pathname}${url.search}`,
        method: method as 'GET',
        headers: hdrs,
        ...(body === undefined ? {} : { body }),
        signal: ctx.signal,
      });
      timings.firstByteMs = performance.now() - Math.max(readyAt, hopStart);
      const location = res.headers.location;
      if (check.followRedirects && REDIRECT_STATUSES.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump({ limit: REDIRECT_DRAIN_BYTES }).catch(() => undefined);
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw new ProbeFailure('PROTOCOL_ERROR', `redirect to a non-HTTP URL (${next.protocol})`);
        if (visited.has(next.href))
          throw new ProbeFailure(
            'TOO_MANY_REDIRECTS',
            `redirect loop: ${res.statusCode} to ${redact(next.pathname, ctx.secrets)} already visited after ${hop + 1} redirect${hop === 0 ? '' : 's'}`,
          );
        if (hop + 1 > check.maxRedirects)
          throw new ProbeFailure(
            'TOO_MANY_REDIRECTS',
            `more than ${check.maxRedirects} redirects (last: ${res.statusCode} to ${redact(`${next.host}${next.pathname}`, ctx.secrets)})`,
          );
        visited.add(next.href);
        if (next.origin !== url.origin)
          hdrs = Object.fromEntries(
            Object.entries(hdrs).filter(
              ([k]) => !CROSS_ORIGIN_DROP.test(k) && !ctx.secretHeaders.has(k.toLowerCase()),
            ),
          );
        if (
          res.statusCode === 303 ||
          ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')
        ) {
          method = 'GET';
          body = undefined;
        }
        url = next;
        continue;
      }

      const text = await readBody(res, check.maxBodyBytes, ctx);
      const totalMs = elapsed(ctx);
      const clean = (t: string) => redact(t, ctx.secrets);
      const base = {
        httpStatus: res.statusCode,
        timings: { ...timings, totalMs },
        ...(daysLeft === undefined ? {} : { certDaysLeft: daysLeft }),
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
      const downAfter = check.downAfterMs ?? check.timeoutMs;
      if (totalMs > downAfter)
        return {
          ...base,
          status: 'down',
          reason: 'SLOW',
          detail: `answered in ${Math.round(totalMs)} ms, over downAfterMs ${downAfter}`,
        };
      if (totalMs > check.degradedAfterMs)
        return {
          ...base,
          status: 'degraded',
          reason: 'SLOW',
          detail: `answered in ${Math.round(totalMs)} ms, over degradedAfterMs ${check.degradedAfterMs}`,
        };
      return { ...base, status: 'up' };
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.destroy().catch(() => undefined)));
  }
}

async function readBody(
  res: Awaited<ReturnType<Client['request']>>,
  maxBytes: number,
  ctx: ProbeContext,
): Promise<string> {
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
