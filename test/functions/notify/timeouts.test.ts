// notify's AWS calls against a loopback stand-in whose SNS accepts connections and never answers: the
// request timeouts the function's clients are built with end each call, so the invocation fails (and is
// retried, and alarms) instead of hanging until Lambda kills it.
import { afterEach, describe, expect, it } from 'vitest';
import { notify, notifyClients } from '#functions/notify';
import { compositeAlarmMessage } from '../../shared/pages/alarm-messages.ts';
import { bank, bankPlan } from '../../shared/pages/bank.ts';
import { type FakeAws, startFakeAws } from './fake-aws.ts';

let aws: FakeAws | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

const TOPICS = {
  'core-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-core-oncall',
  'integrations-oncall': 'arn:aws:sns:ap-northeast-2:123456789012:bank-integrations-oncall',
  'monitor-owners': 'arn:aws:sns:ap-northeast-2:123456789012:bank-monitor-owners',
};

describe('notify request timeouts', () => {
  it('gives up on a hung SNS endpoint, keeps the page in the outbox and fails the invocation', async () => {
    // Prepare
    aws = await startFakeAws(
      { 'bank-down-kakao-login': 'ALARM', 'bank-core-outage': 'OK' },
      { hangSns: true },
    );
    const config = bank();
    const plan = bankPlan(config);
    const rule = plan.alarms.find((a) => a.name === 'bank-external-outage-kakao');
    const message = compositeAlarmMessage(
      'bank-external-outage-kakao',
      rule?.type === 'composite' ? rule.rule : '',
      'bank-down-kakao-login',
      'ALARM',
      '2026-11-26T05:05:13.145+0000',
    );
    const clients = notifyClients({
      region: 'ap-northeast-2',
      endpoint: aws.endpoint,
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
      requestTimeoutMs: 300,
    });
    // Act
    const run = notify({ Records: [{ Sns: { Message: JSON.stringify(message) } }] } as never, {
      config,
      plan,
      ...clients,
      stateTable: 'bank-page-state',
      pageLogTable: 'bank-page-log',
      topics: TOPICS,
      now: () => new Date('2026-11-26T05:05:20Z'),
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    // Assess: the page's route and its fallback both timed out; the page waits in the outbox
    await expect(run).rejects.toThrow(
      /route "integrations-oncall": TimeoutError.*fallback route "monitor-owners": TimeoutError/,
    );
    expect(aws.calls.filter((c) => c === 'sns.Publish')).toHaveLength(2);
    const outbox = [...(aws.tables.get('bank-page-state')?.values() ?? [])].filter((i) =>
      String((i as { key?: { S?: string } }).key?.S).startsWith('outbox#'),
    );
    expect(outbox.map((i) => (i as { status?: { S?: string } }).status?.S)).toEqual(['pending']);
  });
});
