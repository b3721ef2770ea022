// Secret references in the probe function: resolved by #aws/secrets (Secrets Manager and SSM read at run
// time with a TTL cache, `${env:…}` from the function's environment).
export {
  type AwsSecretResolverOptions,
  arnRegion,
  createAwsSecretResolver,
  DEFAULT_SECRET_TTL_MS,
} from '#aws/secrets';
