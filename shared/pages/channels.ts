// What each channel receives for a page: SNS channels the route topic's protocol text, vendor channels the
// request their API documents (PagerDuty Events API v2, Opsgenie Alert API v2, Slack incoming webhooks with
// Block Kit, Incident Manager StartIncident/UpdateIncidentRecord). Pure: the simulator shows these with the
// credentials as their references, and the notify function sends the same requests with the values.
//
// One vendor incident per depmon incident: every request of a page carries a key made from the alarm and
// the incident's start (`since`), never the page id, so the resolve closes what the trigger opened and a
// retried trigger lands on the same vendor incident.
import { createHash } from 'node:crypto';
import {
  type Channel,
  CREDENTIAL_FIELD,
  type MonitorConfig,
  VENDOR_ENDPOINTS,
  type VendorChannelType,
} from '#shared/config';
import type { PageLogRecord, Severity } from './log.ts';

/** The part of the config the payloads read (the notify function has no channel addresses). */
export type ChannelConfig = Pick<MonitorConfig, 'name' | 'homeRegion' | 'coreName' | 'timeZone'>;

/** A channel the notify function delivers to itself, as its config names it. */
export type VendorChannel = Extract<Channel, { readonly type: VendorChannelType }>;

/** The page record fields a channel payload is built from. */
export type ChannelPage = Pick<
  PageLogRecord,
  | 'alarmName'
  | 'alarmTime'
  | 'since'
  | 'kind'
  | 'resolved'
  | 'severity'
  | 'subject'
  | 'messages'
  | 'at'
  | 'id'
>;

