// AWS Systems Manager Incident Manager for the notify function: StartIncident and UpdateIncidentRecord as single
// signed REST-JSON requests (POST /startIncident, POST /updateIncidentRecord; Incident Manager API Reference),
// like aws-json.ts does for SSM and Secrets Manager, and the incident record each depmon incident opened, kept in
// the paging-state table until its resolve.
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { AwsServiceError, errorName, jsonBody, signRequest } from './aws-json.ts';
import type { CredentialsProvider } from './credentials.ts';
import { PAGE_STATE_KEY, PAGE_STATE_TTL_ATTRIBUTE } from './paging-state.ts';
import type { Retrier } from './retry.ts';

const once: Retrier = (_action, fn) => fn();

/** The SDK's endpoint variable for the service (`ssm-incidents`), honoured as the SDK would. */
export const INCIDENT_MANAGER_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_SSM_INCIDENTS';
/** A request that has not answered within this fails (and is retried: both calls are idempotent here). */
export const INCIDENT_MANAGER_TIMEOUT_MS = 4_000;

export interface IncidentManagerOptions {
  /** Incident Manager's Region: the replication set's, usually the home Region. */
  readonly region: string;
  readonly credentials: CredentialsProvider;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly retry?: Retrier;
  readonly timeoutMs?: number;
}

function endpoint(region: string, env: Readonly<Record<string, string | undefined>>): URL {
  const configured = env[INCIDENT_MANAGER_ENDPOINT_ENV] || env.AWS_ENDPOINT_URL;
  return new URL(configured || `https://ssm-incidents.${region}.amazonaws.com/`);
}

/** One signed POST to an Incident Manager operation path; the parsed answer, or AwsServiceError. */
async function call(
  o: IncidentManagerOptions,
  path: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const url = new URL(path, endpoint(o.region, o.env ?? {}));
  const body = JSON.stringify(input);
  const headers = signRequest({
    url,
    headers: { 'content-type': 'application/json' },
    body,
    region: o.region,
    signingName: 'ssm-incidents',
    credentials: await o.credentials(),
    date: new Date(),
  });
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(o.timeoutMs ?? INCIDENT_MANAGER_TIMEOUT_MS),
  });
  const parsed = await jsonBody(res);
  if (!res.ok)
    throw new AwsServiceError(errorName(res.headers.get('x-amzn-errortype'), parsed), '', res.status);
  return parsed;
}

/** The two operations notify calls, each under the retrier (StartIncident's clientToken makes it idempotent). */
export function incidentManagerClient(o: IncidentManagerOptions) {
  const retry = o.retry ?? once;
  return {
    async startIncident(input: Record<string, unknown>): Promise<{ incidentRecordArn: string }> {
      const out = await retry('ssm-incidents:StartIncident', () => call(o, '/startIncident', input));
      if (typeof out.incidentRecordArn !== 'string')
        throw new AwsServiceError('SerializationError', 'no incidentRecordArn in the answer', 200);
      return { incidentRecordArn: out.incidentRecordArn };
    },
    async updateIncidentRecord(input: Record<string, unknown>): Promise<void> {
      await retry('ssm-incidents:UpdateIncidentRecord', () => call(o, '/updateIncidentRecord', input));
    },
  };
}

const RECORD = 'incident-record#';
/** Kept as long as an outbox item: far longer than any incident stays open. */
const RECORD_TTL_DAYS = 30;

/** The incident record of each depmon incident, by StartIncident's client token, in the paging-state table. */
export function incidentRecordStore(ddb: DynamoDBClient, table: string, retry: Retrier = once) {
  return {
    async put(clientToken: string, arn: string): Promise<void> {
      const item: Record<string, AttributeValue> = {
        [PAGE_STATE_KEY]: { S: RECORD + clientToken },
        arn: { S: arn },
        [PAGE_STATE_TTL_ATTRIBUTE]: { N: String(Math.floor(Date.now() / 1000) + RECORD_TTL_DAYS * 86_400) },
      };
      await retry('dynamodb:PutItem', () => ddb.send(new PutItemCommand({ TableName: table, Item: item })));
    },
    async get(clientToken: string): Promise<string | undefined> {
      const out = await retry('dynamodb:GetItem', () =>
        ddb.send(
          new GetItemCommand({
            TableName: table,
            Key: { [PAGE_STATE_KEY]: { S: RECORD + clientToken } },
            ConsistentRead: true,
          }),
        ),
      );
      return out.Item?.arn?.S;
    },
  };
}
