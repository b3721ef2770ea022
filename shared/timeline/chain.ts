// The account's hash chain: evidence that an exported account has not been edited since it was written.
// Each event's hash is SHA-256 over the previous hash and the event itself in one canonical serialization
// (RFC 8785, the JSON Canonicalization Scheme), so changing, removing or reordering any event breaks every
// hash from it on; the first event chains from a hash of the account's header (monitor, origin, window,
// scenario), so events cannot be moved into another account either. `depmon timeline --verify FILE` checks it.
import { createHash } from 'node:crypto';
import type { Account, TimelineEvent } from './types.ts';

export const CHAIN_ALGORITHM = 'sha256';
export const CHAIN_CANONICALIZATION = 'RFC 8785 (JSON Canonicalization Scheme)';

/** What the JSON export carries beside the events. */
export interface ChainInfo {
  readonly algorithm: typeof CHAIN_ALGORITHM;
  readonly canonicalization: typeof CHAIN_CANONICALIZATION;
  /** How each hash is made, for a reader without depmon. */
  readonly rule: string;
  /** The hash the first event chains from: SHA-256 of the header's canonical form. */
  readonly genesis: string;
  /** The last event's hash (the genesis when there are none). */
  readonly head: string;
}

export const CHAIN_RULE =
  'hash[0] = sha256(hex(genesis) + JCS(event[0] without "hash")); hash[i] = sha256(hex(hash[i-1]) + JCS(event[i] without "hash")), ' +
  'hex lower-case, UTF-8; genesis = sha256(JCS({ monitor, origin, scenario?, window }))';

/**
 * RFC 8785: object keys sorted by UTF-16 code units, no whitespace, strings and numbers as ECMAScript's
 * JSON.stringify writes them (which is what the RFC specifies for both). Undefined members are left out.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('canonical JSON: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

type Header = Pick<Account, 'monitor' | 'origin' | 'scenario' | 'window'>;

export function genesisHash(a: Header): string {
  return sha256(
    canonicalJson({ monitor: a.monitor, origin: a.origin, scenario: a.scenario, window: a.window }),
  );
}

/** The next link: the previous hash, then the event without its own `hash`. */
export function linkHash(previous: string, event: object): string {
  const { hash: _hash, ...rest } = event as { hash?: unknown };
  return sha256(previous + canonicalJson(rest));
}

export type ChainedEvent = TimelineEvent & { readonly hash: string };

/** The account's events with their hashes, and the chain's description. */
export function chainAccount(a: Account): { events: ChainedEvent[]; chain: ChainInfo } {
  const genesis = genesisHash(a);
  let previous = genesis;
  const events = a.events.map((e) => {
    previous = linkHash(previous, e);
    return { ...e, hash: previous };
  });
  return {
    events,
    chain: {
      algorithm: CHAIN_ALGORITHM,
      canonicalization: CHAIN_CANONICALIZATION,
      rule: CHAIN_RULE,
      genesis,
      head: previous,
    },
  };
}

export type ChainVerdict =
  | { readonly ok: true; readonly events: number; readonly head: string }
  | {
      readonly ok: false;
      /** 1-based, as the markdown account numbers events; 0 for the header/genesis. */
      readonly index: number;
      readonly problem: string;
    };

/** Checks an exported account (the parsed `.json`): the genesis, every link, and the head. */
export function verifyChain(doc: {
  readonly events: readonly Record<string, unknown>[];
  readonly chain: { readonly genesis?: unknown; readonly head?: unknown };
  readonly monitor?: unknown;
  readonly origin?: unknown;
  readonly scenario?: unknown;
  readonly window?: unknown;
}): ChainVerdict {
  const genesis = genesisHash(doc as unknown as Header);
  if (doc.chain.genesis !== genesis)
    return {
      ok: false,
      index: 0,
      problem: 'the header (monitor, origin, scenario, window) does not match chain.genesis',
    };
  let previous = genesis;
  for (const [i, e] of doc.events.entries()) {
    const expected = linkHash(previous, e);
    if (e.hash !== expected) {
      const what = [e.at, e.kind].filter((x) => typeof x === 'string').join(' ');
      return {
        ok: false,
        index: i + 1,
        problem: `event ${i + 1}${what ? ` (${what})` : ''}: hash ${typeof e.hash === 'string' ? e.hash.slice(0, 12) : 'missing'}… does not match its content and the previous hash (expected ${expected.slice(0, 12)}…)`,
      };
    }
    previous = expected;
  }
  if (doc.chain.head !== previous)
    return {
      ok: false,
      index: doc.events.length + 1,
      problem: `chain.head does not match the last event's hash: events were removed from the end`,
    };
  return { ok: true, events: doc.events.length, head: previous };
}
