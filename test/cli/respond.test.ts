// `depmon ack` and `depmon note`: the real DynamoDB client against a local page log, who from STS
// GetCallerIdentity (a loopback stand-in answering the AWS Query protocol) or --by.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerArn } from '#aws/caller';
import { run as note } from '../../cli/commands/note.ts';
import { run as ack } from '../../cli/commands/respond.ts';
import { main } from '../../cli/main.ts';
import { type FakeAws, startFakeAws } from '../functions/notify/fake-aws.ts';
import { Capture } from '../helpers/cli.ts';
import { startHttp, type TestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'depmon-respond-'));
writeFileSync(
  path.join(dir, 'monitor.config.json'),
  JSON.stringify({
    name: 'mini',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2'],
    dependencies: [
      {
        id: 'ledger',
        name: 'Ledger',
        tier: 'first-party',
        critical: true,
        http: { url: 'http://127.0.0.1:9/health' },
      },
    ],
  }),
);
const INC = 'inc-0123456789ab';
const NOW = new Date('2026-12-02T02:00:00Z');
let aws: FakeAws;
let sts: TestServer;
const stsRequests: { auth: string; body: string }[] = [];

beforeAll(async () => {
  aws = await startFakeAws({});
  sts = await startHttp(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    stsRequests.push({ auth: String(req.headers.authorization ?? ''), body });
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/oncall/kim</Arn><UserId>AROA:kim</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
    );
  });
});
afterAll(async () => {
  await aws.close();
  await sts.close();
  rmSync(dir, { recursive: true, force: true });
});

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const io = () => ({ stdout: new Capture(), stderr: new Capture(), cwd: dir, env: {} });
const deps = () => ({
  dynamodb: new DynamoDBClient({ region: 'ap-northeast-2', endpoint: aws.endpoint, credentials }),
  identity: () =>
    callerArn({
      region: 'ap-northeast-2',
      env: { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${sts.port}/` },
      credentials: async () => credentials,
      now: () => NOW,
    }),
  now: () => NOW,
});
const responses = () =>
  [...(aws.tables.get('mini-page-log')?.values() ?? [])].filter(
    (i) => (i as { type?: { S?: string } }).type?.S === 'response',
  ) as Record<string, { S?: string }>[];

describe('depmon ack and note', () => {
  it('ack records who (the caller identity from STS, a signed request) and when', async () => {
    const out = io();
    expect(await ack([INC], out, deps())).toBe(0);
    expect(stsRequests[0]?.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(stsRequests[0]?.auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20261202\/ap-northeast-2\/sts\/aws4_request/,
    );
    expect(responses()).toContainEqual(
      expect.objectContaining({
        kind: { S: 'ack' },
        incident: { S: INC },
        by: { S: 'arn:aws:sts::123456789012:assumed-role/oncall/kim' },
        at: { S: NOW.toISOString() },
        via: { S: 'cli' },
      }),
    );
  });

  it('note records the text, and --by names who instead of STS', async () => {
    const before = stsRequests.length;
    expect(await note([INC, 'switched notices to SMS', '--by', 'lee'], io(), deps())).toBe(0);
    expect(stsRequests.length).toBe(before);
    expect(responses()).toContainEqual(
      expect.objectContaining({
        kind: { S: 'note' },
        text: { S: 'switched notices to SMS' },
        by: { S: 'lee' },
      }),
    );
  });

  it('refuses a malformed incident id or a missing note text with exit 2, naming the argument', async () => {
    const stderr = new Capture();
    expect(await main(['ack', 'kakao'], { stdout: new Capture(), stderr, cwd: dir, env: {} })).toBe(2);
    expect(stderr.text).toMatch(/^depmon: ack: INCIDENT: expected an incident id such as inc-/);
    const stderr2 = new Capture();
    expect(await main(['note', INC], { stdout: new Capture(), stderr: stderr2, cwd: dir, env: {} })).toBe(2);
    expect(stderr2.text).toMatch(/^depmon: note: expected one quoted text/);
  });
});
