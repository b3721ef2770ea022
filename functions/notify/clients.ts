// The notify function's AWS clients: one attempt per SDK call (retries are notify's own, NOTIFY_RETRY) and
// a timeout on every connection and request, so a hung endpoint costs seconds, not the whole invocation.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';

type AwsCredentialIdentity = { readonly accessKeyId: string; readonly secretAccessKey: string };

/** Establishing a connection to an AWS endpoint in the same Region takes milliseconds; one second is generous. */
export const NOTIFY_CONNECT_TIMEOUT_MS = 1_000;
/**
 * A request without a byte of answer for this long is abandoned (and retried: every notify call is safe to
 * repeat). Five attempts at this, plus backoff, stay well inside the function's 60 s with a fallback route.
 */
export const NOTIFY_REQUEST_TIMEOUT_MS = 3_000;

export interface NotifyClients {
  readonly sns: SNSClient;
  readonly ddb: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient;
}

export interface NotifyClientOptions {
  /** @default the Lambda environment's Region */
  readonly region?: string;
  /** Tests: a local stand-in. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity;
  /** @default NOTIFY_CONNECT_TIMEOUT_MS */
  readonly connectTimeoutMs?: number;
  /** @default NOTIFY_REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
}

export function notifyClients(options: NotifyClientOptions = {}): NotifyClients {
  const config = {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? NOTIFY_CONNECT_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? NOTIFY_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    sns: new SNSClient(config),
    ddb: new DynamoDBClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}
