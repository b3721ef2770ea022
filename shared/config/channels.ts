// The channel types and what depmon knows about each vendor: where its API lives, which config field holds
// the credential (always a secret reference), and which types need no third party. Plain data and small
// functions without zod, so the notify bundle can read them.

/** Channels SNS delivers: subscriptions of the route's topic. */
export const SNS_CHANNEL_TYPES = ['email', 'sms', 'https'] as const;
/** Channels the notify function delivers itself, over the vendor's own API. */
export const VENDOR_CHANNEL_TYPES = ['pagerduty', 'opsgenie', 'slack', 'incident-manager'] as const;
export const CHANNEL_TYPES = [...SNS_CHANNEL_TYPES, ...VENDOR_CHANNEL_TYPES] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export type SnsChannelType = (typeof SNS_CHANNEL_TYPES)[number];
export type VendorChannelType = (typeof VENDOR_CHANNEL_TYPES)[number];

/**
 * Channel types whose delivery rests on one third-party company (its API, its app, its status). SNS email and
 * SMS, an HTTPS webhook of the user's own and AWS Incident Manager do not; a SEV1 route needs one of those.
 */
export const SINGLE_VENDOR_TYPES: readonly ChannelType[] = ['pagerduty', 'opsgenie', 'slack'];

export const isSnsChannelType = (t: string): t is SnsChannelType =>
  (SNS_CHANNEL_TYPES as readonly string[]).includes(t);
export const isVendorChannelType = (t: string): t is VendorChannelType =>
  (VENDOR_CHANNEL_TYPES as readonly string[]).includes(t);

export type VendorRegion = 'us' | 'eu';

/**
 * The vendors' API endpoints (PagerDuty Events API v2 "Send an Alert Event"; Opsgenie Alert API, whose EU
 * accounts use api.eu.opsgenie.com). Slack's endpoint is the webhook URL itself, a secret.
 */
export const VENDOR_ENDPOINTS = {
  pagerduty: { us: 'https://events.pagerduty.com', eu: 'https://events.eu.pagerduty.com' },
  opsgenie: { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' },
} as const;

/** Slack's incoming webhooks all live on this host (Slack API, "Sending messages using incoming webhooks"). */
export const SLACK_WEBHOOK_HOST = 'hooks.slack.com';

/** The host a channel's deliveries travel to, for channel independence; undefined when it is AWS itself. */
export function vendorHost(ch: {
  readonly type: string;
  readonly region?: VendorRegion;
}): string | undefined {
  const region = ch.region ?? 'us';
  if (ch.type === 'pagerduty') return new URL(VENDOR_ENDPOINTS.pagerduty[region]).hostname;
  if (ch.type === 'opsgenie') return new URL(VENDOR_ENDPOINTS.opsgenie[region]).hostname;
  if (ch.type === 'slack') return SLACK_WEBHOOK_HOST;
  return undefined;
}

/** The config field of each vendor channel that holds its credential as a secret reference. */
export const CREDENTIAL_FIELD = {
  pagerduty: 'routingKey',
  opsgenie: 'apiKey',
  slack: 'webhookUrl',
} as const;

/** A whole value that is one `${secretsmanager:…}` or `${ssm:…}` reference and nothing else. */
export const WHOLE_SECRET_REF_RE = /^\$\{(secretsmanager|ssm):[^}#\s]+(?:#[^}]+)?\}$/;
