// The home Region's alarms on page delivery itself: the notify function's Errors (a page that went out
// through another route, or nowhere), its failure queue (invocations Lambda gave up on) and the HTTPS
// subscriptions' dead-letter queue (pages SNS could not deliver to a webhook). They act on their own topic,
// `<name>-delivery-alerts`, which CloudWatch publishes to directly: a broken notify function or route
// topic cannot swallow the alarm about itself.
import { Annotations, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isSnsChannelType, type MonitorConfig } from '#shared/config';
import { encryptedTopic, subscribeChannels } from './topics.ts';

export interface DeliveryAlarmsProps {
  readonly config: MonitorConfig;
  readonly notifyFunction: IFunction;
  /** The notify function's on-failure destination (and its tick schedule's DLQ). */
  readonly notifyFailures: IQueue;
  /** The HTTPS page subscriptions' dead-letter queue. */
  readonly pageDeliveryDlq: IQueue;
  /** A key CloudWatch may use (the home topics' key). */
  readonly key: Key;
}

/** Alarm names, stable so that runbooks and the README can name them. */
export const deliveryAlarmNames = (config: { readonly name: string }) => ({
  notifyErrors: `${config.name}-notify-errors`,
  notifyFailures: `${config.name}-notify-failures`,
  pageDeliveryDlq: `${config.name}-page-delivery-dlq`,
});

export class DeliveryAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: readonly Alarm[];
  private readonly configName: string;

  constructor(scope: Construct, id: string, props: DeliveryAlarmsProps) {
    super(scope, id);
    const { config } = props;
    this.configName = config.name;
    const names = deliveryAlarmNames(config);
    this.topic = encryptedTopic(this, 'Topic', {
      topicName: `${config.name}-delivery-alerts`,
      displayName: `depmon ${config.name} delivery alerts`,
      key: props.key,
      fromAlarms: true,
    });
    // The people who own the monitor: every channel of a route that takes monitor-blind pages.
    const channelIds = new Set(
      config.routes.filter((r) => r.kinds.includes('monitor-blind')).flatMap((r) => r.channels),
    );
    // CloudWatch publishes to this topic itself (never through notify): only SNS channels can receive it.
    const channels = config.channels.filter((c) => channelIds.has(c.id) && isSnsChannelType(c.type));
    subscribeChannels(this.topic, channels, () => props.pageDeliveryDlq);
    if (channels.length === 0) {
      Annotations.of(this).addWarningV2(
        'depmon:no-delivery-alert-channel',
        `page delivery failures alarm into ${config.name}-delivery-alerts, which no channel receives: ` +
          'add an email, SMS or HTTPS channel to a route with kind "monitor-blind".',
      );
    }
    const minute = { period: Duration.minutes(1) };
    this.alarms = [
      this.alarm(
        'NotifyErrors',
        names.notifyErrors,
        props.notifyFunction.metricErrors(minute),
        'the notify function failed: a page went out through another route, or not at all (it waits in the outbox)',
      ),
      this.alarm(
        'NotifyFailures',
        names.notifyFailures,
        props.notifyFailures.metricApproximateNumberOfMessagesVisible(minute),
        "alarm events or ticks the notify function could not handle after Lambda's retries are in the failure queue",
      ),
      this.alarm(
        'PageDeliveryDlq',
        names.pageDeliveryDlq,
        props.pageDeliveryDlq.metricApproximateNumberOfMessagesVisible(minute),
        'SNS could not deliver pages to an HTTPS channel after its retries',
      ),
    ];
  }

  private alarm(id: string, alarmName: string, metric: IMetric, what: string): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName,
      alarmDescription: `depmon ${this.configName}: ${what}`,
      metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    return alarm;
  }
}
