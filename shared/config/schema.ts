// The monitor config schema: the single source of truth for depmon's config types, defaults and
// validation. Everything downstream receives the parsed, fully defaulted, readonly output.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { CHANNEL_TYPES, SINGLE_VENDOR_TYPES, vendorHost, WHOLE_SECRET_REF_RE } from './channels.ts';
import { checkHost, safeHost } from './host.ts';
import { parseJsonPath } from './jsonpath.ts';
import { compileAssertionRegex } from './regex.ts';
import { AWS_REGIONS } from './regions.ts';
import { SECRET_REF_RE } from './secrets.ts';

/** Probe intervals depmon supports. Sub-minute ones run several rounds per one-minute invocation. */
const INTERVALS_SECONDS = [10, 15, 20, 30, 60] as const;

/** What a page is about. `resolved` is not a kind of its own: every kind has a resolved form. */
/** The config's `coreName` when it sets none: neutral wording for any business. */
export const DEFAULT_CORE_NAME = 'core platform';

export const PAGE_KINDS = ['core-outage', 'external-outage', 'degraded', 'monitor-blind'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

export const TIERS = ['first-party', 'third-party'] as const;
export type Tier = (typeof TIERS)[number];

/** The check keys a dependency may have, exactly one of them; also the `kind` of its parsed `check`. */
const CHECK_KINDS = ['http', 'tcp', 'dns', 'tls'] as const;
type CheckKind = (typeof CHECK_KINDS)[number];

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const ID_RE = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const id = (what: string) =>
  z.string({ error: `expected ${what} as a string` }).regex(ID_RE, {
    error: `expected ${what}: 1-40 characters of a-z, 0-9 and '-', not starting or ending with '-'`,
  });

const region = z
  .string({ error: 'expected an AWS region name such as "ap-northeast-2"' })
  .refine((r) => (AWS_REGIONS as readonly string[]).includes(r), {
    error: (iss) => `expected an AWS region name such as "ap-northeast-2" (got "${String(iss.input)}")`,
  });

function isHttpUrl(u: string): boolean {
  try {
    const p = new URL(u);
    return (p.protocol === 'https:' || p.protocol === 'http:') && p.hostname !== '';
  } catch {
    return false;
  }
}

/** Text the WHATWG URL parser drops or changes without a word (tabs, line breaks, control characters). */
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

const httpUrl = z
  .string({ error: 'expected an https:// or http:// URL' })
  .refine(isHttpUrl, { error: (iss) => `expected an https:// or http:// URL (got "${String(iss.input)}")` })
  .refine((u) => !CONTROL_RE.test(u), {
    error:
      'expected a URL without tabs, line breaks or control characters (the URL parser drops them silently)',
  });

/** A probe's URL: no credentials in it. */
const probeUrl = httpUrl
  // `https://user:pass@host`: undici sends no credentials from a URL (the probe would pass unauthenticated),
  // and a literal password in a config ends up in the repository, the bundle and the logs.
  .refine((u) => !isHttpUrl(u) || (new URL(u).username === '' && new URL(u).password === ''), {
    error:
      'expected a URL without user:password@ (it is not sent, and is a literal credential): put credentials in a header as a secret reference, e.g. Authorization: "Basic ${env:NAME}"',
  });

const hostName = z
  .string({ error: 'expected a host name or IP address' })
  .min(1, { error: 'expected a host name or IP address' })
  .regex(/^[A-Za-z0-9._:-]+$/, { error: 'expected a host name or IP address, without scheme or path' });

const port = z
  .number({ error: 'expected a port number from 1 to 65535' })
  .int({ error: 'expected a whole port number from 1 to 65535' })
  .min(1, { error: 'expected a port number from 1 to 65535' })
  .max(65535, { error: 'expected a port number from 1 to 65535' });

const ms = (what: string, def: number, max = 60_000) =>
  z
    .number({ error: `expected ${what} in milliseconds` })
    .int({ error: `expected ${what} as whole milliseconds` })
    .min(1, { error: `expected ${what} of at least 1 ms` })
    .max(max, { error: `expected ${what} of at most ${max} ms` })
    .default(def);

/** Header names whose values are credentials: they must be references, never literals. */
const SENSITIVE_HEADER_RE =
  /^(authorization|proxy-authorization|cookie|x-api-key|api-key|.*token.*|.*secret.*|.*password.*)$/i;

/** PEM certificates: text that is not one makes every TLS handshake of the check fail, a fake outage. */
const pemCertificates = z.string().refine(
  (pem) => {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) return false;
    try {
      for (const b of blocks) new X509Certificate(b);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected PEM certificates ("-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----")' },
);

const statusSpec = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(/^([1-5]xx|[1-5]\d\d(-[1-5]\d\d)?)$/, {
    error: 'expected a status code, a class such as "2xx", or a range such as "200-204"',
  }),
]);

const jsonAssertion = z.strictObject({
  /** JSONPath subset: `$.a.b`, `$.a[0].b`, `$['a-b']`, `$.list[*].state`. */
  path: z.string().regex(/^\$/, { error: 'expected a JSONPath starting with "$"' }),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  matches: z.string().optional(),
  exists: z.boolean().optional(),
});

const headerAssertion = z.strictObject({
  name: z.string().min(1),
  equals: z.string().optional(),
  matches: z.string().optional(),
  exists: z.boolean().optional(),
});

