// The dashboard speaks the config's words for core (coreName), not a bank's.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config';
import { synthHomeStack } from '../helpers/home-stack.ts';

const config = (extra: Record<string, unknown> = {}) =>
  parseConfig({
    name: 'shop',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2'],
    channels: [{ id: 'oncall', type: 'email', address: 'oncall@shop.example' }],
    dependencies: [
      {
        id: 'orders',
        name: 'Orders',
        tier: 'first-party',
        critical: true,
        tcp: { host: 'o.example', port: 1 },
      },
      { id: 'psp', name: 'Payments', tier: 'third-party', tcp: { host: 'psp.example', port: 1 } },
    ],
    ...extra,
  });

function dashboardBody(extra?: Record<string, unknown>): string {
  const { template } = synthHomeStack(config(extra));
  const resources = (template as { Resources: Record<string, { Type: string; Properties: unknown }> })
    .Resources;
  const dashboard = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
  return JSON.stringify(dashboard.Properties);
}

describe('dashboard wording', () => {
  it('names core neutrally by default and as the config says otherwise', () => {
    const neutral = dashboardBody();
    const own = dashboardBody({ coreName: 'order platform' });
    expect(neutral).toContain('First party (core platform)');
    expect(neutral).toContain('our core platform (SEV1)');
    expect(neutral).not.toContain('banking');
    expect(own).toContain('First party (order platform)');
    expect(own).toContain('our order platform (SEV1)');
  }, 120_000);
});
