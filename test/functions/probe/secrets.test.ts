import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { secretRefs } from '#shared/config';
import { createAwsSecretResolver } from '../../../functions/probe/secrets.ts';

const sm = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
afterEach(() => {
  sm.reset();
  ssm.reset();
});

const ref = (text: string) => secretRefs(text)[0]!;
const creds = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' };

function resolver(clock = { t: 0 }) {
  const regions: string[] = [];
  const r = createAwsSecretResolver({
    region: 'ap-northeast-1',
    ttlMs: 1000,
    now: () => clock.t,
    env: { TOKEN: 'from-env' },
    secretsManager: (region) => {
      regions.push(`sm:${region}`);
      return new SecretsManagerClient({ region, credentials: creds });
    },
    ssm: (region) => {
      regions.push(`ssm:${region}`);
      return new SSMClient({ region, credentials: creds });
    },
  });
  return { r, regions, clock };
}

describe('createAwsSecretResolver', () => {
  it('reads a Secrets Manager secret once per TTL, however many probes ask', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { SecretId: 'depmon/token' }).resolves({ SecretString: 's3cr3t-value' });
    const { r, clock } = resolver();
    // Act
    const first = await Promise.all([1, 2, 3].map(() => r.resolve(ref('${secretsmanager:depmon/token}'))));
    clock.t = 999;
    await r.resolve(ref('${secretsmanager:depmon/token}'));
    clock.t = 1001;
    await r.resolve(ref('${secretsmanager:depmon/token}'));
    // Assess
    expect(first).toEqual(['s3cr3t-value', 's3cr3t-value', 's3cr3t-value']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('takes one key of a JSON secret, and reads an SSM SecureString with decryption', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"bank","apiKey":"k-123456"}' });
    ssm
      .on(GetParameterCommand, { Name: '/depmon/key', WithDecryption: true })
      .resolves({ Parameter: { Value: 'p-987654' } });
    const { r } = resolver();
    // Act / Assess
    expect(await r.resolve(ref('${secretsmanager:partner#apiKey}'))).toBe('k-123456');
    expect(await r.resolve(ref('${ssm:/depmon/key}'))).toBe('p-987654');
    expect(await r.resolve(ref('${env:TOKEN}'))).toBe('from-env');
  });

  it("reads an ARN in the ARN's own region and a name in the probe region", async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'v-abcdef' });
    const { r, regions } = resolver();
    // Act
    await r.resolve(ref('${secretsmanager:arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf}'));
    await r.resolve(ref('${secretsmanager:local-name}'));
    // Assess
    expect(regions).toEqual(['sm:us-east-1', 'sm:ap-northeast-1']);
  });

  it('names the reference but never the value in its errors, and does not cache failures', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'not-json-SECRETVALUE' });
    const { r, clock } = resolver();
    // Act
    const err = await r.resolve(ref('${secretsmanager:blob#key}')).catch((e: Error) => e);
    clock.t = 5000;
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('User is not authorized: SECRETVALUE'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const denied = await r.resolve(ref('${secretsmanager:other}')).catch((e: Error) => e);
    // Assess
    expect(String(err)).toContain('${secretsmanager:blob#key}: expected a JSON secret');
    expect(String(err)).not.toContain('SECRETVALUE');
    expect(String(denied)).toBe(
      'Error: secret ${secretsmanager:other}: could not read it: AccessDeniedException (HTTP 400)',
    );
  });

  it('retries a failed read on the next request instead of caching the failure', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error('boom'))
      .resolves({ Parameter: { Value: 'ok-value' } });
    const { r } = resolver();
    // Act
    const first = await r.resolve(ref('${ssm:/p}')).catch(() => 'failed');
    const second = await r.resolve(ref('${ssm:/p}'));
    // Assess
    expect([first, second]).toEqual(['failed', 'ok-value']);
  });

  it('refuses an unset environment variable by name', async () => {
    const { r } = resolver();
    await expect(r.resolve(ref('${env:MISSING}'))).rejects.toThrow('environment variable MISSING is not set');
  });
});
