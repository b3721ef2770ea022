// Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (infra/lambda.ts aliases that
// package here): every SDK client's `credentialDefaultProvider` becomes the environment provider. Run
// unbundled (tests, the CLI), the SDK keeps its full default chain.
import { type CredentialsProvider, envCredentials } from './credentials.ts';

/** Same name and call shape as the SDK's `defaultProvider(init)`; `init` (profiles, IMDS options) has no use here. */
export const defaultProvider = (_init?: unknown): CredentialsProvider => envCredentials(process.env);
