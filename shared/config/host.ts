// Host names and timeouts of checks and channels, without zod, so the Lambda bundles stay small.
import type { Check } from './schema.ts';

export function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** The host a dependency's check talks to. */
export function checkHost({ check }: { readonly check: Check }): string | undefined {
  switch (check.kind) {
    case 'http':
      return safeHost(check.url);
    case 'tcp':
    case 'tls':
      return check.host;
    case 'dns':
      return check.name;
    default:
      return unknownCheck(check);
  }
}

/** A check's own timeout: every kind has one, defaulted by the schema. */
export function checkTimeoutMs({ check }: { readonly check: Check }): number {
  return check.timeoutMs;
}

/** The `default:` of a switch over `check.kind`: a compile error when a kind is left out. */
export function unknownCheck(check: never): never {
  throw new Error(`unknown check kind ${JSON.stringify((check as { kind?: unknown }).kind)}`);
}
