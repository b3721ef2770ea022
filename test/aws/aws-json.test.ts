// The signed AWS JSON 1.1 call that replaces the SSM and Secrets Manager SDK clients in the probe: the same
// request on the wire as the real clients send, a signature the SDK's own signer agrees with, and errors read
// as the SDK reads them.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsJsonCall, endpointFor, errorName } from '#aws/aws-json';
import { envCredentials } from '#aws/credentials';
import { describeError } from '#aws/errors';
import { type FakeSecrets, startFakeSecrets } from '../helpers/fake-secrets.ts';

const KEYS = { AKIDLOCALTEST: 'local-test-secret' };
const creds = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' };
let fake: FakeSecrets;

beforeAll(async () => {
  fake = await startFakeSecrets({
    keys: KEYS,
    secrets: { 'depmon/token': 's3cr3t' },
    parameters: { '/depmon/key': 'p-123' },
    answer: (_n, req) =>
      req.body.Name === '/denied' ? { status: 400, type: 'com.amazonaws.ssm#AccessDeniedException' } : 'ok',
  });
});
afterAll(() => fake.close());

const last = () => fake.requests.at(-1)!;

describe('awsJsonCall', () => {
  it('sends GetParameter and GetSecretValue exactly as the SDK clients do, signed as the SDK signs', async () => {
    // Prepare
    const sdkSsm = new SSMClient({ region: 'ap-northeast-1', endpoint: fake.endpoint, credentials: creds });
    const sdkSm = new SecretsManagerClient({
      region: 'ap-northeast-1',
      endpoint: fake.endpoint,
      credentials: creds,
    });
    const env = { AWS_ENDPOINT_URL: fake.endpoint };
    // Act
    await sdkSsm.send(new GetParameterCommand({ Name: '/depmon/key', WithDecryption: true }));
    const sdkParam = last();
    const param = await awsJsonCall({
      service: 'ssm',
      region: 'ap-northeast-1',
      operation: 'GetParameter',
      input: { Name: '/depmon/key', WithDecryption: true },
      credentials: async () => creds,
      env,
    });
    const ownParam = last();
    await sdkSm.send(new GetSecretValueCommand({ SecretId: 'depmon/token' }));
    const sdkSecret = last();
    const secret = await awsJsonCall({
      service: 'secretsmanager',
      region: 'ap-northeast-1',
      operation: 'GetSecretValue',
      input: { SecretId: 'depmon/token' },
      credentials: async () => creds,
      env,
    });
    const ownSecret = last();
    // Assess: same operation, content type, body, credential scope; both signatures verified
    for (const [sdk, own] of [
      [sdkParam, ownParam],
      [sdkSecret, ownSecret],
    ] as const) {
      expect(own).toEqual({ ...sdk, sessionToken: undefined });
      expect(own.signatureValid).toBe(true);
    }
    expect(ownParam.target).toBe('AmazonSSM.GetParameter');
    expect(ownSecret.target).toBe('secretsmanager.GetSecretValue');
    expect(ownParam.contentType).toBe('application/x-amz-json-1.1');
    expect((param.Parameter as { Value: string }).Value).toBe('p-123');
    expect(secret.SecretString).toBe('s3cr3t');
  });

  it('signs the session token, and the fake refuses a request signed with the wrong key', async () => {
    // Prepare
    const call = (secretAccessKey: string) =>
      awsJsonCall({
        service: 'secretsmanager',
        region: 'us-east-1',
        operation: 'GetSecretValue',
        input: { SecretId: 'depmon/token' },
        credentials: async () => ({ accessKeyId: 'AKIDLOCALTEST', secretAccessKey, sessionToken: 'tok-1' }),
        env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint },
      });
    // Act
    const ok = await call('local-test-secret');
    const okReq = last();
    const bad = await call('wrong-secret').catch((e: unknown) => e);
    // Assess
    expect(ok.SecretString).toBe('s3cr3t');
    expect(okReq).toMatchObject({ sessionToken: 'tok-1', signatureValid: true, region: 'us-east-1' });
    expect(last().signatureValid).toBe(false);
    expect(describeError(bad)).toBe('InvalidSignatureException (HTTP 403)');
  });

  it('reads an error answer as the SDK client does: the same name and status', async () => {
    // Prepare
    const sdk = new SSMClient({ region: 'ap-northeast-1', endpoint: fake.endpoint, credentials: creds });
    // Act
    const sdkErr = await sdk.send(new GetParameterCommand({ Name: '/denied' })).catch((e: unknown) => e);
    const ownErr = await awsJsonCall({
      service: 'ssm',
      region: 'ap-northeast-1',
      operation: 'GetParameter',
      input: { Name: '/denied' },
      credentials: async () => creds,
      env: { AWS_ENDPOINT_URL_SSM: fake.endpoint },
    }).catch((e: unknown) => e);
    const missing = await awsJsonCall({
      service: 'ssm',
      region: 'ap-northeast-1',
      operation: 'GetParameter',
      input: { Name: '/nope' },
      credentials: async () => creds,
      env: { AWS_ENDPOINT_URL_SSM: fake.endpoint },
    }).catch((e: unknown) => e);
    // Assess
    expect(describeError(ownErr)).toBe(describeError(sdkErr));
    expect(describeError(ownErr)).toBe('AccessDeniedException (HTTP 400)');
    expect(describeError(missing)).toBe('ParameterNotFound (HTTP 400)');
    expect(errorName('ThrottlingException:http://internal.amazon.com/coral/', {})).toBe(
      'ThrottlingException',
    );
  });

  it('names the system error when nothing answers', async () => {
    // Prepare: a port nobody listens on (the fake's, once closed)
    const gone = await startFakeSecrets({ keys: KEYS });
    await gone.close();
    // Act
    const err = await awsJsonCall({
      service: 'ssm',
      region: 'ap-northeast-1',
      operation: 'GetParameter',
      input: { Name: '/x' },
      credentials: async () => creds,
      env: { AWS_ENDPOINT_URL: gone.endpoint },
    }).catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ name: 'ECONNREFUSED', code: 'ECONNREFUSED' });
  });
});

describe('endpointFor', () => {
  it('takes the service variable, then AWS_ENDPOINT_URL, then the Region public endpoint', () => {
    const env = { AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:1/', AWS_ENDPOINT_URL: 'http://127.0.0.1:2/' };
    expect(endpointFor('ssm', 'us-east-1', env).href).toBe('http://127.0.0.1:1/');
    expect(endpointFor('secretsmanager', 'us-east-1', env).href).toBe('http://127.0.0.1:2/');
    expect(endpointFor('secretsmanager', 'ap-northeast-2').href).toBe(
      'https://secretsmanager.ap-northeast-2.amazonaws.com/',
    );
    expect(endpointFor('ssm', 'cn-north-1').href).toBe('https://ssm.cn-north-1.amazonaws.com.cn/');
  });
});

describe('envCredentials', () => {
  it('reads the keys, session token and expiry Lambda sets, and names what is missing', async () => {
    const full = envCredentials({
      AWS_ACCESS_KEY_ID: 'AKID1',
      AWS_SECRET_ACCESS_KEY: 'sk',
      AWS_SESSION_TOKEN: 'tok',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-02T12:00:00Z',
    });
    expect(await full()).toEqual({
      accessKeyId: 'AKID1',
      secretAccessKey: 'sk',
      sessionToken: 'tok',
      expiration: new Date('2026-12-02T12:00:00Z'),
    });
    await expect(envCredentials({ AWS_ACCESS_KEY_ID: 'AKID1' })()).rejects.toThrow(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    );
  });
});