const HttpCheckSchema = z
  .strictObject({
    url: probeUrl,
    method: z.enum(HTTP_METHODS, { error: `expected one of ${HTTP_METHODS.join(', ')}` }).default('GET'),
    /** Request headers. Credentials must be `${env:…}`, `${secretsmanager:…}` or `${ssm:…}` references. */
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    /** Accepted statuses: codes, classes ("2xx") or ranges ("200-204"). @default ["2xx"] */
    expectStatus: z
      .union([statusSpec, z.array(statusSpec).min(1)])
      .default(['2xx'])
      .transform((v) => (Array.isArray(v) ? v : [v])),
    /** @default 5000 */
    timeoutMs: ms('timeoutMs', 5000),
    /** Slower than this (total time) is `degraded`. Must be under the timeout. @default 2000, or half the timeout if that is less */
    degradedAfterMs: z
      .number({ error: 'expected degradedAfterMs in milliseconds' })
      .int({ error: 'expected degradedAfterMs as whole milliseconds' })
      .min(1, { error: 'expected degradedAfterMs of at least 1 ms' })
      .max(60_000, { error: 'expected degradedAfterMs of at most 60000 ms' })
      .optional(),
    /** Slower than this (total time) is `down` even if it answered. @default the timeout */
    downAfterMs: z
      .number({ error: 'expected downAfterMs in milliseconds' })
      .int()
      .min(1)
      .max(60_000)
      .optional(),
    /** Probe every address the host resolves to; some failing (not all) is `degraded`. @default false */
    allAddresses: z.boolean().default(false),
    /** Follow redirects, up to `maxRedirects`. @default true */
    followRedirects: z.boolean().default(true),
    /** @default 5 */
    maxRedirects: z.number().int().min(0).max(20).default(5),
    /** Bodies larger than this are `down` with BODY_TOO_LARGE. @default 1 MiB */
    maxBodyBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Body must match each regular expression. @default [] */
    bodyMatches: z.array(z.string()).default([]),
    /** Body must not match any of these. @default [] */
    bodyNotMatches: z.array(z.string()).default([]),
    /** Assertions on a JSON body. @default [] */
    json: z.array(jsonAssertion).default([]),
    /** Assertions on response headers. @default [] */
    responseHeaders: z.array(headerAssertion).default([]),
    /** Extra CA certificates (PEM) to trust, for internal PKI. */
    ca: pemCertificates.optional(),
  })
  .superRefine((h, ctx) => {
    // A threshold at or past the timeout can never fire: the probe times out as down first.
    if (h.degradedAfterMs !== undefined && h.degradedAfterMs >= h.timeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['degradedAfterMs'],
        message: `expected less than timeoutMs (${h.timeoutMs}); a slower answer times out as down before it can be degraded`,
      });
    }
    if (h.downAfterMs !== undefined && h.downAfterMs > h.timeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['downAfterMs'],
        message: `expected at most timeoutMs (${h.timeoutMs}); past the timeout the probe is already down (TIMEOUT)`,
      });
    }
  })
  .transform((h) => ({ ...h, degradedAfterMs: h.degradedAfterMs ?? defaultDegradedAfterMs(h.timeoutMs) }));

/** 2 s, or half the timeout when the timeout is short, so a short-timeout check can still be degraded. */
function defaultDegradedAfterMs(timeoutMs: number): number {
  return Math.min(2000, Math.max(1, Math.floor(timeoutMs / 2)));
}

const TcpCheckSchema = z.strictObject({
  host: hostName,
  port,
  /** @default 3000 */
  timeoutMs: ms('timeoutMs', 3000),
});

const DnsCheckSchema = z.strictObject({
  name: hostName,
  /** @default "A" */
  recordType: z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'MX']).default('A'),
  /** If set, at least one answer must be in this list. */
  expect: z.array(z.string()).optional(),
  /** @default 2000 */
  timeoutMs: ms('timeoutMs', 2000),
});

const TlsCheckSchema = z.strictObject({
  host: hostName,
  /** @default 443 */
  port: port.default(443),
  /** SNI name. @default the host */
  servername: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a host name for SNI (letters, digits, ".", "-")' })
    .optional(),
  /** @default 5000 */
  timeoutMs: ms('timeoutMs', 5000),
  /** Certificate expiring within this many days is `degraded` (CERT_EXPIRING). @default 14 */
  warnDays: z.number().int().min(0).max(365).default(14),
  /** Extra CA certificates (PEM) to trust. */
  ca: pemCertificates.optional(),
});

const dependencyBase = {
  id: id('a dependency id'),
  name: z
    .string({ error: 'expected a name' })
    .min(1, { error: 'expected a non-empty name' })
    .max(200)
    // Names go into page subjects, which SNS refuses with a line break: the page would never leave.
    .refine((n) => !CONTROL_RE.test(n), { error: 'expected a name on one line, without control characters' }),
  tier: z.enum(TIERS, { error: 'expected "first-party" or "third-party"' }),
  /** A critical first-party dependency counts as "core": its outage is a core-outage page. @default false */
  critical: z.boolean().default(false),
  /** Partner platform this belongs to: dependencies of one group page together. */
  group: id('a group id').optional(),
  /** User-facing features carried by this dependency, named in its pages. @default [] */
  features: z.array(z.string().min(1)).default([]),
  /** What on-call switches to when it fails. @default "" */
  fallback: z.string().default(''),
  /** Runbook URL or text. @default "" */
  runbook: z.string().default(''),
  /** Owning team. @default "" */
  owner: z.string().default(''),
  /**
   * Publish this dependency's `Latency` metric (milliseconds, p99 on the dashboard), whatever `metrics.latency`
   * says. @default metrics.latency
   */
  latencyMetric: z.boolean().optional(),
};

