// TCP connect, DNS resolution and TLS certificate checks.
import net from 'node:net';
import type { DnsCheck, TcpCheck, TlsCheck } from '#shared/config';
import { ProbeFailure } from './failure.ts';
import type { Outcome } from './http.ts';
import {
  assertCertificate,
  bareHost,
  certDaysLeft,
  elapsed,
  newResolver,
  type ProbeContext,
  resolveHost,
  tcpConnect,
  tlsHandshake,
} from './net.ts';

export async function probeTcp(check: TcpCheck, ctx: ProbeContext): Promise<Outcome> {
  const r = await resolveHost(check.host, ctx, false);
  const port = r.port ?? check.port;
  const { connectMs } = await tcpConnect(r.addresses[0]!, port, ctx);
  return { status: 'up', timings: { dnsMs: r.dnsMs, connectMs, totalMs: elapsed(ctx) } };
}

export async function probeTls(check: TlsCheck, ctx: ProbeContext): Promise<Outcome> {
  const r = await resolveHost(check.host, ctx, false);
  const tcp = await tcpConnect(r.addresses[0]!, r.port ?? check.port, ctx);
  const t = await tlsHandshake(tcp.socket, check.host, ctx, {
    ...(check.servername ? { servername: check.servername } : {}),
    ca: check.ca,
  });
  const days = certDaysLeft(t.cert);
  const timings = { dnsMs: r.dnsMs, connectMs: tcp.connectMs, tlsMs: t.tlsMs, totalMs: elapsed(ctx) };
  const withDays = days === undefined ? {} : { certDaysLeft: days };
  try {
    assertCertificate(t);
  } catch (e) {
    if (e instanceof ProbeFailure)
      return { status: e.status, reason: e.reason, detail: e.detail, timings, ...withDays };
    throw e;
  }
  if (days !== undefined && days <= check.warnDays) {
    return {
      status: 'degraded',
      reason: 'CERT_EXPIRING',
      detail: `certificate expires in ${days} day${days === 1 ? '' : 's'} (${new Date(Date.parse(t.cert.valid_to)).toISOString().slice(0, 10)}), within warnDays ${check.warnDays}`,
      timings,
      ...withDays,
    };
  }
  return { status: 'up', timings, ...withDays };
}

export async function probeDns(check: DnsCheck, ctx: ProbeContext): Promise<Outcome> {
  const name = bareHost(check.name).toLowerCase();
  const override = ctx.hostOverrides.get(name);
  let answers: string[];
  // An overridden name "resolves" to its stand-in, so a local run of a `.example` config has answers to judge.
  if (override && (check.recordType === 'A' || check.recordType === 'AAAA')) answers = [override.address];
  else if (net.isIP(name)) answers = [name];
  else {
    ctx.phase = `resolving ${name} ${check.recordType}`;
    const resolver = newResolver(ctx);
    answers = await resolveRecords(resolver, name, check.recordType);
  }
  const totalMs = elapsed(ctx);
  const timings = { dnsMs: totalMs, totalMs };
  if (answers.length === 0)
    return { status: 'down', reason: 'DNS_FAILURE', detail: `no ${check.recordType} records`, timings };
  if (check.expect && check.expect.length > 0) {
    const want = new Set(check.expect.map((e) => e.toLowerCase()));
    if (!answers.some((a) => want.has(a.toLowerCase()))) {
      return {
        status: 'down',
        reason: 'ASSERTION_FAILED',
        detail: `${check.recordType} answers ${answers.slice(0, 5).join(', ')}; expected one of ${check.expect.join(', ')}`,
        timings,
      };
    }
  }
  return { status: 'up', timings };
}

async function resolveRecords(
  resolver: ReturnType<typeof newResolver>,
  name: string,
  type: DnsCheck['recordType'],
): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
    case 'MX':
      return (await resolver.resolveMx(name)).map((mx) => mx.exchange);
  }
}
