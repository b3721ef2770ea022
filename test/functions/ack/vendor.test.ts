// Vendor webhooks on the ack function, through a real HTTP server on loopback (the function URL's request and
// answer, as Lambda maps them) and the real DynamoDB client against a local stand-in of the page log: PagerDuty
// V3 `incident.acknowledged` deliveries signed, unsigned, tampered and replayed, and Opsgenie `Acknowledge`
// deliveries with the right, a wrong or no token; an incident the monitor never paged; each refusal logged.
import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePageLog } from '#aws/page-log';
import { type AckDeps, handleAckRequest } from '#functions/ack';
import { incidentId, incidentKey, type PageLogRecord } from '#shared/pages';
import { startAckServer } from '../../helpers/ack-server.ts';
import type { TestServer } from '../../helpers/servers.ts';
import { type FakeAws, startFakeAws } from '../notify/fake-aws.ts';

const TABLE = 'bank-page-log';
const PD_SECRET = 'pd-signing-secret-0123456789abcdef';
const OG_TOKEN = 'og-token-fedcba9876543210';
const T0 = new Date('2026-12-02T01:05:00Z');
const PAGE: PageLogRecord = {
  id: 'bank-external-outage-kakao#2026-12-02T01:00:40.000Z#integrations-oncall',
  at: '2026-12-02T01:00:45.000Z',
  alarmTime: '2026-12-02T01:00:40.000Z',
  since: '2026-12-02T01:00:00.000Z',
  alarmName: 'bank-external-outage-kakao',
  alarmState: 'ALARM',
  kind: 'external-outage',
  resolved: false,
  severity: 'SEV2',
  dependencies: ['kakao-login'],
  failingRegions: [],
  outcome: 'sent',
  route: 'integrations-oncall',
  subject: '[SEV2] bank EXTERNAL OUTAGE: kakao down',
  messages: { default: 'd', email: 'e', sms: 's', https: '{}' },
};
/** What notify sent as PagerDuty's dedup_key and Opsgenie's alias for this incident. */
const KEY = incidentKey(PAGE);
const INCIDENT = incidentId(PAGE.alarmName, PAGE.since!);

let aws: FakeAws;
let server: TestServer;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  aws = await startFakeAws({});
  const ddb = new DynamoDBClient({
    region: 'ap-northeast-2',
    endpoint: aws.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
  await writePageLog(ddb, TABLE, PAGE);
  const secrets: Record<string, { type: 'pagerduty' | 'opsgenie'; secret: string }> = {
    pd: { type: 'pagerduty', secret: PD_SECRET },
    og: { type: 'opsgenie', secret: OG_TOKEN },
  };
  const deps: AckDeps = {
    ddb,
    pageLogTable: TABLE,
    key: async () => Buffer.from('k'.repeat(48)),
    vendorSecret: async (channel) => secrets[channel],
    now: () => T0,
    log: (e) => logged.push(e),
  };
  server = await startAckServer(deps);
});
afterAll(async () => {
  await server.close();
  await aws.close();
});

/** A V3 webhook delivery as PagerDuty's documentation shows one (an `incident.acknowledged` event). */
function pagerDutyEvent(opts: { id?: string; key?: string; type?: string } = {}): string {
  return JSON.stringify({
    event: {
      id: opts.id ?? '01DEN4HPBQAJJ8BSFS2UXJAJ1G',
      event_type: opts.type ?? 'incident.acknowledged',
      resource_type: 'incident',
      occurred_at: '2026-12-02T01:04:58.000Z',
      agent: {
        html_url: 'https://bank.pagerduty.example/users/PLH1HKV',
        id: 'PLH1HKV',
        self: 'https://api.pagerduty.example/users/PLH1HKV',
        summary: 'Kim Jiwoo',
        type: 'user_reference',
      },
      client: null,
      data: {
        id: 'PGR0VU2',
        type: 'incident',
        self: 'https://api.pagerduty.example/incidents/PGR0VU2',
        html_url: 'https://bank.pagerduty.example/incidents/PGR0VU2',
        number: 2,
        status: 'acknowledged',
        incident_key: opts.key ?? KEY,
        created_at: '2026-12-02T01:00:46Z',
        title: '[SEV2] bank EXTERNAL OUTAGE: kakao down',
        service: { id: 'PF9KMXH', type: 'service_reference', summary: 'depmon bank' },
        urgency: 'high',
      },
    },
  });
}