/** A dependency as users write it: the check under its own key (`http`, `tcp`, `dns` or `tls`). */
const DependencyInputObject = z
  .strictObject({
    ...dependencyBase,
    http: HttpCheckSchema.optional(),
    tcp: TcpCheckSchema.optional(),
    dns: DnsCheckSchema.optional(),
    tls: TlsCheckSchema.optional(),
  })
  .superRefine((d, ctx) => {
    const keys = CHECK_KINDS.filter((k) => d[k] !== undefined);
    if (keys.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          keys.length === 0
            ? 'expected exactly one check: http, tcp, dns or tls'
            : `expected exactly one check, got ${keys.join(' and ')}`,
      });
    }
  });

type DependencyInputOutput = z.output<typeof DependencyInputObject>;

/**
 * The check of a dependency as written, as a tagged union. The schema has already made sure there is exactly one;
 * should several be present (only while other errors are being collected), the first in `CHECK_KINDS` order wins.
 */
function checkOf(d: Pick<DependencyInputOutput, CheckKind>): Check | undefined {
  if (d.http) return { kind: 'http', ...d.http };
  if (d.tcp) return { kind: 'tcp', ...d.tcp };
  if (d.dns) return { kind: 'dns', ...d.dns };
  if (d.tls) return { kind: 'tls', ...d.tls };
  return undefined;
}

/**
 * Moves the check from its input key into `check`, so code downstream switches on `check.kind`, and settles
 * `latencyMetric`: the dependency's own, else the config's `metrics.latency`.
 */
function normaliseDependency(
  { http, tcp, dns, tls, latencyMetric, ...rest }: DependencyInputOutput,
  latencyByDefault = false,
) {
  const check = checkOf({ http, tcp, dns, tls });
  // Unreachable: a dependency without exactly one check fails validation before any transform runs.
  if (!check) throw new Error(`dependency "${rest.id}" has no check`);
  return { ...rest, latencyMetric: latencyMetric ?? latencyByDefault, check };
}

/** One dependency: validated and defaulted as written, its check normalised into `check`. */
export const DependencySchema = DependencyInputObject.transform((d) => normaliseDependency(d));

/** A credential in the config: only ever a reference to where it is stored, resolved by notify at run time. */
const credentialRef = (what: string) =>
  z.string({ error: `expected ${what} as a secret reference` }).regex(WHOLE_SECRET_REF_RE, {
    error: `expected ${what} as a secret reference such as "\${secretsmanager:NAME}" or "\${ssm:/NAME}" (the value itself would land in the repository, the template and the bundle)`,
  });

const vendorRegion = z.enum(['us', 'eu'], { error: 'expected "us" or "eu"' }).default('us');

const ChannelSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('email'),
      address: z.email({ error: 'expected an email address' }),
    }),
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('sms'),
      address: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, { error: 'expected an E.164 phone number such as "+821012345678"' }),
    }),
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('https'),
      address: httpUrl.refine((u) => u.startsWith('https://'), { error: 'expected an https:// URL' }),
    }),
    /** PagerDuty Events API v2: the integration's routing key. @default region "us" */
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('pagerduty'),
      routingKey: credentialRef('routingKey (the Events API v2 integration key)'),
      region: vendorRegion,
      /**
       * The signing secret of a V3 webhook subscription sending `incident.acknowledged` to the ack function:
       * with it, an acknowledgement in PagerDuty is recorded in the page log. @default none (no vendor acks)
       */
      webhookSecret: credentialRef('webhookSecret (the webhook subscription signing secret)').optional(),
    }),
    /** Opsgenie Alert API: an API integration's key. @default region "us" */
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('opsgenie'),
      apiKey: credentialRef('apiKey (an Opsgenie API integration key)'),
      region: vendorRegion,
      /**
       * A secret token the Opsgenie webhook integration sends in its `X-Depmon-Webhook-Token` header: with it,
       * an acknowledgement in Opsgenie is recorded in the page log. @default none (no vendor acks)
       */
      webhookSecret: credentialRef('webhookSecret (the token the webhook integration sends)').optional(),
    }),
    /** Slack incoming webhook: the URL is the credential. */
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('slack'),
      webhookUrl: credentialRef('webhookUrl (a Slack incoming webhook URL)'),
    }),
    /** AWS Systems Manager Incident Manager: notify starts an incident with this response plan. */
    z.strictObject({
      id: id('a channel id'),
      type: z.literal('incident-manager'),
      responsePlanArn: z
        .string()
        .regex(/^arn:aws(-cn|-us-gov)?:ssm-incidents::\d{12}:response-plan\/[A-Za-z0-9_-]{1,200}$/, {
          error:
            'expected a response plan ARN such as "arn:aws:ssm-incidents::123456789012:response-plan/core-outage"',
        }),
    }),
  ],
  { error: `expected a channel with type ${CHANNEL_TYPES.map((t) => `"${t}"`).join(', ')}` },
);

