// depmon's dead-letter queues: SQS-managed encryption, SSL only, messages kept 14 days (SQS's longest
// retention), and cdk-nag's SQS3 (a queue without a dead-letter queue of its own) acknowledged on each, since
// each is itself where failures end up.
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** A dead-letter queue for `of` (what fails into it, e.g. "the HTTPS page subscriptions"). */
export function deadLetterQueue(scope: Construct, id: string, of: string, queueName?: string): Queue {
  const queue = new Queue(scope, id, {
    ...(queueName ? { queueName } : {}),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${of}.`,
  });
  return queue;
}
