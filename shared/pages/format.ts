// Page text: one page rendered per protocol (subject, SMS, email, HTTPS JSON) plus SNS message attributes.
// Written for the person woken at 3 a.m.: what broke, whose it is, what users lose, what to switch on.

import type { AlarmSpec } from '#shared/alarms';
import { type Dependency, type MonitorConfig, type PageKind, type Tier, zoneLabel } from '#shared/config';
import type { Severity } from './log.ts';
import type { FailingEvidence } from './types.ts';

/** SNS subjects must be ASCII, without line breaks, and under 100 characters (SNS Publish API, Subject). */
export const SNS_SUBJECT_MAX_CHARS = 99;
/** One SMS segment holds 160 GSM 03.38 characters (3GPP TS 23.038; SNS "SMS messages" limits). */
const SMS_GSM7_MAX_CHARS = 160;
/** ...or 70 UTF-16 code units when any character is outside GSM 03.38, e.g. Korean (UCS-2 encoding). */
const SMS_UCS2_MAX_UNITS = 70;

export const SEVERITY: Readonly<Record<PageKind, Severity>> = {
  'core-outage': 'SEV1',
  'external-outage': 'SEV2',
  'monitor-blind': 'SEV3',
  degraded: 'NOTICE',
};

const KIND_TITLE: Readonly<Record<PageKind, string>> = {
  'core-outage': 'CORE OUTAGE',
  'external-outage': 'EXTERNAL OUTAGE',
  'monitor-blind': 'MONITOR BLIND',
  degraded: 'DEGRADED',
};

export interface PageInput {
  readonly config: MonitorConfig;
  /** The alarm whose transition this page is about. */
  readonly alarm: AlarmSpec;
  readonly kind: PageKind;
  readonly resolved: boolean;
  /** The incident is flapping (the page says so). */
  readonly flapping: boolean;
  /** Set for the one notice sent when flapping is detected. */
  readonly flapNotice?: { readonly transitions: number };
  /** The dependencies the page is about (those failing now; for a resolved, those that were). */
  readonly dependencies: readonly Dependency[];
  readonly failing: Readonly<Record<string, FailingEvidence>>;
  /** When the incident began (ISO). */
  readonly since: string;
  /** When this page is produced (ISO). */
  readonly at: string;
  /** For a resolved: when the alarm went OK (ISO); the outage lasted from `since` to this. @default at */
  readonly endedAt?: string;
  /** For external-outage: whether every critical first-party dependency is up. */
  readonly coreHealthy: boolean;
  /** Probe regions currently blind (named in external pages and the blind page). */
  readonly blindRegions: readonly string[];
  /** Lines the email adds: why a page comes late, what the monitor could not see. */
  readonly notes?: readonly string[];
}

export interface PageContent {
  readonly severity: Severity;
  readonly subject: string;
  readonly messages: {
    readonly default: string;
    readonly email: string;
    readonly sms: string;
    readonly https: string;
  };
  readonly attributes: Readonly<Record<string, string>>;
}

/** Renders a page for every protocol. */
export function formatPage(p: PageInput): PageContent {
  const severity: Severity =
    p.kind === 'degraded' && p.alarm.role === 'down' ? 'SEV3' : (SEVERITY[p.kind] ?? 'NOTICE');
  const subject = formatSubject(p, severity);
  const email = formatEmail(p, severity, subject);
  const sms = formatSms(p, severity);
  const https = JSON.stringify(httpsBody(p, severity, subject));
  const attributes: Record<string, string> = {
    severity: p.resolved ? 'RESOLVED' : severity,
    kind: p.kind,
    state: p.resolved ? 'resolved' : p.flapNotice ? 'flapping' : 'alarm',
    dependency: p.dependencies.map((d) => d.id).join(',') || p.alarm.dependencies.join(',') || 'none',
    tier: p.alarm.tier ?? tierOf(p.dependencies) ?? 'monitor',
  };
  if (p.alarm.group) attributes.group = p.alarm.group;
  return { severity, subject, messages: { default: email, email, sms, https }, attributes };
}

function tierOf(deps: readonly Dependency[]): Tier | undefined {
  const tiers = new Set(deps.map((d) => d.tier));
  return tiers.size === 1 ? [...tiers][0] : undefined;
}

