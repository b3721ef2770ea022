// Who is calling: STS GetCallerIdentity, one signed AWS Query request (SigV4 from aws-json.ts), so the CLI
// needs no STS client for one read. `depmon ack` and `depmon note` record its ARN as who acted.

import { AwsServiceError, signRequest } from './aws-json.ts';
import type { CredentialsProvider } from './credentials.ts';

/** The endpoint: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the Region's (as the SDK picks it). */
export function stsEndpoint(region: string, env: Readonly<Record<string, string | undefined>> = {}): URL {
  const configured = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  return new URL(configured || `https://sts.${region}.amazonaws.com/`);
}

/** The caller's ARN (`arn:aws:sts::123456789012:assumed-role/oncall/kim`). */
export async function callerArn(opts: {
  readonly region: string;
  readonly credentials: CredentialsProvider;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => Date;
}): Promise<string> {
  const url = stsEndpoint(opts.region, opts.env);
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const headers = signRequest({
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    region: opts.region,
    signingName: 'sts',
    credentials: await opts.credentials(),
    date: opts.now?.() ?? new Date(),
  });
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  if (!res.ok) {
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'UnknownError';
    throw new AwsServiceError(code, /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '', res.status);
  }
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!arn)
    throw new AwsServiceError('SerializationError', 'GetCallerIdentity: no Arn in the answer', res.status);
  return arn;
}
