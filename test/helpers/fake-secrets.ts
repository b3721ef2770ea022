// SSM Parameter Store and Secrets Manager on 127.0.0.1, speaking AWS JSON 1.1 as the real SDK clients do. Each
// request's SigV4 signature is checked with the SDK's own signer (helpers/sigv4.ts) over the headers the
// request says it signed; a bad one is answered as AWS would (403 InvalidSignatureException).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSignature } from './sigv4.ts';

export interface SecretsRequest {
  readonly target: string;
  readonly contentType: string;
  /** Region and service from the signature's credential scope. */
  readonly region: string;
  readonly service: string;
  readonly accessKeyId: string;
  readonly sessionToken: string | undefined;
  readonly signatureValid: boolean;
  readonly body: Record<string, unknown>;
}

/** What to answer: the stored value, an AWS error, or nothing at all (`hang`). */
export type SecretsAnswer = 'ok' | 'hang' | { readonly status: number; readonly type: string };

export interface FakeSecrets {
  readonly endpoint: string;
  readonly requests: SecretsRequest[];
  close(): Promise<void>;
}

export interface FakeSecretsOptions {
  readonly secrets?: Readonly<Record<string, string>>;
  readonly parameters?: Readonly<Record<string, string>>;
  /** The secret key of every access key id the fake accepts. */
  readonly keys: Readonly<Record<string, string>>;
  /** `answer(n)` decides the n-th request's fate (0-based). @default always 'ok' */
  readonly answer?: (n: number, req: SecretsRequest) => SecretsAnswer;
}

function reply(res: ServerResponse, status: number, body: unknown, errorType?: string) {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    ...(errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/` } : {}),
  });
  res.end(JSON.stringify(body));
}

export async function startFakeSecrets(options: FakeSecretsOptions): Promise<FakeSecrets> {
  const requests: SecretsRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const sig = await checkSignature(req, text, options.keys);
    const rec: SecretsRequest = {
      target: String(req.headers['x-amz-target'] ?? ''),
      contentType: String(req.headers['content-type'] ?? ''),
      region: sig.region,
      service: sig.service,
      accessKeyId: sig.accessKeyId,
      sessionToken: req.headers['x-amz-security-token'] as string | undefined,
      signatureValid: sig.valid,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    const n = requests.length;
    requests.push(rec);
    const answer = options.answer?.(n, rec) ?? 'ok';
    if (answer === 'hang') return;
    if (answer !== 'ok')
      return reply(res, answer.status, { __type: answer.type, message: 'scripted failure' });
    if (!sig.valid)
      return reply(
        res,
        403,
        { message: 'The request signature we calculated does not match' },
        'InvalidSignatureException',
      );
    if (rec.target === 'secretsmanager.GetSecretValue') {
      const v = options.secrets?.[String(rec.body.SecretId)];
      if (v === undefined)
        return reply(res, 400, {
          __type: 'ResourceNotFoundException',
          Message: "Secrets Manager can't find the specified secret.",
        });
      return reply(res, 200, {
        ARN: `arn:aws:secretsmanager:${rec.region}:123456789012:secret:${rec.body.SecretId}-AbCdEf`,
        Name: rec.body.SecretId,
        SecretString: v,
        VersionId: 'v1',
        CreatedDate: 1.7e9,
      });
    }
    if (rec.target === 'AmazonSSM.GetParameter') {
      const v = options.parameters?.[String(rec.body.Name)];
      if (v === undefined) return reply(res, 400, { __type: 'ParameterNotFound' });
      return reply(res, 200, {
        Parameter: { Name: rec.body.Name, Type: 'SecureString', Value: v, Version: 1 },
      });
    }
    return reply(res, 400, { __type: 'UnknownOperationException' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