/** Who the page is about, in ASCII (ids, never display names: SNS subjects are ASCII only). */
function subjectWho(p: PageInput): string {
  if (p.kind === 'monitor-blind') return `probes in ${p.alarm.region ?? 'a region'}`;
  if (p.kind === 'external-outage' && p.alarm.group && p.alarm.dependencies.length > 1) {
    const n = p.dependencies.length || p.alarm.dependencies.length;
    return `${p.alarm.group} (${n} of ${p.alarm.dependencies.length} APIs)`;
  }
  const ids = (p.dependencies.length > 0 ? p.dependencies.map((d) => d.id) : p.alarm.dependencies).slice();
  return ids.length <= 2 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} +${ids.length - 2}`;
}

/** A degraded notice (slow, certificate, address) rather than a down page. */
const isDegradedNotice = (p: PageInput) => p.kind === 'degraded' && p.alarm.role !== 'down';

/** What the probes found wrong, in words, per reason code. */
const DEGRADED_WORDS: Readonly<Record<string, string>> = {
  CERT_EXPIRING: 'certificate expiring',
  PARTIAL_ADDRESSES: 'address lost',
  SLOW: 'slow',
};

/** Why a degraded notice: the reasons the probes gave ("certificate expiring", "address lost", "slow"). */
function degradedWhat(p: PageInput): string {
  const reasons = p.dependencies.flatMap((d) => p.failing[d.id]?.reasons ?? []);
  const words = [...new Set(reasons.map((r) => DEGRADED_WORDS[r]).filter((w): w is string => !!w))];
  return words.length > 0 ? words.join(', ') : 'degraded';
}

/** Regions a page counts for a dependency: those seeing it degraded for a notice, down otherwise. */
function regionCount(p: PageInput, e: FailingEvidence | undefined): number | undefined {
  if (!isDegradedNotice(p)) return failingCount(e);
  return e?.degradedRegions && e.degradedRegions.length > 0 ? e.degradedRegions.length : undefined;
}

function regionsShort(p: PageInput): string {
  const total = p.config.probeRegions.length;
  const counts = p.dependencies.map((d) => regionCount(p, p.failing[d.id]));
  const known = counts.filter((c): c is number => c !== undefined);
  if (known.length === 0) return '';
  return `${Math.max(...known)}/${total} regions`;
}

/** Regions failing: named ones if any, else the count; an empty list with no count means "not known". */
function failingCount(e: FailingEvidence | undefined): number | undefined {
  return e?.regions && e.regions.length > 0 ? e.regions.length : e?.count;
}

function formatSubject(p: PageInput, severity: Severity): string {
  const title = p.alarm.role === 'down' && p.kind === 'degraded' ? 'DOWN (non-critical)' : KIND_TITLE[p.kind];
  const who = subjectWho(p);
  let text: string;
  if (p.resolved) {
    text = `[RESOLVED] ${p.config.name} ${title}: ${who} recovered after ${minutesBetween(p.since, p.endedAt ?? p.at)} min`;
  } else if (p.flapNotice) {
    text = `[${severity}] ${p.config.name} FLAPPING ${title}: ${who}, ${p.flapNotice.transitions} changes in ${p.config.policy.flapWindowMinutes} min`;
  } else if (p.kind === 'monitor-blind') {
    text = `[${severity}] ${p.config.name} ${title}: ${who} stopped reporting`;
  } else {
    const where = regionsShort(p);
    const state = isDegradedNotice(p) ? degradedWhat(p) : 'down';
    text = `[${severity}] ${p.config.name} ${title}: ${who} ${state}${where ? ` (${where})` : ''}`;
    if (p.flapping) text += ' - flapping';
    if (p.kind === 'external-outage' && p.coreHealthy) text += ' - core healthy';
  }
  return subjectSafe(text);
}

/** ASCII printable only, one line, at most SNS_SUBJECT_MAX_CHARS. */
function subjectSafe(text: string): string {
  const ascii = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  return ascii.length <= SNS_SUBJECT_MAX_CHARS ? ascii : `${ascii.slice(0, SNS_SUBJECT_MAX_CHARS - 3)}...`;
}

// GSM 03.38 basic set (as it appears in JS strings); the extension table costs two septets each.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€';

/** How long an SMS is in its own encoding, and the limit of one segment in that encoding. */
export function smsLength(text: string): { length: number; limit: number; encoding: 'GSM-7' | 'UCS-2' } {
  let septets = 0;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXT.includes(ch)) septets += 2;
    else return { length: text.length, limit: SMS_UCS2_MAX_UNITS, encoding: 'UCS-2' };
  }
  return { length: septets, limit: SMS_GSM7_MAX_CHARS, encoding: 'GSM-7' };
}

/** Cuts text to fit one SMS segment, ending with "…" (or "..." in GSM-7) when cut. */
export function fitSms(text: string): string {
  if (smsLength(text).length <= smsLength(text).limit) return text;
  const chars = [...text];
  while (chars.length > 0) {
    chars.pop();
    const candidate = `${chars.join('').trimEnd()}...`;
    const m = smsLength(candidate);
    if (m.length <= m.limit) return candidate;
  }
  return '';
}

function formatSms(p: PageInput, severity: Severity): string {
  const who = subjectWho(p);
  const time = clock(p.since, p.config.timeZone);
  let head: string;
  if (p.resolved)
    head = `RESOLVED ${p.config.name}: ${p.kind} ${who} ok after ${minutesBetween(p.since, p.endedAt ?? p.at)}m.`;
  else if (p.flapNotice)
    head = `${severity} ${p.config.name}: ${who} FLAPPING (${p.flapNotice.transitions} changes). Paged once; resolves after ${p.config.policy.stableMinutes}m stable.`;
  else if (p.kind === 'monitor-blind')
    head = `${severity} ${p.config.name}: ${who} stopped reporting since ${time}.`;
  else {
    const where = regionsShort(p);
    const state = isDegradedNotice(p) ? degradedWhat(p).toUpperCase() : 'DOWN';
    head = `${severity} ${p.config.name}: ${who} ${state}${where ? ` ${where}` : ''} since ${time}.`;
    if (p.kind === 'external-outage' && p.coreHealthy) head += ' Core OK.';
    if (p.flapping) head += ' Flapping.';
    const fallback = p.dependencies.find((d) => d.fallback)?.fallback;
    if (fallback) {
      // The fallback is worth the SMS only if a useful part of it fits one segment with the head.
      const whole = oneLine(`${head} Fallback: ${fallback}`);
      const fitted = fitSms(whole);
      if (fitted.length - oneLine(head).length >= SMS_MIN_FALLBACK_CHARS) return fitted;
    }
  }
  return fitSms(oneLine(head));
}

/** Fewer characters of fallback than this in an SMS say nothing: leave it to the email. */
const SMS_MIN_FALLBACK_CHARS = 24;
const oneLine = (t: string) => t.replace(/\s+/g, ' ').trim();

/** The email: head, what kind of outage it is, the dependencies' facts, then where it came from. */
function formatEmail(p: PageInput, severity: Severity, subject: string): string {
  const tz = p.config.timeZone;
  const lines: string[] = [
    subject,
    '',
    ...emailHead(p, severity),
    ...(p.notes ?? []),
    '',
    ...emailKindNote(p),
  ];
  if (p.dependencies.length > 0 && p.kind !== 'monitor-blind') lines.push(...emailDependencies(p));
  else if (p.kind === 'monitor-blind')
    lines.push(`Watched from fewer regions meanwhile: ${p.alarm.dependencies.join(', ') || 'none'}`);
  if (p.blindRegions.length > 0 && p.kind !== 'monitor-blind') {
    lines.push('', `Note: probes in ${p.blindRegions.join(', ')} are blind right now.`);
  }
  lines.push(
    '',
    `Alarm: ${p.alarm.name}`,
    `Times: ${when(p.at, tz)}. Sent by depmon (${p.config.name}) from ${p.config.homeRegion}.`,
  );
  return lines.join('\n');
}

/** When it began (and for a resolved, when it ended), or the flapping notice. */
function emailHead(p: PageInput, severity: Severity): string[] {
  const tz = p.config.timeZone;
  if (p.resolved) {
    return [
      `Recovered at ${when(p.endedAt ?? p.at, tz)}. It began at ${when(p.since, tz)} (${minutesBetween(p.since, p.endedAt ?? p.at)} min).`,
      ...(p.flapping
        ? [
            `It was flapping; depmon waited for ${p.config.policy.stableMinutes} minutes of stability before resolving.`,
          ]
        : []),
    ];
  }
  if (p.flapNotice) {
    return [
      `FLAPPING: this alarm changed state ${p.flapNotice.transitions} times within ${p.config.policy.flapWindowMinutes} minutes.`,
      `You were paged once at ${when(p.since, tz)}; depmon will not page again for each flip.`,
      `It resolves only after ${p.config.policy.stableMinutes} minutes without a failure.`,
    ];
  }
  return [`Severity: ${severity}. Since ${when(p.since, tz)}.`];
}

/** What the kind means for on-call: core healthy (external), external pages held (core), the monitor itself (blind). */
function emailKindNote(p: PageInput): string[] {
  if (p.kind === 'external-outage') {
    if (!p.coreHealthy) return [];
    const core = p.config.dependencies.filter((d) => d.tier === 'first-party' && d.critical).map((d) => d.id);
    const group =
      p.alarm.group && p.alarm.dependencies.length > 1 ? ` of partner group "${p.alarm.group}"` : '';
    return [
      `${upperFirst(p.config.coreName)} is healthy: every critical first-party dependency (${core.join(', ')}) is up. This is a third-party outage${group}.`,
      '',
    ];
  }
  if (p.kind === 'core-outage' && !p.resolved) {
    return [
      `A critical first-party dependency is down. External-outage pages are held while ${p.config.coreName} is down.`,
      '',
    ];
  }
  if (p.kind === 'monitor-blind') {
    return [
      `depmon's probes in ${p.alarm.region ?? 'a probe region'} stopped reporting (the function failed) or abstained (their own network check failed).`,
      'This is the monitor, not a dependency: the other regions still watch, but a quorum is harder to reach.',
      '',
    ];
  }
  return [];
}

