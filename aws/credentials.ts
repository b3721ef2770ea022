// AWS credentials from the environment only. In Lambda they always arrive there (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the Lambda bundles need none of the SDK's other providers
// (profiles, SSO, web identity, containers, IMDS), which with their STS/SSO clients weigh ~100 KB.

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Reads the variables at each call (the SDK caches the identity until `expiration`). */
export function envCredentials(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw Object.assign(
        new Error(
          'AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (depmon reads credentials from the environment only, as Lambda provides them)',
        ),
        { name: 'CredentialsProviderError' },
      );
    }
    const expires = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(expires && !Number.isNaN(expires.getTime()) ? { expiration: expires } : {}),
    };
  };
}