/** An outgoing webhook delivery as Opsgenie's "alert action data" shows one. */
function opsgenieEvent(opts: { action?: string; updatedAt?: number; alias?: string } = {}): string {
  return JSON.stringify({
    source: { name: '', type: 'mobile' },
    alert: {
      updatedAt: opts.updatedAt ?? 1764637498000000000,
      tags: [],
      message: '[SEV2] bank EXTERNAL OUTAGE: kakao down',
      username: 'kim.jiwoo@bank.example',
      alertId: '052652ac-5d1c-464a-812a-7dd18bbfba8c',
      source: 'depmon',
      alias: opts.alias ?? KEY,
      tinyId: '23',
      createdAt: 1764637246000,
      userId: 'daed1180-0ce8-438b-8f8e-57e1a5920a2d',
      entity: '',
    },
    action: opts.action ?? 'Acknowledge',
    integrationId: '37c8f316-17c6-49d7-899b-9c7e540c048d',
    integrationName: 'depmon acks',
  });
}

const sign = (body: string, secret = PD_SECRET) =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
const pageLog = () => [...(aws.tables.get(TABLE)?.values() ?? [])] as Record<string, { S?: string }>[];
const acks = () => pageLog().filter((i) => i.type?.S === 'response');
const lastLog = () => logged[logged.length - 1];

