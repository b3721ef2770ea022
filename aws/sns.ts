// SNS publish for a page: one message per protocol (MessageStructure json), its subject and attributes.
import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PageLogRecord } from '#shared/pages';
import type { Retrier } from './retry.ts';

const once: Retrier = (_action, fn) => fn();

/** Publishes a page record to a topic; returns SNS's MessageId when it gives one. */
export async function publishPage(
  sns: SNSClient,
  topicArn: string,
  record: Pick<PageLogRecord, 'subject' | 'messages' | 'attributes'>,
  retry: Retrier = once,
): Promise<string | undefined> {
  const out = await retry('sns:Publish', () =>
    sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: record.subject,
        Message: JSON.stringify(record.messages),
        MessageStructure: 'json',
        MessageAttributes: messageAttributes(record.attributes ?? {}),
      }),
    ),
  );
  return out.MessageId;
}

/** String attributes, empty values left out (SNS refuses an empty StringValue). */
export function messageAttributes(
  attrs: Readonly<Record<string, string>>,
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) if (v) out[k] = { DataType: 'String', StringValue: v };
  return out;
}
