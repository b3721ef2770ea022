// The probe's secret references, read through signed requests from SSM and Secrets Manager stand-ins on
// 127.0.0.1 (the signature checked by the SDK's own signer), with the TTL cache and the one backoff.
import { afterEach, describe, expect, it } from 'vitest';
import { secretRefs } from '#shared/config';
import { createAwsSecretResolver } from '../../../functions/probe/secrets.ts';
import { type FakeSecrets, type FakeSecretsOptions, startFakeSecrets } from '../../helpers/fake-secrets.ts';

const ref = (text: string) => secretRefs(text)[0]!;
const KEYS = { AKIDLOCALTEST: 'local-test-secret' };
let fake: FakeSecrets | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function resolver(options: Omit<FakeSecretsOptions, 'keys'>, clock = { t: 0 }) {
  fake = await startFakeSecrets({ keys: KEYS, ...options });
  const r = createAwsSecretResolver({
    region: 'ap-northeast-1',
    ttlMs: 1000,
    now: () => clock.t,
    sleep: async () => {},
    env: {
      TOKEN: 'from-env',
      AWS_ENDPOINT_URL: fake.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret',
      AWS_SESSION_TOKEN: 'session-tok',
    },
  });
  return { r, clock, fake };
}

describe('createAwsSecretResolver', () => {
  it('reads a Secrets Manager secret once per TTL, however many probes ask', async () => {
    // Prepare
    const { r, clock, fake } = await resolver({ secrets: { 'depmon/token': 's3cr3t-value' } });
    // Act
    const first = await Promise.all([1, 2, 3].map(() => r.resolve(ref('${secretsmanager:depmon/token}'))));
    clock.t = 999;
    await r.resolve(ref('${secretsmanager:depmon/token}'));
    clock.t = 1001;
    await r.resolve(ref('${secretsmanager:depmon/token}'));
    // Assess
    expect(first).toEqual(['s3cr3t-value', 's3cr3t-value', 's3cr3t-value']);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({
      target: 'secretsmanager.GetSecretValue',
      body: { SecretId: 'depmon/token' },
      sessionToken: 'session-tok',
      signatureValid: true,
    });
  });

  it('takes one key of a JSON secret, and reads an SSM SecureString with decryption', async () => {
    // Prepare
    const { r, fake } = await resolver({
      secrets: { partner: '{"user":"bank","apiKey":"k-123456"}' },
      parameters: { '/depmon/key': 'p-987654' },
    });
    // Act / Assess
    expect(await r.resolve(ref('${secretsmanager:partner#apiKey}'))).toBe('k-123456');
    expect(await r.resolve(ref('${ssm:/depmon/key}'))).toBe('p-987654');
    expect(await r.resolve(ref('${env:TOKEN}'))).toBe('from-env');
    expect(fake.requests[1]).toMatchObject({
      target: 'AmazonSSM.GetParameter',
      body: { Name: '/depmon/key', WithDecryption: true },
      signatureValid: true,
    });
  });

  it("reads an ARN in the ARN's own region and a name in the probe region", async () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf';
    const { r, fake } = await resolver({ secrets: { [arn]: 'v-abcdef', 'local-name': 'v-123456' } });
    // Act
    await r.resolve(ref(`\${secretsmanager:${arn}}`));
    await r.resolve(ref('${secretsmanager:local-name}'));
    // Assess: the Region each request was signed for
    expect(fake.requests.map((q) => `${q.service}:${q.region}`)).toEqual([
      'secretsmanager:us-east-1',
      'secretsmanager:ap-northeast-1',
    ]);
  });

  it('names the reference but never the value in its errors, and does not cache failures', async () => {
    // Prepare
    const { r, clock } = await resolver({
      secrets: { blob: 'not-json-SECRETVALUE' },
      answer: (_n, q) =>
        q.body.SecretId === 'other' ? { status: 400, type: 'AccessDeniedException' } : 'ok',
    });
    // Act
    const err = await r.resolve(ref('${secretsmanager:blob#key}')).catch((e: Error) => e);
    clock.t = 5000;
    const denied = await r.resolve(ref('${secretsmanager:other}')).catch((e: Error) => e);
    // Assess
    expect(String(err)).toContain('${secretsmanager:blob#key}: expected a JSON secret');
    expect(String(err)).not.toContain('SECRETVALUE');
    expect(String(denied)).toBe(
      'Error: secret ${secretsmanager:other}: could not read it: AccessDeniedException (HTTP 400)',
    );
  });

  it('retries a throttled read with the backoff, and a failed read on the next request', async () => {
    // Prepare: three throttles (the whole policy), then an answer
    const { r, fake } = await resolver({
      parameters: { '/p': 'ok-value' },
      answer: (n) => (n < 3 ? { status: 400, type: 'ThrottlingException' } : 'ok'),
    });
    // Act
    const first = await r.resolve(ref('${ssm:/p}')).catch((e: Error) => e.message);
    const second = await r.resolve(ref('${ssm:/p}'));
    // Assess
    expect(first).toBe('secret ${ssm:/p}: could not read it: ThrottlingException (HTTP 400)');
    expect(second).toBe('ok-value');
    expect(fake.requests).toHaveLength(4);
  });

  it('refuses an unset environment variable by name', async () => {
    const { r } = await resolver({});
    await expect(r.resolve(ref('${env:MISSING}'))).rejects.toThrow('environment variable MISSING is not set');
  });
});