describe('PagerDuty webhooks (V3)', () => {
  it('records a signed incident.acknowledged as an ack by the PagerDuty user, via pagerduty', async () => {
    const body = pagerDutyEvent();
    // Two signatures, as during a secret rotation: the old one no longer matches, the new one does.
    const res = await post('/vendor/pagerduty/pd', body, {
      'x-pagerduty-signature': `${sign(body, 'old-secret')},${sign(body)}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ recorded: true, incident: INCIDENT });
    expect(acks()).toHaveLength(1);
    expect(acks()[0]).toMatchObject({
      kind: { S: 'ack' },
      via: { S: 'pagerduty' },
      by: { S: 'pagerduty:Kim Jiwoo' },
      incident: { S: INCIDENT },
      at: { S: T0.toISOString() },
    });
    expect(lastLog()).toMatchObject({ event: 'ack', via: 'pagerduty', incident: INCIDENT });
  });

  it('refuses the same event delivered again (409), logged, adding no second ack', async () => {
    const body = pagerDutyEvent();
    const res = await post('/vendor/pagerduty/pd', body, { 'x-pagerduty-signature': sign(body) });
    expect(res.status).toBe(409);
    expect(lastLog()).toMatchObject({ event: 'vendor-ack-refused', reason: 'replayed', incident: INCIDENT });
    expect(acks()).toHaveLength(1);
  });

  it('refuses an unsigned, a wrongly signed and a tampered delivery (401), each logged, writing nothing', async () => {
    const before = pageLog().length;
    const body = pagerDutyEvent({ id: '01DEN4HPBQAJJ8BSFS2UXJAJ2H' });
    const tampered = body.replace('Kim Jiwoo', 'Mallory');
    for (const [b, sig] of [
      [body, undefined],
      [body, sign(body, 'not-the-secret')],
      [tampered, sign(body)],
      [body, `v0=${sign(body).slice(3)}`],
    ] as const) {
      const res = await post('/vendor/pagerduty/pd', b, sig ? { 'x-pagerduty-signature': sig } : {});
      expect(res.status).toBe(401);
      expect(lastLog()).toMatchObject({
        event: 'vendor-ack-refused',
        reason: 'bad-signature',
        channel: 'pd',
      });
    }
    expect(pageLog().length).toBe(before);
  });

  it('refuses a key that names no incident the monitor paged (404), logged', async () => {
    const before = pageLog().length;
    for (const key of [
      'depmon/bank-external-outage-kakao/2026-12-01T09:00:00.000Z',
      'somebody-elses-incident',
    ]) {
      const body = pagerDutyEvent({ id: `01X${key.length}`, key });
      const res = await post('/vendor/pagerduty/pd', body, { 'x-pagerduty-signature': sign(body) });
      expect(res.status).toBe(404);
      expect(lastLog()).toMatchObject({ event: 'vendor-ack-refused', reason: 'unknown-incident', key });
    }
    expect(pageLog().length).toBe(before);
  });

  it('answers other event types 200 without recording, and refuses a channel without a webhook secret', async () => {
    const before = pageLog().length;
    const body = pagerDutyEvent({ id: '01RESOLVED', type: 'incident.resolved' });
    const ok = await post('/vendor/pagerduty/pd', body, { 'x-pagerduty-signature': sign(body) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ recorded: false, reason: 'not an acknowledgement' });
    // `og` is an Opsgenie channel, `nope` is no channel: a PagerDuty delivery to either is refused.
    for (const path of ['/vendor/pagerduty/og', '/vendor/pagerduty/nope', '/vendor/slack/pd']) {
      const res = await post(path, body, { 'x-pagerduty-signature': sign(body) });
      expect(res.status).toBe(404);
      expect(lastLog()).toMatchObject({ event: 'vendor-ack-refused', reason: 'unknown-channel' });
    }
    expect(pageLog().length).toBe(before);
  });
});

describe('a webhook secret that cannot be read', () => {
  it('answers 503 and logs it, writing nothing (the vendor retries later)', async () => {
    const before = pageLog().length;
    const body = pagerDutyEvent({ id: '01SECRETDOWN' });
    const out = await handleAckRequest(
      {
        requestContext: { http: { method: 'POST' } },
        rawPath: '/vendor/pagerduty/pd',
        headers: { 'x-pagerduty-signature': sign(body) },
        body,
      },
      {
        ddb: new DynamoDBClient({ region: 'ap-northeast-2', endpoint: aws.endpoint }),
        pageLogTable: TABLE,
        key: async () => Buffer.from('k'.repeat(48)),
        vendorSecret: () => Promise.reject(new Error('secret ${ssm:/pd}: could not read it: AccessDenied')),
        now: () => T0,
        log: (e) => logged.push(e),
      },
    );
    expect(out.statusCode).toBe(503);
    expect(lastLog()).toMatchObject({ event: 'vendor-secret-unavailable', channel: 'pd' });
    expect(pageLog().length).toBe(before);
  });
});

describe('Opsgenie outgoing webhooks', () => {
  it('records an Acknowledge with the right token as an ack by the Opsgenie user, via opsgenie', async () => {
    const res = await post('/vendor/opsgenie/og', opsgenieEvent(), { 'x-depmon-webhook-token': OG_TOKEN });
    expect(res.status).toBe(200);
    const mine = acks().filter((a) => a.via?.S === 'opsgenie');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      kind: { S: 'ack' },
      by: { S: 'opsgenie:kim.jiwoo@bank.example' },
      incident: { S: INCIDENT },
    });
  });

  it('refuses the same delivery again (409), and a missing or wrong token (401), each logged', async () => {
    const before = pageLog().length;
    const again = await post('/vendor/opsgenie/og', opsgenieEvent(), { 'x-depmon-webhook-token': OG_TOKEN });
    expect(again.status).toBe(409);
    expect(lastLog()).toMatchObject({ event: 'vendor-ack-refused', reason: 'replayed' });
    const later = opsgenieEvent({ updatedAt: 1764637599000000000 });
    const tokens: Record<string, string>[] = [
      {},
      { 'x-depmon-webhook-token': `${OG_TOKEN}x` },
      { 'x-depmon-webhook-token': '' },
    ];
    for (const headers of tokens) {
      const res = await post('/vendor/opsgenie/og', later, headers);
      expect(res.status).toBe(401);
      expect(lastLog()).toMatchObject({
        event: 'vendor-ack-refused',
        reason: 'bad-signature',
        channel: 'og',
      });
    }
    expect(pageLog().length).toBe(before);
  });

  it('records nothing for other actions, refuses an unknown alias (404) and a body that is not Opsgenie’s (400)', async () => {
    const before = pageLog().length;
    const h = { 'x-depmon-webhook-token': OG_TOKEN };
    const close = await post('/vendor/opsgenie/og', opsgenieEvent({ action: 'Close', updatedAt: 1 }), h);
    expect(close.status).toBe(200);
    const unknown = await post('/vendor/opsgenie/og', opsgenieEvent({ alias: 'x', updatedAt: 2 }), h);
    expect(unknown.status).toBe(404);
    expect(lastLog()).toMatchObject({ reason: 'unknown-incident', key: 'x' });
    expect((await post('/vendor/opsgenie/og', '{"alert":', h)).status).toBe(400);
    expect(lastLog()).toMatchObject({ reason: 'malformed' });
    expect(pageLog().length).toBe(before);
  });

  it('refuses GET on a vendor path (405): webhooks only POST', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/vendor/opsgenie/og`);
    expect(res.status).toBe(405);
    expect(lastLog()).toMatchObject({ event: 'vendor-ack-refused', reason: 'method' });
  });
});