/** One HTTP request to a vendor: what `simulate --json` shows (credentials as references) and notify sends. */
export interface VendorRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** What one channel receives for one page. */
export interface ChannelDelivery {
  readonly channel: string;
  readonly type: Channel['type'];
  /** Vendor channels: where the request goes (the credential as its reference when it is in the URL). */
  readonly endpoint?: string;
  /** Vendor channels: headers that carry a credential, as its reference. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

/** PagerDuty's dedup_key holds at most 255 characters (Events API v2, "dedup_key"). */
const PAGERDUTY_DEDUP_MAX = 255;
/** Opsgenie's alias holds at most 512 characters; its message at most 130 (Alert API, "Create Alert"). */
const OPSGENIE_ALIAS_MAX = 512;
const OPSGENIE_MESSAGE_MAX = 130;
/** Opsgenie's description holds at most 15,000 characters. */
const OPSGENIE_DESCRIPTION_MAX = 15_000;
/** PagerDuty's payload.summary holds at most 1,024 characters. */
const PAGERDUTY_SUMMARY_MAX = 1024;
/** Slack: a header block's text at most 150 characters, a section's text or field at most 3,000 / 2,000. */
const SLACK_HEADER_MAX = 150;
const SLACK_FIELD_MAX = 2000;
const SLACK_SECTION_MAX = 3000;
/** Incident Manager: clientToken at most 128 characters, title at most 200, rawData at most 10,000. */
const INCIDENT_TITLE_MAX = 200;
const INCIDENT_RAW_DATA_MAX = 10_000;

/**
 * The vendor-side identity of the depmon incident a page belongs to: the alarm and when the incident began.
 * The trigger, any flapping notice and the resolve of one incident share it; the next incident of the same
 * alarm (another `since`) gets its own.
 */
export function incidentKey(page: Pick<ChannelPage, 'alarmName' | 'since' | 'alarmTime'>): string {
  return `depmon/${page.alarmName}/${page.since ?? page.alarmTime}`;
}

/** The key cut to a vendor's limit: too long, it becomes a prefix and a hash of the whole (still stable). */
export function boundedKey(key: string, max: number): string {
  if (key.length <= max) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${key.slice(0, max - hash.length - 1)}~${hash}`;
}

/** The CloudWatch console link of the overview dashboard (named as infra/dashboard.ts `dashboardName` names it). */
export function dashboardUrl(config: Pick<ChannelConfig, 'name' | 'homeRegion'>): string {
  const r = config.homeRegion;
  return `https://${r}.console.aws.amazon.com/cloudwatch/home?region=${r}#dashboards/dashboard/depmon-${config.name}`;
}

/** The credential reference a vendor channel's config holds (Incident Manager needs none: the role signs). */
export function credentialRef(ch: VendorChannel): string | undefined {
  if (ch.type === 'incident-manager') return undefined;
  return (ch as unknown as Record<string, string>)[CREDENTIAL_FIELD[ch.type]];
}

/** The facts of a page, from its HTTPS body: the same fields every vendor gets, by its own names. */
export interface PageFacts {
  readonly monitor: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly resolved: boolean;
  readonly group: string | null;
  readonly alarm: string;
  readonly since: string;
  readonly coreHealth: string;
  readonly failing: readonly {
    readonly id: string;
    readonly name: string;
    readonly tier: string;
    readonly regions: readonly string[] | null;
    readonly regionCount: number | null;
  }[];
  readonly features: readonly string[];
  readonly fallback: readonly string[];
  readonly runbook: readonly string[];
  readonly owner: readonly string[];
  readonly dashboard: string;
}

interface HttpsDependency {
  id: string;
  name: string;
  tier: string;
  failingRegions: string[] | null;
  failingRegionCount: number | null;
  features: string[];
  fallback: string;
  runbook: string;
  owner: string;
}

/** Reads the page's facts back from the HTTPS body the paging core wrote (one source for every channel). */
export function pageFacts(config: ChannelConfig, page: ChannelPage): PageFacts {
  const body = JSON.parse(page.messages.https) as {
    group: string | null;
    coreHealthy: boolean | null;
    dependencies: HttpsDependency[];
  };
  const deps = body.dependencies ?? [];
  const uniq = (xs: string[]) => [...new Set(xs.filter((x) => x !== ''))];
  return {
    monitor: config.name,
    kind: page.kind,
    severity: page.severity,
    resolved: page.resolved,
    group: body.group,
    alarm: page.alarmName,
    since: page.since ?? page.alarmTime,
    coreHealth: coreHealth(config, page, body.coreHealthy),
    failing: deps.map((d) => ({
      id: d.id,
      name: d.name,
      tier: d.tier,
      regions: d.failingRegions,
      regionCount: d.failingRegionCount,
    })),
    features: uniq(deps.flatMap((d) => d.features)),
    fallback: uniq(deps.map((d) => (d.fallback ? `${d.id}: ${d.fallback}` : ''))),
    runbook: uniq(deps.map((d) => d.runbook)),
    owner: uniq(deps.map((d) => d.owner)),
    dashboard: dashboardUrl(config),
  };
}

function coreHealth(config: ChannelConfig, page: ChannelPage, healthy: boolean | null): string {
  if (page.kind === 'core-outage')
    return page.resolved ? `${config.coreName} recovered` : `${config.coreName} down`;
  if (healthy === true) return `${config.coreName} healthy`;
  if (healthy === false) return `${config.coreName} not confirmed healthy`;
  return 'not checked for this kind';
}

/** "kakao-api (2 of 3 regions: ap-northeast-1, ap-northeast-2)". */
function failingLine(f: PageFacts['failing'][number]): string {
  if (f.regions && f.regions.length > 0) return `${f.id} (${f.regions.join(', ')})`;
  if (f.regionCount !== null) return `${f.id} (${f.regionCount} regions)`;
  return f.id;
}

/** Facts as flat string fields (Opsgenie details; PagerDuty custom_details reads them the same). */
export function factFields(facts: PageFacts): Record<string, string> {
  const out: Record<string, string> = {
    monitor: facts.monitor,
    kind: facts.kind,
    severity: facts.severity,
    state: facts.resolved ? 'resolved' : 'open',
    group: facts.group ?? '',
    failing: facts.failing.map(failingLine).join('; '),
    core: facts.coreHealth,
    features: facts.features.join('; '),
    fallback: facts.fallback.join('; '),
    runbook: facts.runbook.join(' '),
    owner: facts.owner.join(', '),
    since: facts.since,
    alarm: facts.alarm,
    dashboard: facts.dashboard,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== ''));
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const PAGERDUTY_SEVERITY: Readonly<Record<Severity, string>> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  NOTICE: 'info',
};
const OPSGENIE_PRIORITY: Readonly<Record<Severity, string>> = {
  SEV1: 'P1',
  SEV2: 'P2',
  SEV3: 'P3',
  NOTICE: 'P4',
};
const INCIDENT_IMPACT: Readonly<Record<Severity, number>> = { SEV1: 1, SEV2: 2, SEV3: 3, NOTICE: 4 };