/** Route ids whose topic `<name>-<id>` would collide with a topic depmon creates itself (alarm topic, probe alerts). */
const RESERVED_ROUTE_IDS: readonly string[] = ['alarms', 'probe-alerts'];

const RouteSchema = z.strictObject({
  /** Names the SNS topic for this route. */
  id: id('a route id').refine((v) => !RESERVED_ROUTE_IDS.includes(v), {
    error: `expected a route id other than ${RESERVED_ROUTE_IDS.map((r) => `"${r}"`).join(' and ')}: depmon names its own topics <name>-alarms and <name>-probe-alerts`,
  }),
  /** Page kinds sent to this route (their `resolved` forms too). */
  kinds: z.array(z.enum(PAGE_KINDS, { error: `expected page kinds among ${PAGE_KINDS.join(', ')}` })).min(1),
  /** Channel ids subscribed to this route's topic (SNS channels) or delivered to by notify (vendor channels). */
  channels: z.array(id('a channel id')).min(1),
  /**
   * A route paging core-outage (SEV1) needs a channel that rests on no single third party (email, sms, https,
   * incident-manager). `true` says in the config that PagerDuty, Opsgenie or Slack alone is accepted. @default false
   */
  acceptSingleVendorRisk: z.boolean().default(false),
});

const isoInstant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 time with offset, e.g. "2026-12-01T02:00:00+09:00"',
});
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time of day "HH:MM"' });
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const MaintenanceSchema = z.strictObject({
  id: id('a maintenance window id'),
  /** Dependency ids (or "*") whose pages are muted. Probing and recording go on. */
  dependencies: z.union([z.literal('*'), z.array(id('a dependency id')).min(1)]),
  reason: z.string().default(''),
  /** One-off window. */
  start: isoInstant.optional(),
  end: isoInstant.optional(),
  /** Recurring window in `timeZone`. */
  recurring: z
    .strictObject({
      days: z.array(z.enum(WEEKDAYS, { error: 'expected weekdays such as "sun"' })).min(1),
      start: hhmm,
      durationMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60),
    })
    .optional(),
  /** IANA time zone of a recurring window. @default the config's timeZone */
  timeZone: z.string().optional(),
});

const MINUTES_PER_DAY = 1440;
/** CloudWatch refuses an alarm whose Period × EvaluationPeriods is over a day (PutMetricAlarm). */
const MAX_ALARM_SPAN_SECONDS = 86_400;

const PolicySchema = z.strictObject({
  /** Regions that must see a failure for it to count. @default a majority of probeRegions */
  quorum: z.number().int().min(1).optional(),
  /** M of "M of N": failing periods needed. @default 2 */
  datapointsToAlarm: z.number().int().min(1).default(2),
  /** N of "M of N": periods looked at. @default 3 */
  evaluationPeriods: z.number().int().min(1).default(3),
  /** Degraded notice: M of N periods degraded in a quorum of regions. @default 3 of 5 */
  degradedDatapointsToAlarm: z.number().int().min(1).default(3),
  degradedEvaluationPeriods: z.number().int().min(1).default(5),
  /** A dependency that changes alarm state this often within `flapWindowMinutes` is flapping. @default 4 */
  flapTransitions: z.number().int().min(2).max(1000).default(4),
  /**
   * Down alarms: "economical" watches one period per probe interval (standard 60 s alarms at a 60 s interval);
   * "fast" watches 10 s high-resolution periods ($0.20 more per dependency-month at 60 s); where the round has
   * room (60 s intervals), a failing probe is looked at again 20 s later and one confirmed round in a quorum
   * of regions pages, else the same M of N rounds. @default "economical"
   */
  detection: z.enum(['economical', 'fast']).default('economical'),
  /** @default 30 */
  flapWindowMinutes: z.number().int().min(1).max(MINUTES_PER_DAY).default(30),
  /** A flapping dependency resolves only after this long stable. @default 10 */
  stableMinutes: z.number().int().min(1).max(MINUTES_PER_DAY).default(10),
});

const EgressSchema = z.strictObject({
  /** URL each probe region checks before it votes; `{region}` is replaced by the probe region.
   *  Any HTTP answer counts as working egress. @default "https://sts.{region}.amazonaws.com/" */
  url: z
    .string()
    .refine((u) => isHttpUrl(u.replaceAll('{region}', 'ap-northeast-2')), {
      error: (iss) =>
        `expected an https:// or http:// URL, "{region}" standing for the probe region (got ${JSON.stringify(iss.input)})`,
    })
    .default('https://sts.{region}.amazonaws.com/'),
  /** @default 3000 */
  timeoutMs: ms('timeoutMs', 3000),
  /** @default true */
  enabled: z.boolean().default(true),
});

const VpcSchema = z.strictObject({
  /** Subnets (per probe region) for the first-party probe function. */
  subnetIds: z.record(
    z.string(),
    z.array(z.string().regex(/^subnet-[0-9a-f]+$/, { error: 'expected a subnet id "subnet-…"' })).min(1),
  ),
  securityGroupIds: z.record(
    z.string(),
    z.array(z.string().regex(/^sg-[0-9a-f]+$/, { error: 'expected a security group id "sg-…"' })).min(1),
  ),
});

