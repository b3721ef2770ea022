// Host names of checks and channels, without zod, so the Lambda bundles stay small.

export function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** The host a dependency's check talks to. */
export function checkHost(d: {
  http?: { url: string } | undefined;
  tcp?: { host: string } | undefined;
  dns?: { name: string } | undefined;
  tls?: { host: string } | undefined;
}): string | undefined {
  if (d.http) return safeHost(d.http.url);
  return d.tcp?.host ?? d.dns?.name ?? d.tls?.host;
}

/** A check's own timeout (every check type has one; 5 s if absent). */
export function checkTimeoutMs(d: {
  http?: { timeoutMs: number } | undefined;
  tcp?: { timeoutMs: number } | undefined;
  dns?: { timeoutMs: number } | undefined;
  tls?: { timeoutMs: number } | undefined;
}): number {
  return (d.http ?? d.tcp ?? d.dns ?? d.tls)?.timeoutMs ?? 5000;
}