/** Runbook entries that are links: PagerDuty shows them as links, Slack as buttons. */
const links = (facts: PageFacts) => facts.runbook.filter((r) => /^https?:\/\//.test(r));

/** Events API v2: a trigger with the facts, or a resolve with just the routing key and the dedup key. */
export function pagerDutyRequest(
  config: ChannelConfig,
  ch: Extract<VendorChannel, { type: 'pagerduty' }>,
  page: ChannelPage,
  routingKey: string,
): VendorRequest {
  const url = `${VENDOR_ENDPOINTS.pagerduty[ch.region]}/v2/enqueue`;
  const dedup_key = boundedKey(incidentKey(page), PAGERDUTY_DEDUP_MAX);
  const headers = { 'content-type': 'application/json' };
  if (page.resolved)
    return {
      method: 'POST',
      url,
      headers,
      body: { routing_key: routingKey, event_action: 'resolve', dedup_key },
    };
  const facts = pageFacts(config, page);
  const body = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: cut(page.subject, PAGERDUTY_SUMMARY_MAX),
      source: `depmon ${config.name} (${config.homeRegion})`,
      severity: PAGERDUTY_SEVERITY[page.severity],
      timestamp: page.at,
      component: facts.failing.map((f) => f.id).join(', ') || undefined,
      group: facts.group ?? undefined,
      class: page.kind,
      custom_details: { ...factFields(facts), failing: facts.failing },
    },
    client: `depmon ${config.name}`,
    client_url: facts.dashboard,
    links: [
      { href: facts.dashboard, text: 'depmon dashboard' },
      ...links(facts).map((href) => ({ href, text: 'Runbook' })),
    ],
  };
  return { method: 'POST', url, headers, body };
}

/** Alert API v2: create with the alias, or close by alias (`identifierType=alias`). */
export function opsgenieRequest(
  config: ChannelConfig,
  ch: Extract<VendorChannel, { type: 'opsgenie' }>,
  page: ChannelPage,
  apiKey: string,
): VendorRequest {
  const base = `${VENDOR_ENDPOINTS.opsgenie[ch.region]}/v2/alerts`;
  const alias = boundedKey(incidentKey(page), OPSGENIE_ALIAS_MAX);
  const headers = { 'content-type': 'application/json', authorization: `GenieKey ${apiKey}` };
  if (page.resolved) {
    const url = `${base}/${encodeURIComponent(alias)}/close?identifierType=alias`;
    return { method: 'POST', url, headers, body: { source: 'depmon', note: page.subject } };
  }
  const facts = pageFacts(config, page);
  const body = {
    message: cut(page.subject, OPSGENIE_MESSAGE_MAX),
    alias,
    description: cut(page.messages.email, OPSGENIE_DESCRIPTION_MAX),
    priority: OPSGENIE_PRIORITY[page.severity],
    source: `depmon ${config.name}`,
    entity: facts.group ?? facts.failing.map((f) => f.id).join(', '),
    tags: ['depmon', page.kind, page.severity, ...(facts.group ? [facts.group] : [])],
    details: factFields(facts),
  };
  return { method: 'POST', url: base, headers, body };
}

/** Slack's mrkdwn: `&`, `<` and `>` are markup (`<!channel>` would notify everyone), so they are escaped. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Incoming webhook: Block Kit blocks, and `text` as the fallback notifications show. */
export function slackRequest(config: ChannelConfig, page: ChannelPage, webhookUrl: string): VendorRequest {
  const facts = pageFacts(config, page);
  const field = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: cut(`*${label}*\n${slackEscape(value)}`, SLACK_FIELD_MAX),
  });
  const list = (label: string, items: readonly string[]) =>
    items.length === 0
      ? []
      : [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: cut(
                `*${label}*\n${items.map((i) => `• ${slackEscape(i)}`).join('\n')}`,
                SLACK_SECTION_MAX,
              ),
            },
          },
        ];
  const fields = [
    field('Kind', `${page.kind}${page.resolved ? ' (resolved)' : ''}`),
    field('Severity', page.severity),
    field('Core', facts.coreHealth),
    field('Since', facts.since),
    ...(facts.group ? [field('Group', facts.group)] : []),
    ...(facts.owner.length > 0 ? [field('Owner', facts.owner.join(', '))] : []),
  ];
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: cut(page.subject, SLACK_HEADER_MAX) } },
    { type: 'section', fields },
    ...list(page.resolved ? 'Was failing' : 'Failing', facts.failing.map(failingLine)),
    ...(page.resolved ? [] : list('Features affected', facts.features)),
    ...list(page.resolved ? 'Switch back' : 'Fallback', facts.fallback),
    ...list('Runbook', facts.runbook),
    {
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Dashboard' }, url: facts.dashboard },
        ...links(facts)
          .slice(0, 4)
          .map((url, i) => ({ type: 'button', text: { type: 'plain_text', text: `Runbook ${i + 1}` }, url })),
      ],
    },
  ];
  return {
    method: 'POST',
    url: webhookUrl,
    headers: { 'content-type': 'application/json' },
    body: { text: page.subject, blocks },
  };
}

