// What infra hands each function and what the function reads back: the embed, and the environment written
// by one side and parsed by the other.
import { describe, expect, it } from 'vitest';
import {
  notifyEnvironment,
  planShards,
  probeEmbed,
  probeEnvironment,
  readNotifySettings,
  readProbeSettings,
} from '#shared/runtime';
import { config } from '../../helpers/configs.ts';

describe('probeEmbed', () => {
  it("embeds secret references, never values, and only the shard's dependencies", () => {
    // Act
    const c = config();
    const embed = probeEmbed(c, planShards(c, 50)[1]!);
    // Assess
    expect(embed.dependencies.map((d) => d.id)).toEqual(['partner']);
    expect(embed.dependencies[0]!.check).toMatchObject({
      kind: 'http',
      headers: { 'X-Api-Key': '${ssm:/depmon/partner-key}' },
    });
    expect(embed).toMatchObject({ concurrency: 32, egress: { url: 'https://sts.{region}.amazonaws.com/' } });
  });
});

describe('the probe function environment', () => {
  it('reads back what the probe stack sets, plus the Region Lambda sets', () => {
    // Prepare
    const c = config({ intervalSeconds: 15 });
    const env = { ...probeEnvironment(c, { tier: 'third-party', shard: 2 }), AWS_REGION: 'ap-northeast-3' };
    // Act
    const settings = readProbeSettings(env);
    // Assess
    expect(settings).toEqual({
      tier: 'third-party',
      shard: 2,
      probeRegion: 'ap-northeast-3',
      homeRegion: 'ap-northeast-2',
      namespace: 'Depmon/Acme',
      intervalSeconds: 15,
      drillParameter: `/depmon/${c.name}/drills`,
    });
  });

  it('names the variable that is missing or malformed', () => {
    // Prepare
    const env = { ...probeEnvironment(config(), { tier: 'first-party', shard: 0 }), AWS_REGION: 'us-east-1' };
    // Act
    const missing = () => readProbeSettings({ ...env, DEPMON_NAMESPACE: '' });
    const badTier = () => readProbeSettings({ ...env, DEPMON_TIER: 'fourth-party' });
    // Assess
    expect(missing).toThrow('probe function: environment variable DEPMON_NAMESPACE is not set');
    expect(badTier).toThrow(
      'probe function: DEPMON_TIER must be "first-party" or "third-party" (got "fourth-party")',
    );
  });
});

describe('the notify function environment', () => {
  it('reads back what the home stack sets', () => {
    // Prepare
    const env = notifyEnvironment({
      routeTopicsJson: JSON.stringify({ core: 'arn:aws:sns:ap-northeast-2:111122223333:acme-core' }),
      stateTable: 'acme-page-state',
      pageLogTable: 'acme-page-log',
    });
    // Act
    const settings = readNotifySettings(env);
    // Assess
    expect(settings).toEqual({
      topics: { core: 'arn:aws:sns:ap-northeast-2:111122223333:acme-core' },
      stateTable: 'acme-page-state',
      pageLogTable: 'acme-page-log',
    });
  });

  it('refuses route topics that are not a JSON object, and names a missing table', () => {
    // Prepare
    const env = notifyEnvironment({ routeTopicsJson: '[]', stateTable: 's', pageLogTable: 'p' });
    // Act
    const notObject = () => readNotifySettings(env);
    const missing = () =>
      readNotifySettings({ ...env, DEPMON_ROUTE_TOPICS: '{}', DEPMON_STATE_TABLE: undefined });
    // Assess
    expect(notObject).toThrow(
      'notify function: DEPMON_ROUTE_TOPICS must be a JSON object of route id → topic ARN',
    );
    expect(missing).toThrow('notify function: environment variable DEPMON_STATE_TABLE is not set');
  });
});