const MetricsSchema = z.strictObject({
  /**
   * Publish a `Latency` metric per dependency (ms, dimension `Dependency`): p99 graphs and alarms in CloudWatch,
   * at $0.30 per dependency-month more (one more custom metric each). Off, latency is in the probe logs only.
   * A dependency's `latencyMetric` overrides it. @default false
   */
  latency: z.boolean().default(false),
});

const MonitorConfigObject = z.strictObject({
  /** Editors' JSON Schema for the file (depmon/schema.json); depmon does not read it. */
  $schema: z.string().optional(),
  name: z.string({ error: 'expected a name' }).regex(/^[A-Za-z][A-Za-z0-9-]{0,31}$/, {
    error: 'expected a name of 1-32 letters, digits and "-", starting with a letter',
  }),
  homeRegion: region,
  probeRegions: z
    .array(region, { error: 'expected a list of AWS region names' })
    .min(1, { error: 'expected at least one probe region' }),
  /** Probe interval. @default 60 */
  intervalSeconds: z
    .number()
    .refine((n) => (INTERVALS_SECONDS as readonly number[]).includes(n), {
      error: `expected one of ${INTERVALS_SECONDS.join(', ')} seconds`,
    })
    .default(60)
    .transform((n) => n as (typeof INTERVALS_SECONDS)[number]),
  /** IANA time zone for pages, maintenance windows and timelines. @default "UTC" */
  timeZone: z
    .string()
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { error: 'expected an IANA time zone such as "Asia/Seoul"' },
    )
    .default('UTC'),
  /**
   * What the critical first-party dependencies are called together, in pages and on the dashboard: "core banking",
   * "trading platform". Pages say "<coreName> is healthy". @default "core platform"
   */
  coreName: z
    .string({ error: 'expected a short name such as "core banking"' })
    .trim()
    .regex(/^[^\r\n]{1,40}$/, { error: 'expected 1-40 characters on one line, such as "core banking"' })
    .default(DEFAULT_CORE_NAME),
  /** CloudWatch namespace. @default "Depmon" */
  namespace: z
    .string({ error: 'expected a CloudWatch namespace such as "Depmon"' })
    .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, {
      error: 'expected a CloudWatch namespace: 1-255 letters, digits and . _ / # : -',
    })
    // CloudWatch refuses PutMetricData into any namespace starting with "AWS/" (reserved for AWS services).
    .refine((n) => !/^aws\//i.test(n), {
      error: 'expected a namespace not starting with "AWS/" (reserved for AWS services)',
    })
    .default('Depmon'),
  policy: PolicySchema.default(PolicySchema.parse({})),
  /** Opt-in metrics beyond `Status` and `Heartbeat`. @default { latency: false } */
  metrics: MetricsSchema.default(MetricsSchema.parse({})),
  egress: EgressSchema.default(EgressSchema.parse({})),
  /** Optional VPC placement of the first-party probe function, per probe region. */
  vpc: VpcSchema.optional(),
  /** Extra DNS servers ("127.0.0.1:5353") for probes; empty uses the system resolver. @default [] */
  resolvers: z
    .array(
      z.string().refine(isResolverAddress, {
        error:
          'expected a DNS server IP address, optionally with a port: "127.0.0.1", "127.0.0.1:5353", "[::1]:53"',
      }),
    )
    .default([]),
  /** Probe concurrency within one function. @default 32 */
  concurrency: z.number().int().min(1).max(512).default(32),
  /** Most dependencies one probe function probes; more are split across functions. @default 50 */
  targetsPerFunction: z.number().int().min(1).max(500).default(50),
  // Normalised by MonitorConfigSchema's transform, after the cross-field checks that name input paths.
  dependencies: z.array(DependencyInputObject).min(1, { error: 'expected at least one dependency' }),
  channels: z.array(ChannelSchema).default([]),
  routes: z.array(RouteSchema).default([]),
  maintenance: z.array(MaintenanceSchema).default([]),
});

export const MonitorConfigSchema = MonitorConfigObject.superRefine(crossFieldChecks).transform((c) => ({
  ...c,
  dependencies: c.dependencies.map((d) => normaliseDependency(d, c.metrics.latency)),
  policy: { ...c.policy, quorum: c.policy.quorum ?? majorityOf(c.probeRegions.length) },
  // No routes given: every kind goes to every channel, on one topic.
  routes: c.routes.length > 0 || c.channels.length === 0 ? c.routes : [defaultRoute(c.channels)],
}));

/**
 * The input form of a config that may have been parsed already (the CDK construct validates again whatever it is
 * handed): each parsed `check` goes back under its input key, and a `latencyMetric` the same as `metrics.latency`
 * is left to it again (so changing `metrics.latency` of the input still reaches every dependency that did not
 * say otherwise). Everything else in a parsed config is valid input.
 */
export function configInput(config: MonitorConfig | MonitorConfigInput): MonitorConfigInput {
  type Input = MonitorConfigInput['dependencies'][number];
  const deps: readonly (Dependency | Input)[] = config.dependencies;
  const byDefault = config.metrics?.latency ?? false;
  return {
    ...config,
    dependencies: deps.map((d): Input => {
      if (!('check' in d)) return d;
      const {
        check: { kind, ...fields },
        latencyMetric,
        ...rest
      } = d;
      return { ...rest, ...(latencyMetric !== byDefault ? { latencyMetric } : {}), [kind]: fields } as Input;
    }),
  };
}

/** The default quorum: a majority of the probe regions. */
function majorityOf(regions: number): number {
  return Math.floor(regions / 2) + 1;
}

