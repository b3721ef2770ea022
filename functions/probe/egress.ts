// The prober's self-check: before a region votes, it proves it can reach the outside world at all.
// Any HTTP answer (even 403 or 5xx) means egress works; no answer means the region abstains this round.

export type EgressResult =
  | { readonly ok: true; readonly url: string; readonly httpStatus: number; readonly latencyMs: number }
  | { readonly ok: false; readonly url: string; readonly reason: string; readonly latencyMs: number };

/** `{region}` in the configured URL names the probe Region (e.g. its own STS endpoint). */
export function egressUrl(template: string, region: string): string {
  return template.split('{region}').join(region);
}

function reasonOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'ERROR';
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'TIMEOUT';
  const code = e.cause?.code ?? e.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'DNS_FAILURE';
  if (code === 'ECONNREFUSED') return 'CONNECTION_REFUSED';
  if (code === 'ECONNRESET') return 'CONNECTION_RESET';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'TIMEOUT';
  if (code && /CERT|SSL|TLS/.test(code)) return 'TLS_ERROR';
  return code ?? e.cause?.name ?? e.name ?? 'ERROR';
}

/** One GET without following redirects; never throws. */
export async function checkEgress(
  urlTemplate: string,
  region: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<EgressResult> {
  const url = egressUrl(urlTemplate, region);
  const started = now();
  try {
    const res = await fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    return { ok: true, url, httpStatus: res.status, latencyMs: now() - started };
  } catch (err) {
    return { ok: false, url, reason: reasonOf(err), latencyMs: now() - started };
  }
}
