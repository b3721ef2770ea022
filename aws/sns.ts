// SNS publish for a page: one message per protocol (MessageStructure json), its subject and attributes,
// and its idempotency key as the `pageId` attribute (a receiver that sees it twice can drop the second).
import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PageLogRecord } from '#shared/pages';
import type { Retrier } from './retry.ts';

const once: Retrier = (_action, fn) => fn();

/** The message attribute that carries a page's id: the same for every attempt to deliver that page. */
export const PAGE_ID_ATTRIBUTE = 'pageId';

/** Publishes a page record to a topic; returns SNS's MessageId when it gives one. */
export async function publishPage(
  sns: SNSClient,
  topicArn: string,
  record: Pick<PageLogRecord, 'id' | 'subject' | 'messages' | 'attributes'>,
  retry: Retrier = once,
): Promise<string | undefined> {
  const out = await retry('sns:Publish', () =>
    sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: record.subject,
        Message: JSON.stringify(record.messages),
        MessageStructure: 'json',
        MessageAttributes: messageAttributes({ ...record.attributes, [PAGE_ID_ATTRIBUTE]: record.id }),
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
