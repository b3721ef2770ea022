// SNS topics that CloudWatch alarms publish to: encrypted with a customer-managed key CloudWatch may use
// (alarm actions fail against the AWS-managed alias/aws/sns key), SSL-only, publishable by this account's alarms.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic, type TopicProps } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Channel } from '#shared/config';

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/** A rotating, retained key whose policy lets this account's CloudWatch alarms encrypt messages with it. */
export function alarmTopicKey(scope: Construct, id: string, description: string): Key {
  const key = new Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new ServicePrincipal(CLOUDWATCH)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return key;
}

/** An SSL-only topic encrypted with `key`; with `fromAlarms`, this account's CloudWatch alarms may publish to it. */
export function encryptedTopic(
  scope: Construct,
  id: string,
  props: Omit<TopicProps, 'masterKey' | 'enforceSSL'> & { key: Key; fromAlarms?: boolean },
): Topic {
  const { key, fromAlarms = false, ...rest } = props;
  const topic = new Topic(scope, id, { ...rest, masterKey: key, enforceSSL: true });
  if (fromAlarms) {
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal(CLOUDWATCH)],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
  }
  return topic;
}

/**
 * Subscribes each SNS channel to `topic`: email, SMS, or HTTPS with a dead-letter queue (SNS drops an HTTPS
 * delivery after its retries otherwise). `httpsDlq` is called only when there is an HTTPS channel. Vendor
 * channels (PagerDuty, Opsgenie, Slack, Incident Manager) are not subscribed: notify delivers to them itself.
 * These subscriptions are the only place a channel's address (email, phone number, URL) is deployed.
 */
export function subscribeChannels(topic: Topic, channels: readonly Channel[], httpsDlq: () => IQueue): void {
  for (const ch of channels) {
    if (ch.type === 'email') topic.addSubscription(new EmailSubscription(ch.address));
    else if (ch.type === 'sms') topic.addSubscription(new SmsSubscription(ch.address));
    else if (ch.type === 'https')
      topic.addSubscription(new UrlSubscription(ch.address, { deadLetterQueue: httpsDlq() }));
  }
}
