// How a probe fails on the inside (a thrown ProbeFailure) and how any error becomes a reason code and a short detail.
import type { ProbeStatus, Reason } from './types.ts';

/** Thrown inside a check to end it with a result; probeOne turns it into data, so nothing leaves the engine. */
export class ProbeFailure extends Error {
  constructor(
    readonly reason: Reason,
    readonly detail: string,
    readonly status: ProbeStatus = 'down',
  ) {
    super(detail);
    this.name = 'ProbeFailure';
  }
}

interface Coded {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
}

function codeOf(e: unknown): string | undefined {
  const c = (e as Coded | undefined)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** TLS verification codes that mean "not trusted" (not "expired": that one has its own reason). */
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
  'HOSTNAME_MISMATCH',
]);

/** Plain words for the TLS verification codes users meet most. */
export const TLS_CODE_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate issuer not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer not trusted',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not name this host',
};

/** The syscalls node:dns names in its errors (Resolver: queryA, queryTxt…; lookup: getaddrinfo). */
const DNS_SYSCALL_RE = /^(query[A-Za-z]*|getaddrinfo|getnameinfo|getHostByAddr)$/;

const DNS_CODE_WORDS: Record<string, string> = {
  ENOTFOUND: 'name does not resolve (NXDOMAIN)',
  ESERVFAIL: 'DNS server failed (SERVFAIL)',
  ENODATA: 'no address records',
  EAI_AGAIN: 'DNS lookup timed out',
  ETIMEOUT: 'DNS lookup timed out',
  EREFUSED: 'DNS server refused the query',
  ECONNREFUSED: 'DNS server refused the connection',
  EBADRESP: 'DNS server sent a malformed response',
  EFORMERR: 'DNS server could not read the query (FORMERR)',
  ENOTIMP: 'DNS server does not implement the query (NOTIMP)',
};

type Classified = { reason: Reason; detail: string; status: ProbeStatus };

function down(reason: Reason, detail: string): Classified {
  return { reason, detail, status: 'down' };
}

/** Any error from a socket, resolver, TLS or undici → reason + detail. Never includes a stack. */
export function classify(e: unknown): Classified {
  if (e instanceof ProbeFailure) return { reason: e.reason, detail: e.detail, status: e.status };
  const c = systemCode(e);
  const msg = firstLine((e as Coded | undefined)?.message);
  return (
    resolverFailure(e, c) ?? socketFailure(c, msg) ?? nameOrCertificateFailure(c) ?? byCodeFamily(e, c, msg)
  );
}

/** The code that says what happened: undici wraps socket errors, and then the cause holds the system code. */
function systemCode(e: unknown): string | undefined {
  const code = codeOf(e);
  const inner = codeOf((e as Coded | undefined)?.cause);
  return inner && (code === undefined || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT')
    ? inner
    : code;
}

/** A resolver's error, whatever its code (c-ares has two dozen: EBADRESP, EFORMERR, ENOTIMP…), is the name's
 *  failure, not the connection's: the codes it shares with sockets (ECONNREFUSED) must not read as one. */
function resolverFailure(e: unknown, c: string | undefined): Classified | undefined {
  const syscall = (e as { syscall?: unknown } | undefined)?.syscall;
  if (typeof syscall === 'string' && DNS_SYSCALL_RE.test(syscall) && c !== undefined)
    return down('DNS_FAILURE', DNS_CODE_WORDS[c] ?? `DNS lookup failed (${c})`);
  return undefined;
}

/** Connections refused, reset, closed, timed out or unreachable. */
function socketFailure(c: string | undefined, msg: string): Classified | undefined {
  switch (c) {
    case 'ECONNREFUSED':
      return down('CONNECTION_REFUSED', 'connection refused');
    case 'ECONNRESET':
    case 'EPIPE':
      return down('CONNECTION_RESET', 'connection reset by peer');
    case 'UND_ERR_SOCKET':
      // undici drops the connection itself on an informational answer it did not ask for (it never sends
      // Expect: 100-continue nor Upgrade): the server broke the protocol, it did not hang up.
      if (msg === 'bad response')
        return down('PROTOCOL_ERROR', 'unsolicited 100 Continue (the probe sent no Expect: 100-continue)');
      if (msg === 'bad upgrade')
        return down('PROTOCOL_ERROR', 'unsolicited 101 Switching Protocols (the probe asked for no upgrade)');
      return down('CONNECTION_RESET', 'connection closed by peer');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return down('TIMEOUT', msg || 'timed out');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return down('CONNECTION_REFUSED', `host unreachable (${c})`);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return down('CONNECTION_RESET', 'response ended before its content-length');
    case 'UND_ERR_ABORTED':
      return down('TIMEOUT', 'request aborted');
    default:
      return undefined;
  }
}

/** Names that do not resolve (from lookups that are not the resolver's own) and the expired certificate. */
function nameOrCertificateFailure(c: string | undefined): Classified | undefined {
  switch (c) {
    case 'ENOTFOUND':
      return down('DNS_FAILURE', 'name does not resolve (NXDOMAIN)');
    case 'ESERVFAIL':
      return down('DNS_FAILURE', 'DNS server failed (SERVFAIL)');
    case 'ENODATA':
      return down('DNS_FAILURE', 'no address records');
    case 'EAI_AGAIN':
    case 'ETIMEOUT':
      return down('DNS_FAILURE', 'DNS lookup timed out');
    case 'ECONNREFUSED_DNS':
    case 'EREFUSED':
      return down('DNS_FAILURE', 'DNS server refused the query');
    case 'CERT_HAS_EXPIRED':
      return down('CERT_EXPIRED', 'certificate expired');
    default:
      return undefined;
  }
}

/** Whatever no exact code named: TLS trust and handshake, HTTP parsing, other undici errors, other codes. */
function byCodeFamily(e: unknown, c: string | undefined, msg: string): Classified {
  if (c !== undefined && TLS_TRUST_CODES.has(c)) return down('TLS_ERROR', TLS_CODE_WORDS[c] ?? c);
  if (c?.startsWith('ERR_SSL') || c?.startsWith('ERR_TLS'))
    return down('TLS_ERROR', `TLS handshake failed (${c})`);
  if (c?.startsWith('HPE_') || (e as Coded | undefined)?.name === 'HTTPParserError')
    return down('PROTOCOL_ERROR', `not a valid HTTP response (${c ?? 'parse error'})`);
  if (c?.startsWith('UND_ERR')) return down('PROTOCOL_ERROR', `${msg || c} (${c})`);
  if (c !== undefined) return down('CONNECTION_RESET', `${msg || 'network error'} (${c})`);
  return down('INTERNAL_ERROR', msg || 'unexpected error');
}

function firstLine(m: unknown): string {
  // Not cut here: the engine redacts secrets first, then shortens (a cut secret would escape redaction).
  return typeof m === 'string' ? (m.split('\n')[0] ?? '') : '';
}

/** Details stay short: one line, at most this many characters. */
const MAX_DETAIL_CHARS = 240;

export function shorten(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_DETAIL_CHARS ? `${one.slice(0, MAX_DETAIL_CHARS - 1)}…` : one;
}
