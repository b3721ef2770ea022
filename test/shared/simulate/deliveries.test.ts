// A rehearsal shows what each channel receives: every sent page carries one delivery per channel of its routes,
// with the exact body (vendor credentials as their references), in `--json` and in the HTML report.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config';
import { parseScenario, renderReport, runScenario, simulationJson } from '#shared/simulate';
import { synthHomeStack } from '../../helpers/home-stack.ts';

const PD_REF = '${secretsmanager:depmon/pagerduty#routingKey}';
const SLACK_REF = '${ssm:/depmon/slack-webhook}';
const OG_REF = '${ssm:/depmon/opsgenie}';

const config = parseConfig(
  {
    name: 'mini',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    coreName: 'core banking',
    dependencies: [
      {
        id: 'core',
        name: 'Core',
        tier: 'first-party',
        critical: true,
        http: { url: 'http://core.mini.example/h' },
      },
      {
        id: 'partner',
        name: 'Partner',
        tier: 'third-party',
        features: ['payments'],
        fallback: 'switch to the backup acquirer',
        runbook: 'https://runbooks.mini.example/partner',
        owner: 'payments-team',
        http: { url: 'https://api.partner.example/ping' },
      },
    ],
    channels: [
      { id: 'ops', type: 'email', address: 'ops@mini.example' },
      { id: 'pd', type: 'pagerduty', routingKey: PD_REF },
      { id: 'og', type: 'opsgenie', apiKey: OG_REF },
      { id: 'slack', type: 'slack', webhookUrl: SLACK_REF },
      {
        id: 'im',
        type: 'incident-manager',
        responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/partners',
      },
    ],
    routes: [
      { id: 'core', kinds: ['core-outage', 'monitor-blind'], channels: ['ops', 'pd'] },
      { id: 'partners', kinds: ['external-outage', 'degraded'], channels: ['slack', 'pd', 'og', 'im'] },
    ],
  },
  'mini.json',
);

describe('simulate deliveries', () => {
  it('carries one delivery per channel, the trigger and its resolve sharing the vendor key', async () => {
    // Prepare
    const scenario = parseScenario(
      {
        durationMinutes: 14,
        events: [
          { at: '2m', dependency: 'partner', state: 'down' },
          { at: '6m', dependency: 'partner', state: 'up' },
        ],
      },
      'mini.yaml',
      '/tmp',
    );
    const { template, plan } = synthHomeStack(config);
    // Act
    const r = await runScenario({ scenario, config, template, plan });
    const json = simulationJson(r) as {
      pages: {
        resolved: boolean;
        deliveries: { channel: string; type: string; endpoint?: string; payload: Record<string, unknown> }[];
      }[];
    };
    // Assess
    const [page, resolved] = json.pages;
    expect(json.pages.map((p) => p.resolved)).toEqual([false, true]);
    expect(page!.deliveries.map((d) => [d.channel, d.type])).toEqual([
      ['slack', 'slack'],
      ['pd', 'pagerduty'],
      ['og', 'opsgenie'],
      ['im', 'incident-manager'],
    ]);
    const pd = page!.deliveries[1]!;
    expect(pd.endpoint).toBe('POST https://events.pagerduty.com/v2/enqueue');
    expect(pd.payload).toMatchObject({
      routing_key: PD_REF,
      event_action: 'trigger',
      payload: { severity: 'error', source: 'depmon mini (ap-northeast-2)', class: 'external-outage' },
    });
    expect((pd.payload.payload as { custom_details: Record<string, string> }).custom_details).toMatchObject({
      core: 'core banking healthy',
      features: 'payments',
      fallback: 'partner: switch to the backup acquirer',
      runbook: 'https://runbooks.mini.example/partner',
      owner: 'payments-team',
    });
    const pdResolve = resolved!.deliveries.find((d) => d.channel === 'pd')!;
    expect(pdResolve.payload).toEqual({
      routing_key: PD_REF,
      event_action: 'resolve',
      dedup_key: pd.payload.dedup_key,
    });
    expect(page!.deliveries[0]!.endpoint).toBe(`POST ${SLACK_REF}`);
    const og = resolved!.deliveries.find((d) => d.channel === 'og')!;
    expect(og.endpoint).toMatch(
      /^POST https:\/\/api\.opsgenie\.com\/v2\/alerts\/.+\/close\?identifierType=alias$/,
    );
    expect(resolved!.deliveries.find((d) => d.channel === 'im')!.payload).toMatchObject({
      status: 'RESOLVED',
    });
    // The HTML report shows each channel's body, the credentials as their references.
    const html = renderReport(r);
    expect(html).toContain('pagerduty → pd');
    expect(html).toContain('slack → slack');
    expect(html).toContain(
      '&quot;routing_key&quot;: &quot;${secretsmanager:depmon/pagerduty#routingKey}&quot;',
    );
  });
});
