// What a healthy stand-in answers, derived from the dependency's own check, and its certificate.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DependencySchema } from '#shared/config';
import { healthyResponse, healthyStatus, selfSignedCertificate } from '#shared/simulate';

const dep = (http: Record<string, unknown>) =>
  DependencySchema.parse({
    id: 'x',
    name: 'X',
    tier: 'third-party',
    http: { url: 'https://x.example/', ...http },
  });

describe('healthy stand-in answers', () => {
  it('answers with the first status the check accepts', () => {
    expect(healthyStatus(['2xx'])).toBe(200);
    expect(healthyStatus([204])).toBe(204);
    expect(healthyStatus(['301-308'])).toBe(301);
    expect(healthyStatus(['4xx', 200])).toBe(400);
  });

  it('builds a JSON body that passes equals and exists assertions, brackets and indices included', () => {
    const r = healthyResponse(
      dep({
        json: [
          { path: '$.status', equals: 'UP' },
          { path: "$['build-info'].ok", equals: true },
          { path: '$.checks[*].state', equals: 'pass' },
          { path: '$.issuer', exists: true },
          { path: '$.error', exists: false },
        ],
      }),
    );
    expect(JSON.parse(r.body)).toEqual({
      status: 'UP',
      'build-info': { ok: true },
      checks: [{ state: 'pass' }],
      issuer: 'present',
    });
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('puts literal bodyMatches text and asserted headers in the answer', () => {
    const r = healthyResponse(
      dep({ bodyMatches: ['^OK$'], responseHeaders: [{ name: 'X-Service', equals: 'partner' }] }),
    );
    expect(r.body).toBe('OK');
    expect(r.headers['x-service']).toBe('partner');
  });
});

describe('selfSignedCertificate', () => {
  it('names every host and 127.0.0.1, is its own CA and verifies with its key', () => {
    const c = selfSignedCertificate(['a.example', 'b.bank.example', 'a.example']);
    const x = new X509Certificate(c.cert);
    expect(x.subjectAltName).toBe('DNS:a.example, DNS:b.bank.example, IP Address:127.0.0.1');
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(Date.parse(x.validTo) - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });
});