/** The Incident Manager call of a page: StartIncident for a trigger, UpdateIncidentRecord to resolve. */
export interface IncidentManagerCall {
  readonly operation: 'StartIncident' | 'UpdateIncidentRecord';
  readonly input: Record<string, unknown>;
}

/** Idempotency token of the incident's StartIncident: a hash of the incident key, within the 128-character limit. */
export function incidentClientToken(page: Pick<ChannelPage, 'alarmName' | 'since' | 'alarmTime'>): string {
  return createHash('sha256').update(incidentKey(page)).digest('hex');
}

/**
 * StartIncident with the response plan (impact from the severity, the facts as rawData, the dashboard as a
 * related item); the resolve updates the record StartIncident returned (`incidentRecordArn`, kept by notify).
 */
export function incidentManagerCall(
  config: ChannelConfig,
  ch: Extract<VendorChannel, { type: 'incident-manager' }>,
  page: ChannelPage,
  incidentRecordArn = '(the incidentRecordArn StartIncident returned for this incident)',
): IncidentManagerCall {
  const clientToken = incidentClientToken(page);
  if (page.resolved)
    return { operation: 'UpdateIncidentRecord', input: { arn: incidentRecordArn, status: 'RESOLVED' } };
  const facts = pageFacts(config, page);
  return {
    operation: 'StartIncident',
    input: {
      responsePlanArn: ch.responsePlanArn,
      clientToken,
      title: cut(page.subject, INCIDENT_TITLE_MAX),
      impact: INCIDENT_IMPACT[page.severity],
      triggerDetails: {
        source: 'depmon',
        timestamp: Math.floor(Date.parse(facts.since) / 1000),
        rawData: cut(JSON.stringify(factFields(facts)), INCIDENT_RAW_DATA_MAX),
      },
      relatedItems: [
        { identifier: { type: 'OTHER', value: { url: facts.dashboard } }, title: 'depmon dashboard' },
      ],
    },
  };
}

/** The request a vendor channel gets for a page, with `credential` (a reference, or in notify its value). */
export function vendorRequest(
  config: ChannelConfig,
  ch: Exclude<VendorChannel, { type: 'incident-manager' }>,
  page: ChannelPage,
  credential: string,
): VendorRequest {
  if (ch.type === 'pagerduty') return pagerDutyRequest(config, ch, page, credential);
  if (ch.type === 'opsgenie') return opsgenieRequest(config, ch, page, credential);
  return slackRequest(config, page, credential);
}

/** Headers shown in a rehearsal: only those that carry the credential (as its reference). */
const credentialHeaders = (headers: Readonly<Record<string, string>>) =>
  headers.authorization ? { authorization: headers.authorization } : undefined;

/** What one channel receives for a page; vendor credentials appear as their references. */
export function channelDelivery(config: ChannelConfig, ch: Channel, page: ChannelPage): ChannelDelivery {
  if (ch.type === 'email')
    return { channel: ch.id, type: ch.type, payload: { subject: page.subject, body: page.messages.email } };
  if (ch.type === 'sms') return { channel: ch.id, type: ch.type, payload: page.messages.sms };
  if (ch.type === 'https') return { channel: ch.id, type: ch.type, payload: JSON.parse(page.messages.https) };
  if (ch.type === 'incident-manager') {
    const call = incidentManagerCall(config, ch, page);
    return {
      channel: ch.id,
      type: ch.type,
      endpoint: `ssm-incidents ${call.operation}`,
      payload: call.input,
    };
  }
  const req = vendorRequest(config, ch, page, credentialRef(ch) ?? '');
  const headers = credentialHeaders(req.headers);
  return {
    channel: ch.id,
    type: ch.type,
    endpoint: `${req.method} ${req.url}`,
    ...(headers ? { headers } : {}),
    payload: req.body,
  };
}
