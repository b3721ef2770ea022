// The ack Lambda handler (function URL, auth NONE: the signed token is the only way in). Reads its settings
// from the environment, the signing key from Secrets Manager (cached five minutes), and hands the request to
// handleAckRequest.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAwsSecretResolver } from '#aws/secrets';
import { type SecretResolver, secretRefs, type VendorWebhook } from '#shared/config';
import { MIN_ACK_KEY_BYTES } from '#shared/pages';
import { readAckSettings } from '#shared/runtime';
import { type AckDeps, type FunctionUrlRequest, type FunctionUrlResponse, handleAckRequest } from './ack.ts';
import type { VendorSecret } from './vendor.ts';

let cached: AckDeps | undefined;

function init(): AckDeps {
  if (cached) return cached;
  const settings = readAckSettings(process.env);
  const region = process.env.AWS_REGION ?? '';
  const secrets = createAwsSecretResolver({ region, env: process.env });
  const ref = { source: 'secretsmanager', name: settings.keySecret, raw: 'ack signing key' } as const;
  cached = {
    ddb: new DynamoDBClient({ maxAttempts: 3 }),
    pageLogTable: settings.pageLogTable,
    key: async () => {
      const key = Buffer.from(await secrets.resolve(ref), 'utf8');
      if (key.length < MIN_ACK_KEY_BYTES)
        throw new Error(`ack signing key: expected at least ${MIN_ACK_KEY_BYTES} bytes`);
      return key;
    },
    vendorSecret: vendorSecrets(settings.vendorWebhooks, secrets),
    now: () => new Date(),
    log: (r) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...r })}\n`),
  };
  return cached;
}

/** A channel's webhook secret, read (and cached by the resolver) only for channels the config gave one. */
function vendorSecrets(webhooks: readonly VendorWebhook[], secrets: SecretResolver) {
  return async (channel: string): Promise<VendorSecret | undefined> => {
    const w = webhooks.find((x) => x.channel === channel);
    const ref = w ? secretRefs(w.secret)[0] : undefined;
    if (!w || !ref) return undefined;
    return { type: w.type, secret: await secrets.resolve(ref) };
  };
}

export async function handler(event: FunctionUrlRequest): Promise<FunctionUrlResponse> {
  return handleAckRequest(event, init());
}
