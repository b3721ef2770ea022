// `depmon drill start|stop`: the drill store (a loopback SSM stand-in keeping the parameter, real signed
// requests) and the page log (the real DynamoDB client against a local stand-in).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDrills } from '#shared/runtime';
import { run as drill } from '../../cli/commands/drill.ts';
import { main } from '../../cli/main.ts';
import { type FakeAws, startFakeAws } from '../functions/notify/fake-aws.ts';
import { Capture } from '../helpers/cli.ts';
import { startHttp, type TestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'depmon-drill-'));
writeFileSync(
  path.join(dir, 'monitor.config.json'),
  JSON.stringify({
    name: 'mini',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1'],
    dependencies: [
      {
        id: 'ledger',
        name: 'Ledger',
        tier: 'first-party',
        critical: true,
        http: { url: 'http://127.0.0.1:9/' },
      },
      { id: 'kakao', name: 'Kakao', tier: 'third-party', http: { url: 'http://127.0.0.1:9/k' } },
    ],
  }),
);
const parameters = new Map<string, string>();
let aws: FakeAws;
let ssm: TestServer;
beforeAll(async () => {
  aws = await startFakeAws({});
  ssm = await startHttp(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const input = JSON.parse(body) as { Name: string; Value?: string };
    const op = String(req.headers['x-amz-target']).split('.')[1];
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (op === 'PutParameter') {
      parameters.set(input.Name, input.Value!);
      res.end('{"Version":1}');
    } else if (parameters.has(input.Name))
      res.end(JSON.stringify({ Parameter: { Value: parameters.get(input.Name) } }));
    else {
      res.statusCode = 400;
      res.end('{"__type":"ParameterNotFound","message":"none"}');
    }
  });
});
afterAll(async () => {
  await aws.close();
  await ssm.close();
  rmSync(dir, { recursive: true, force: true });
});

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
const NOW = new Date('2026-12-02T03:00:00Z');
const io = () => ({
  stdout: new Capture(),
  stderr: new Capture(),
  cwd: dir,
  env: { AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${ssm.port}/` },
});
const deps = (now = NOW) => ({
  dynamodb: new DynamoDBClient({ region: 'ap-northeast-2', endpoint: aws.endpoint, credentials }),
  credentials: async () => credentials,
  identity: async () => 'arn:aws:sts::1:assumed-role/oncall/kim',
  now: () => now,
});
const stored = () => parseDrills(parameters.get('/depmon/mini/drills') ?? '{"drills":[]}');
const logged = () =>
  [...(aws.tables.get('mini-page-log')?.values() ?? [])].map((i) => (i as { kind?: { S?: string } }).kind?.S);

describe('depmon drill', () => {
  it('start stores the drill with its end time and records it in the page log', async () => {
    const out = io();
    expect(
      await drill(['start', 'kakao', '--minutes', '15', '--regions', 'ap-northeast-1'], out, deps()),
    ).toBe(0);
    expect(stored()).toEqual([
      expect.objectContaining({
        dependency: 'kakao',
        regions: ['ap-northeast-1'],
        start: '2026-12-02T03:00:00.000Z',
        end: '2026-12-02T03:15:00.000Z',
        by: 'arn:aws:sts::1:assumed-role/oncall/kim',
      }),
    ]);
    expect(logged()).toEqual(['drill-start']);
    expect(out.stdout.text).toContain('[DRILL] kakao fails (reason DRILL) in ap-northeast-1');
  });

  it('stop ends it early and records the stop', async () => {
    expect(await drill(['stop', 'kakao'], io(), deps(new Date('2026-12-02T03:05:00Z')))).toBe(0);
    // Kept, ended: the probes compare the end time (resolved pages of the drill's incident still say [DRILL]).
    expect(stored().map((d) => d.end)).toEqual(['2026-12-02T03:05:00.000Z']);
    expect(logged().sort()).toEqual(['drill-start', 'drill-stop']);
  });

  it('refuses a critical first-party dependency without --core, and bad minutes or regions, with exit 2', async () => {
    const run = async (args: string[]) => {
      const stderr = new Capture();
      const code = await main(['drill', ...args], { ...io(), stderr });
      return [code, stderr.text.trim()];
    };
    expect(await run(['start', 'ledger', '--minutes', '15'])).toEqual([
      2,
      'depmon: drill start: ledger is a critical first-party dependency (core): add --core to drill it',
    ]);
    expect((await run(['start', 'kakao', '--minutes', '0']))[0]).toBe(2);
    expect((await run(['start', 'kakao', '--minutes', '5', '--regions', 'us-east-1']))[1]).toMatch(
      /--regions: expected probe regions/,
    );
    expect((await run(['start', 'nope', '--minutes', '5']))[1]).toMatch(
      /DEPENDENCY: expected a dependency id/,
    );
  });
});
