// Where each alarm of the plan is deployed in the home Region: a base stack (topics, keys, tables, the notify
// function, the heartbeats and monitor-blind composites), a core stack (critical first-party down alarms and
// core-outage) and a fixed number of alarm stacks, chosen by a hash of a stable key. infra/ builds the stacks
// from this, and the bill and the tests read it; nothing else decides where an alarm lives.
//
// Two rules keep a change of one dependency from touching another's alarms:
// - Placement depends only on the alarm's own key (a dependency id or a page group), never on the config's
//   size or order, and the number of alarm stacks is fixed: no alarm moves between stacks when others come
//   and go. (An alarm that moved would be created by one stack and deleted by the other under the same name.)
// - A composite lives in the stack of every metric alarm it may lose: external-outage with its group's down
//   alarms, core-outage with the critical down alarms, the blind composites with the heartbeats. CloudFormation
//   then orders an update within one stack (the rule changes before a child is deleted), which it cannot do
//   across stacks, and CloudWatch refuses to delete an alarm a composite still names. The only references
//   across stacks are to core-outage and blind-third-party, in stacks deployed before the alarm stacks.
import type { AlarmPlan, AlarmSpec } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';

/** CloudFormation's quotas per template (CloudFormation user guide, "Understand CloudFormation quotas"). */
export const CFN_MAX_RESOURCES = 500;
export const CFN_MAX_OUTPUTS = 200;
export const CFN_MAX_PARAMETERS = 200;
/** A template uploaded through S3 (as CDK does with large ones) may be 1 MB. */
export const CFN_MAX_TEMPLATE_BYTES = 1_048_576;

/**
 * Alarm stacks of the home Region unless the deployment says otherwise. Fixed, not derived from the config's
 * size: changing it moves alarms between stacks, so it is chosen once, before the first deployment. 16 stacks
 * of at most STACK_RESOURCE_BUDGET alarms hold about 3,000 dependencies (README, "Limits at size").
 */
export const DEFAULT_ALARM_STACKS = 16;

/** Resources depmon puts in one stack at most: CloudFormation's 500, less room for CDK's own (metadata). */
export const STACK_RESOURCE_BUDGET = 480;

export type HomeStackKey = 'home' | 'core' | `alarms-${number}`;

export interface HomeLayout {
  /** Alarms of the base stack: heartbeats and monitor-blind composites. */
  readonly home: readonly AlarmSpec[];
  /** Critical first-party down alarms and core-outage (with its parts). */
  readonly core: readonly AlarmSpec[];
  /** One list per alarm stack (index = stack number), every one present even when empty. */
  readonly alarmStacks: readonly (readonly AlarmSpec[])[];
}

/** FNV-1a, 32 bits: a hash that does not depend on the platform, the Node version or anything but the text. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The alarm stack of a placement key (`group:<id>` or `dependency:<id>`). */
export const alarmStackOf = (key: string, alarmStacks: number): number => fnv1a(key) % alarmStacks;

/** The ids of a config's critical dependencies (their down alarms belong to core-outage's stack). */
export const criticalIds = (config: MonitorConfig): ReadonlySet<string> =>
  new Set(config.dependencies.filter((d) => d.critical).map((d) => d.id));

/** The stack an alarm of the plan is deployed in; `critical` holds the config's critical dependency ids. */
export function placeAlarm(
  alarm: AlarmSpec,
  critical: ReadonlySet<string>,
  alarmStacks = DEFAULT_ALARM_STACKS,
): HomeStackKey {
  const bucket = (key: string): HomeStackKey => `alarms-${alarmStackOf(key, alarmStacks)}`;
  const dependency = alarm.dependencies[0] ?? '';
  switch (alarm.role) {
    case 'heartbeat':
    case 'blind-region':
    case 'blind-third-party':
      return 'home';
    case 'core-outage':
    case 'core-outage-part':
      return 'core';
    case 'external-outage':
    case 'external-outage-part':
      return bucket(`group:${alarm.group}`);
    case 'degraded':
      return bucket(`dependency:${dependency}`);
    case 'down':
      if (alarm.tier === 'third-party') return bucket(`group:${alarm.group}`);
      return critical.has(dependency) ? 'core' : bucket(`dependency:${dependency}`);
  }
}

/** Every alarm of the plan by stack, each list in plan order (children before the composites that name them). */
export function homeLayout(
  config: MonitorConfig,
  plan: AlarmPlan,
  alarmStacks = DEFAULT_ALARM_STACKS,
): HomeLayout {
  const critical = criticalIds(config);
  const home: AlarmSpec[] = [];
  const core: AlarmSpec[] = [];
  const stacks: AlarmSpec[][] = Array.from({ length: alarmStacks }, () => []);
  for (const a of plan.alarms) {
    const key = placeAlarm(a, critical, alarmStacks);
    if (key === 'home') home.push(a);
    else if (key === 'core') core.push(a);
    else stacks[Number(key.slice('alarms-'.length))]!.push(a);
  }
  return { home, core, alarmStacks: stacks };
}