type Raw = z.output<typeof MonitorConfigObject>;

type Issue = (path: (string | number)[], message: string) => void;

/** With no routes, every kind goes to every channel on one route, `oncall`. */
function defaultRoute(channels: readonly { readonly id: string }[]) {
  return {
    id: 'oncall',
    kinds: [...PAGE_KINDS],
    channels: channels.map((ch) => ch.id),
    acceptSingleVendorRisk: false,
  };
}

/** Every rule that spans fields, each a named step; every problem is collected, none stops the others. */
function crossFieldChecks(c: Raw, ctx: z.RefinementCtx): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  policyChecks(c, issue);
  const depIds = dependencyChecks(c, issue);
  const channelIds = channelChecks(c, issue);
  routeChecks(c, channelIds, issue);
  maintenanceChecks(c, depIds, issue);
  vpcChecks(c, issue);
}

function policyChecks(c: Raw, issue: Issue): void {
  const seenRegions = new Set<string>();
  c.probeRegions.forEach((r, i) => {
    if (seenRegions.has(r)) issue(['probeRegions', i], `duplicate probe region "${r}"`);
    seenRegions.add(r);
  });
  if (c.policy.quorum !== undefined && c.policy.quorum > c.probeRegions.length) {
    issue(
      ['policy', 'quorum'],
      `expected a quorum of at most ${c.probeRegions.length} (the number of probe regions), got ${c.policy.quorum}`,
    );
  }
  if (c.policy.datapointsToAlarm > c.policy.evaluationPeriods) {
    issue(
      ['policy', 'datapointsToAlarm'],
      `expected at most evaluationPeriods (${c.policy.evaluationPeriods})`,
    );
  }
  if (c.policy.degradedDatapointsToAlarm > c.policy.degradedEvaluationPeriods) {
    issue(
      ['policy', 'degradedDatapointsToAlarm'],
      `expected at most degradedEvaluationPeriods (${c.policy.degradedEvaluationPeriods})`,
    );
  }
  // Period × periods over a day is refused by CloudWatch at deploy time; the heartbeat alarms use 60 s periods.
  const spans = [
    ['evaluationPeriods', c.policy.evaluationPeriods, 60],
    ['degradedEvaluationPeriods', c.policy.degradedEvaluationPeriods, alarmPeriodSeconds(c.intervalSeconds)],
  ] as const;
  for (const [key, periods, period] of spans) {
    if (periods * period > MAX_ALARM_SPAN_SECONDS)
      issue(
        ['policy', key],
        `expected at most ${Math.floor(MAX_ALARM_SPAN_SECONDS / period)} periods: CloudWatch refuses alarms whose ${period} s periods span more than a day (got ${periods})`,
      );
  }
}

/** Ids, the critical rule and each HTTP check's own rules; the dependency ids by index. */
function dependencyChecks(c: Raw, issue: Issue): Map<string, number> {
  const depIds = new Map<string, number>();
  c.dependencies.forEach((d, i) => {
    const first = depIds.get(d.id);
    if (first !== undefined)
      issue(['dependencies', i, 'id'], `duplicate id "${d.id}" (also dependencies[${first}])`);
    else depIds.set(d.id, i);
    if (d.critical && d.tier === 'third-party') {
      issue(
        ['dependencies', i, 'critical'],
        'expected critical only on first-party dependencies (third parties page as external-outage)',
      );
    }
    const check = checkOf(d);
    if (check?.kind === 'http') httpCheckProblems(check, ['dependencies', i, 'http'], issue);
  });
  if (!c.dependencies.some((d) => d.tier === 'first-party' && d.critical)) {
    issue(
      ['dependencies'],
      'expected at least one critical first-party dependency (core): without one, depmon cannot tell "core is healthy"',
    );
  }
  return depIds;
}

/** The hosts of the monitored third parties, lower-cased, each with its dependency id. */
function thirdPartyHosts(c: Raw): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const d of c.dependencies) {
    if (d.tier !== 'third-party') continue;
    const check = checkOf(d);
    const h = check && checkHost({ check });
    if (h) hosts.set(h.toLowerCase(), d.id);
  }
  return hosts;
}

/**
 * Channel ids, and channel independence for the SNS channels: a page must never travel through a dependency it
 * reports on, so an email or webhook on a monitored third party's host is refused outright.
 */
function channelChecks(c: Raw, issue: Issue): Map<string, number> {
  const hosts = thirdPartyHosts(c);
  const channelIds = new Map<string, number>();
  c.channels.forEach((ch, i) => {
    if (channelIds.has(ch.id)) issue(['channels', i, 'id'], `duplicate id "${ch.id}"`);
    channelIds.set(ch.id, i);
    if (ch.type !== 'https' && ch.type !== 'email') return;
    const host = ch.type === 'https' ? safeHost(ch.address) : ch.address.split('@')[1];
    const hit = host ? sharedHost(host.toLowerCase(), hosts) : undefined;
    if (hit) {
      issue(
        ['channels', i, 'address'],
        `expected a channel that does not travel through a monitored third party: host "${host}" belongs to dependency "${hit}"`,
      );
    }
    if (ch.type === 'https' && isHttpUrl(ch.address)) {
      const u = new URL(ch.address);
      if (u.username !== '' || u.password !== '')
        issue(
          ['channels', i, 'address'],
          'expected a webhook URL without user:password@: a literal credential in the config ends up in the repository and the template',
        );
    }
  });
  return channelIds;
}