/** Each failing dependency with its regions, then features, fallbacks, runbooks and owners. */
function emailDependencies(p: PageInput): string[] {
  const deps = p.dependencies;
  const lines = [p.resolved ? 'Was failing:' : 'Failing:'];
  for (const d of deps) lines.push(`  - ${d.name} (${d.id}, ${d.tier}): ${regionsLong(p, d)}`);
  const features = [...new Set(deps.flatMap((d) => d.features))];
  if (features.length > 0 && !p.resolved) {
    lines.push('', 'Features affected:');
    for (const f of features) lines.push(`  - ${f}`);
  }
  const fallbacks = deps.filter((d) => d.fallback);
  if (fallbacks.length > 0) {
    lines.push('', p.resolved ? 'Switch back any fallback you turned on:' : 'Fallback:');
    for (const d of fallbacks) lines.push(`  - ${d.id}: ${d.fallback}`);
  }
  const runbooks = deps.filter((d) => d.runbook);
  if (runbooks.length > 0) {
    lines.push('', 'Runbook:');
    for (const d of runbooks) lines.push(`  - ${d.id}: ${d.runbook}`);
  }
  const owners = [...new Set(deps.map((d) => d.owner).filter((o) => o))];
  if (owners.length > 0) lines.push('', `Owner: ${owners.join(', ')}`);
  return lines;
}

