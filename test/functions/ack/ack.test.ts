// The ack function through a real HTTP server on loopback (the function URL's request and answer, as Lambda
// maps them), with the real DynamoDB client against a local stand-in of the page log: valid, invalid,
// expired and replayed tokens, each refusal logged.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AckDeps, handleAckRequest } from '#functions/ack';
import { ACK_TOKEN_TTL_SECONDS, incidentId, signAckToken } from '#shared/pages';
import { startAckServer } from '../../helpers/ack-server.ts';
import type { TestServer } from '../../helpers/servers.ts';
import { type FakeAws, startFakeAws } from '../notify/fake-aws.ts';

const KEY = Buffer.from('k'.repeat(48));
const OTHER_KEY = Buffer.from('o'.repeat(48));
const INCIDENT = incidentId('bank-external-outage-kakao', '2026-12-02T01:00:00Z');
const T0 = new Date('2026-12-02T01:05:00Z');
const TABLE = 'bank-page-log';

let aws: FakeAws;
let server: TestServer;
let clock = T0;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  aws = await startFakeAws({});
  const deps: AckDeps = {
    ddb: new DynamoDBClient({
      region: 'ap-northeast-2',
      endpoint: aws.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    }),
    pageLogTable: TABLE,
    key: async () => KEY,
    now: () => clock,
    log: (e) => logged.push(e),
  };
  server = await startAckServer(deps);
});
afterAll(async () => {
  await server.close();
  await aws.close();
});

const base = () => `http://127.0.0.1:${server.port}/`;
const token = (opts: { key?: Buffer; at?: Date; tokenId?: string } = {}) =>
  signAckToken(opts.key ?? KEY, { incident: INCIDENT, route: 'integrations-oncall' }, opts.at ?? T0, {
    ...(opts.tokenId ? { tokenId: opts.tokenId } : {}),
  });
const post = (t: string, by = 'Kim') =>
  fetch(base(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t, by }).toString(),
  });
const pageLog = () => [...(aws.tables.get(TABLE)?.values() ?? [])] as Record<string, { S?: string }>[];
const lastLog = () => logged[logged.length - 1];

describe('ack function', () => {
  it('GET shows a confirmation form and writes nothing (a mail scanner fetching the link acks nothing)', async () => {
    const t = token({ tokenId: 'aa11aa11aa11aa11' });
    const res = await fetch(`${base()}?t=${encodeURIComponent(t)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`Acknowledge ${INCIDENT}?`);
    expect(pageLog()).toEqual([]);
  });

  it('POST with a valid token records the ack with who and when, and the token as used', async () => {
    clock = new Date(T0.getTime() + 60_000);
    const res = await post(token({ tokenId: 'bb22bb22bb22bb22' }));
    expect(res.status).toBe(200);
    const ack = pageLog().find((i) => i.type?.S === 'response');
    expect(ack).toMatchObject({
      kind: { S: 'ack' },
      incident: { S: INCIDENT },
      by: { S: 'link:integrations-oncall (Kim)' },
      at: { S: '2026-12-02T01:06:00.000Z' },
      day: { S: '2026-12-02' },
    });
    expect(pageLog().find((i) => i.day?.S === 'ack-token')?.sk?.S).toBe('token#bb22bb22bb22bb22');
  });

  it('refuses a replayed token (409) and logs it, adding no second ack', async () => {
    const before = pageLog().length;
    const res = await post(token({ tokenId: 'bb22bb22bb22bb22' }));
    expect(res.status).toBe(409);
    expect(lastLog()).toMatchObject({ event: 'ack-refused', reason: 'replayed', incident: INCIDENT });
    expect(pageLog().length).toBe(before);
  });

  it('refuses an expired token (410) and logs it', async () => {
    clock = new Date(T0.getTime() + ACK_TOKEN_TTL_SECONDS * 1000);
    const res = await post(token({ tokenId: 'cc33cc33cc33cc33' }));
    expect(res.status).toBe(410);
    expect(lastLog()).toMatchObject({ event: 'ack-refused', reason: 'expired' });
    clock = T0;
  });

  it('refuses a token signed with another key, or with its claims edited (403), and logs it', async () => {
    const before = pageLog().length;
    expect((await post(token({ key: OTHER_KEY }))).status).toBe(403);
    expect(lastLog()).toMatchObject({ event: 'ack-refused', reason: 'bad-signature' });
    // Another incident's id put into a valid token's claims: the signature no longer matches.
    const [v, claims, sig] = token().split('.');
    const edited = Buffer.from(
      Buffer.from(claims!, 'base64url')
        .toString()
        .replace(INCIDENT, incidentId('other', '2026-12-01T00:00:00Z')),
    ).toString('base64url');
    expect((await post(`${v}.${edited}.${sig}`)).status).toBe(403);
    expect(lastLog()).toMatchObject({ event: 'ack-refused', reason: 'bad-signature' });
    expect(pageLog().length).toBe(before);
  });

  it('answers 503 and logs it when the signing key cannot be read, writing nothing', async () => {
    const before = pageLog().length;
    const out = await handleAckRequest(
      { requestContext: { http: { method: 'POST' } }, body: new URLSearchParams({ t: token() }).toString() },
      {
        ddb: new DynamoDBClient({ region: 'ap-northeast-2', endpoint: aws.endpoint }),
        pageLogTable: TABLE,
        key: () => Promise.reject(new Error('AccessDeniedException')),
        now: () => T0,
        log: (e) => logged.push(e),
      },
    );
    expect(out.statusCode).toBe(503);
    expect(lastLog()).toMatchObject({ event: 'ack-key-unavailable' });
    expect(pageLog().length).toBe(before);
  });

  it('refuses a missing or malformed token (400) and other methods (405), logging each', async () => {
    expect((await fetch(base())).status).toBe(400);
    expect(lastLog()).toMatchObject({ event: 'ack-refused', reason: 'malformed' });
    expect((await post('v1.not-a-token')).status).toBe(400);
    expect((await fetch(base(), { method: 'DELETE' })).status).toBe(405);
    expect(lastLog()).toMatchObject({ event: 'ack-refused', reason: 'method' });
  });
});