/**
 * Route ids and channel references, and independence per route: a route whose every channel is a vendor depmon
 * itself monitors (or shares a host with a monitored dependency) cannot page about that vendor's outage; a route
 * paging core-outage (SEV1) needs a channel that rests on no single third party, or says it accepts the risk.
 */
function routeChecks(c: Raw, channelIds: ReadonlyMap<string, number>, issue: Issue): void {
  const hosts = thirdPartyHosts(c);
  const routes = c.routes.length > 0 || c.channels.length === 0 ? c.routes : [defaultRoute(c.channels)];
  const implicit = c.routes.length === 0;
  const routeIds = new Set<string>();
  routes.forEach((r, i) => {
    const at = (...rest: (string | number)[]) => (implicit ? ['channels'] : ['routes', i, ...rest]);
    if (routeIds.has(r.id)) issue(at('id'), `duplicate id "${r.id}"`);
    routeIds.add(r.id);
    r.channels.forEach((chId, j) => {
      if (!channelIds.has(chId))
        issue(at('channels', j), `expected a channel id from channels (got "${chId}")`);
    });
    const channels = r.channels.flatMap((chId) => c.channels.filter((ch) => ch.id === chId));
    if (channels.length === 0) return;
    const through = channels.map((ch) => {
      const host = vendorHost(ch);
      return host ? sharedHost(host, hosts) : undefined;
    });
    if (through.every((dep) => dep !== undefined))
      issue(
        at('channels'),
        `expected a channel that does not travel through a monitored third party: every channel of route "${r.id}" goes through dependency "${through[0]}"`,
      );
    const sev1 = r.kinds.includes('core-outage');
    if (sev1 && !r.acceptSingleVendorRisk && channels.every((ch) => SINGLE_VENDOR_TYPES.includes(ch.type)))
      issue(
        at('channels'),
        `expected a channel beside ${[...new Set(channels.map((ch) => ch.type))].join(' and ')} that rests on no single vendor (email, sms, https or incident-manager) on route "${r.id}", which pages core-outage (SEV1); or set acceptSingleVendorRisk: true`,
      );
  });
}

function maintenanceChecks(c: Raw, depIds: ReadonlyMap<string, number>, issue: Issue): void {
  c.maintenance.forEach((m, i) => {
    const oneOff = m.start !== undefined || m.end !== undefined;
    if (oneOff && m.recurring) issue(['maintenance', i], 'expected either start/end or recurring, not both');
    if (!oneOff && !m.recurring) issue(['maintenance', i], 'expected start and end, or recurring');
    if (oneOff && (m.start === undefined || m.end === undefined))
      issue(['maintenance', i], 'expected both start and end');
    if (m.start && m.end && Date.parse(m.end) <= Date.parse(m.start))
      issue(['maintenance', i, 'end'], 'expected end after start');
    if (m.dependencies !== '*') {
      m.dependencies.forEach((dep, j) => {
        if (!depIds.has(dep))
          issue(['maintenance', i, 'dependencies', j], `expected a dependency id (got "${dep}")`);
      });
    }
    if (m.timeZone) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: m.timeZone });
      } catch {
        issue(['maintenance', i, 'timeZone'], 'expected an IANA time zone such as "Asia/Seoul"');
      }
    }
  });
}

function vpcChecks(c: Raw, issue: Issue): void {
  if (!c.vpc) return;
  for (const key of ['subnetIds', 'securityGroupIds'] as const) {
    for (const r of Object.keys(c.vpc[key])) {
      if (!c.probeRegions.includes(r)) issue(['vpc', key, r], `expected a probe region (got "${r}")`);
    }
  }
}

/** The alarm period of `intervalSeconds` rounds (as #shared/alarms picks it: 15 s rounds in 30 s periods). */
function alarmPeriodSeconds(intervalSeconds: number): number {
  return [10, 20, 30, 60].find((p) => p % intervalSeconds === 0) ?? 60;
}