function regionsLong(p: PageInput, d: Dependency): string {
  const e = p.failing[d.id];
  const total = p.config.probeRegions.length;
  if (isDegradedNotice(p)) {
    const what = degradedWhat({ ...p, dependencies: [d] });
    const regions = e?.degradedRegions ?? [];
    if (regions.length > 0)
      return `${what} from ${regions.length} of ${total} probe regions (${regions.join(', ')})`;
    return `${what} from at least ${p.config.policy.quorum} of ${total} probe regions (quorum)`;
  }
  const verb = 'down';
  if (e?.regions && e.regions.length > 0)
    return `${verb} from ${e.regions.length} of ${total} probe regions (${e.regions.join(', ')})`;
  if (e?.count !== undefined) return `${verb} from ${e.count} of ${total} probe regions`;
  return `${verb} from at least ${p.config.policy.quorum} of ${total} probe regions (quorum)`;
}

function httpsBody(p: PageInput, severity: Severity, subject: string) {
  return {
    source: 'depmon',
    version: 1,
    monitor: p.config.name,
    kind: p.kind,
    severity,
    resolved: p.resolved,
    flapping: p.flapping,
    subject,
    alarm: p.alarm.name,
    group: p.alarm.group ?? null,
    tier: p.alarm.tier ?? null,
    region: p.alarm.region ?? null,
    since: p.since,
    at: p.at,
    coreHealthy: p.kind === 'external-outage' ? p.coreHealthy : null,
    blindRegions: p.blindRegions,
    ...(isDegradedNotice(p) && !p.resolved ? { degraded: degradedWhat(p) } : {}),
    notes: p.notes ?? [],
    dependencies: p.dependencies.map((d) => ({
      id: d.id,
      name: d.name,
      tier: d.tier,
      failingRegions: p.failing[d.id]?.regions ?? null,
      failingRegionCount: failingCount(p.failing[d.id]) ?? null,
      degradedRegions: p.failing[d.id]?.degradedRegions ?? null,
      reasons: p.failing[d.id]?.reasons ?? null,
      regionCount: regionCount(p, p.failing[d.id]) ?? null,
      features: d.features,
      fallback: d.fallback,
      runbook: d.runbook,
      owner: d.owner,
    })),
  };
}

function minutesBetween(fromIso: string, toIso: string): number {
  return Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
}

/** "core banking" → "Core banking", for the start of a sentence. */
function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "14:05 KST" in the config's time zone, labelled as accounts and the report label it (zoneLabel). */
function clock(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return `${hm} ${zoneLabel(timeZone, d)}`;
}

/** "2026-11-26 14:05 KST (05:05 UTC)". */
export function when(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
  const utc = d.toISOString().slice(11, 16);
  if (timeZone === 'UTC') return `${date} ${utc} UTC`;
  return `${date} ${clock(iso, timeZone)} (${utc} UTC)`;
}