/** Dependencies in one section of a detail dashboard: its alarm widget lists their down and degraded alarms and
 * the group's external-outage, within an alarm status widget's 100 alarms (CloudWatch dashboard body structure). */
export const DASHBOARD_SECTION_MAX_DEPENDENCIES = 48;
/** Dependencies on one detail dashboard: two metrics each (Status and its down-votes expression) within 2,500 a dashboard. */
export const DASHBOARD_PAGE_MAX_DEPENDENCIES = 240;

export interface DashboardSection {
  readonly title: string;
  /** The page group (third-party) whose external-outage alarm the section shows. */
  readonly group?: string;
  readonly dependencies: readonly string[];
}

export interface DetailPage {
  /** `<tier>-<n>`, n from 1: stable as long as the page exists. */
  readonly key: string;
  readonly tier: 'first-party' | 'third-party';
  readonly sections: readonly DashboardSection[];
}

/** Sections of at most DASHBOARD_SECTION_MAX_DEPENDENCIES, each titled, numbered when a list needs several. */
function sectionsOf(title: string, ids: readonly string[], group?: string): DashboardSection[] {
  const n = Math.ceil(ids.length / DASHBOARD_SECTION_MAX_DEPENDENCIES);
  return Array.from({ length: n }, (_, i) => ({
    title: n > 1 ? `${title} (${i + 1} of ${n})` : title,
    ...(group !== undefined ? { group } : {}),
    dependencies: ids.slice(
      i * DASHBOARD_SECTION_MAX_DEPENDENCIES,
      (i + 1) * DASHBOARD_SECTION_MAX_DEPENDENCIES,
    ),
  }));
}

/**
 * Up to this many dependencies the overview carries every section itself and there are no detail pages: a
 * dashboard is $3 a month, and a small estate reads best on one page.
 */
export const OVERVIEW_SECTIONS_MAX_DEPENDENCIES = 48;

/** Each tier's sections: critical core first, then each partner group (ungrouped partners together). */
export function tierSections(
  config: MonitorConfig,
): Record<'first-party' | 'third-party', readonly DashboardSection[]> {
  const first = config.dependencies.filter((d) => d.tier === 'first-party');
  const third = config.dependencies.filter((d) => d.tier === 'third-party');
  const groups = new Map<string, string[]>();
  for (const d of third) if (d.group) groups.set(d.group, [...(groups.get(d.group) ?? []), d.id]);
  const ungrouped = third.filter((d) => !d.group).map((d) => d.id);
  return {
    'first-party': [
      ...sectionsOf(
        `First party (${config.coreName}): critical, pages core-outage`,
        first.filter((d) => d.critical).map((d) => d.id),
      ),
      ...sectionsOf(
        'First party: other services',
        first.filter((d) => !d.critical).map((d) => d.id),
      ),
    ],
    'third-party': [
      ...[...groups].flatMap(([g, ids]) => sectionsOf(`Group ${g}`, ids, g)),
      ...sectionsOf('Ungrouped partners (each pages alone)', ungrouped),
    ],
  };
}

/**
 * The detail dashboards: each tier's sections packed in config order onto pages of at most
 * DASHBOARD_PAGE_MAX_DEPENDENCIES (a section never straddles pages); none for a config small enough for the
 * overview to show every section (OVERVIEW_SECTIONS_MAX_DEPENDENCIES).
 */
export function detailPages(config: MonitorConfig): DetailPage[] {
  if (config.dependencies.length <= OVERVIEW_SECTIONS_MAX_DEPENDENCIES) return [];
  const byTier = tierSections(config);
  const pages: DetailPage[] = [];
  for (const tier of ['first-party', 'third-party'] as const) {
    let sections: DashboardSection[] = [];
    let count = 0;
    const flush = () => {
      if (sections.length > 0)
        pages.push({ key: `${tier}-${pages.filter((p) => p.tier === tier).length + 1}`, tier, sections });
      sections = [];
      count = 0;
    };
    for (const s of byTier[tier]) {
      if (count + s.dependencies.length > DASHBOARD_PAGE_MAX_DEPENDENCIES) flush();
      sections.push(s);
      count += s.dependencies.length;
    }
    flush();
  }
  return pages;
}

/** Dashboards depmon deploys for a config: the overview and the detail pages (the bill prices each). */
export const dashboardCount = (config: MonitorConfig): number => 1 + detailPages(config).length;