/** "127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53": what dns.Resolver#setServers accepts. */
function isResolverAddress(s: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  const v4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(s);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : v4 ? [v4[1], v4[2]] : [s, undefined];
  if (!host || isIP(host) === 0) return false;
  if (bracketed === null && v4 === null && isIP(host) !== 6) return false;
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** An HTTP token (RFC 9110 §5.6.2): what a header name may be. */
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Header values: visible characters, spaces and tabs; never a line break (which would split the request). */
const HEADER_VALUE_BAD_RE = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Headers the HTTP client owns: set by a user they break the request's framing or connection handling. */
const CLIENT_OWNED_HEADERS: Readonly<Record<string, string>> = {
  'transfer-encoding': 'the probe frames the request body itself',
  'content-length': 'the probe sets it from body',
  connection: 'the probe manages its connections',
  'keep-alive': 'the probe manages its connections',
  upgrade: 'the probe speaks plain HTTP/1.1',
  te: 'the probe manages transfer codings',
  trailer: 'the probe sends no trailers',
  expect: 'the probe does not wait for 100-continue',
};

/**
 * A credential header's value, references taken out, may keep only an auth scheme before the first reference
 * ("Bearer ${env:T}") or cookie names ("sid=${env:S}; lang=${env:L}"): any other text is a literal credential.
 */
function literalCredential(value: string): boolean {
  const parts = value.split(new RegExp(SECRET_REF_RE.source));
  // split() with the reference's three groups interleaves them: literal text sits at every fourth index.
  const literals = parts.filter((_, k) => k % 4 === 0);
  if (literals.length === 1) return true; // no reference at all
  return !literals.every((text, k) =>
    k === 0
      ? /^\s*(?:[A-Za-z][A-Za-z-]{0,19}\s+|[\w.-]+=)?$/.test(text)
      : /^[\s;,]*(?:[\w.-]+=)?$/.test(text),
  );
}

function httpCheckProblems(h: HttpCheck, at: readonly (string | number)[], issue: Issue): void {
  for (const [name, value] of Object.entries(h.headers)) {
    const where = [...at, 'headers', name];
    if (!HEADER_NAME_RE.test(name))
      issue(
        where,
        "expected a header name of letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
      );
    if (HEADER_VALUE_BAD_RE.test(value))
      issue(
        where,
        'expected a header value on one line, without control characters (a line break would split the request)',
      );
    const owned = CLIENT_OWNED_HEADERS[name.toLowerCase()];
    if (owned) issue(where, `expected no ${name} header: ${owned}`);
    if (SENSITIVE_HEADER_RE.test(name) && literalCredential(value))
      issue(
        where,
        'expected a secret reference such as "${env:NAME}", "${secretsmanager:NAME}" or "${ssm:/NAME}", not a literal credential',
      );
  }
  const regexes = [
    ...h.bodyMatches.map((re, j) => [[...at, 'bodyMatches', j], re] as const),
    ...h.bodyNotMatches.map((re, j) => [[...at, 'bodyNotMatches', j], re] as const),
    ...h.json.flatMap((a, j) =>
      a.matches === undefined ? [] : [[[...at, 'json', j, 'matches'], a.matches] as const],
    ),
    ...h.responseHeaders.flatMap((a, j) =>
      a.matches === undefined ? [] : [[[...at, 'responseHeaders', j, 'matches'], a.matches] as const],
    ),
  ];
  for (const [path, source] of regexes) {
    const r = compileAssertionRegex(source);
    if (!r.ok) issue([...path], `${r.problem}; got ${JSON.stringify(source)}`);
  }
  h.json.forEach((a, j) => {
    if (parseJsonPath(a.path) === undefined)
      issue(
        [...at, 'json', j, 'path'],
        `expected a JSONPath in the supported subset: $.a.b, $.a[0], $['k'], $.list[*] (got ${JSON.stringify(a.path)})`,
      );
  });
  h.responseHeaders.forEach((a, j) => {
    if (!HEADER_NAME_RE.test(a.name))
      issue(
        [...at, 'responseHeaders', j, 'name'],
        'expected a header name (an HTTP token: no spaces, colons or line breaks)',
      );
  });
}

/** A channel host shares infrastructure with a dependency when it is the same host or a sub-/parent domain of it. */
/** Second-level labels under which country-code TLDs register names (kakao.co.kr, bank.com.au). */
const CCTLD_SECOND_LEVELS = new Set([
  'co',
  'com',
  'net',
  'org',
  'or',
  'ne',
  'go',
  'ac',
  're',
  'gov',
  'edu',
  'ltd',
  'plc',
]);

/** The name a vendor registers (`kakao.com`, `kakao.co.kr`): a heuristic, without a public-suffix list. */
export function registrableDomain(host: string): string | undefined {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return undefined; // IP addresses
  const labels = host.split('.');
  if (labels.length < 2) return undefined;
  const tld = labels.at(-1)!;
  const sld = labels.at(-2)!;
  const take = tld.length === 2 && CCTLD_SECOND_LEVELS.has(sld) ? 3 : 2;
  return labels.length < take ? undefined : labels.slice(-take).join('.');
}

function sharedHost(host: string, depHosts: Map<string, string>): string | undefined {
  for (const [dh, id] of depHosts) {
    if (host === dh || host.endsWith(`.${dh}`) || dh.endsWith(`.${host}`)) return id;
    const a = registrableDomain(dh);
    if (a !== undefined && a === registrableDomain(host)) return id;
  }
  return undefined;
}

/** What users write: optional fields may be left out. */
export type MonitorConfigInput = z.input<typeof MonitorConfigSchema>;
/** What depmon works with: every default applied. Treat as readonly. */
export type MonitorConfig = Readonly<z.output<typeof MonitorConfigSchema>>;
export type Dependency = MonitorConfig['dependencies'][number];
export type HttpCheck = z.output<typeof HttpCheckSchema>;
export type TcpCheck = z.output<typeof TcpCheckSchema>;
export type DnsCheck = z.output<typeof DnsCheckSchema>;
export type TlsCheck = z.output<typeof TlsCheckSchema>;
/** A dependency's check after parsing: one of the four, tagged by `kind` (the input key it was written under). */
export type Check =
  | ({ readonly kind: 'http' } & HttpCheck)
  | ({ readonly kind: 'tcp' } & TcpCheck)
  | ({ readonly kind: 'dns' } & DnsCheck)
  | ({ readonly kind: 'tls' } & TlsCheck);
export type Channel = MonitorConfig['channels'][number];
export type Route = MonitorConfig['routes'][number];
export type MaintenanceWindow = MonitorConfig['maintenance'][number];
