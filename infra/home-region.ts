// Every stack of the home Region, in deploy order: the base stack (topics, keys, tables, notify, heartbeats and
// monitor-blind composites), the core stack (critical down alarms and core-outage), DEFAULT_ALARM_STACKS alarm
// stacks (each dependency's alarms, each partner group with its external-outage) and the dashboards. The order
// is explicit (CDK dependencies), so `cdk deploy --all` deploys every composite after the alarms it names.
// `synthHomeRegion` is how the CLI and the tests get exactly these templates, for the simulator and the bill.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type Environment, type Stack } from 'aws-cdk-lib';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import type { AlarmPlan } from '#shared/alarms';
import { ConfigError, type MonitorConfig } from '#shared/config';
import {
  DEFAULT_ALARM_STACKS,
  type DetailPage,
  detailPages,
  type HomeLayout,
  homeLayout,
} from '#shared/runtime';
import { AlarmStack } from './alarms.ts';
import { DashboardStack, PAGES_PER_DASHBOARD_STACK } from './dashboard.ts';
import { alarmPlanOf, HomeStack } from './home-stack.ts';

export interface HomeRegionProps {
  readonly config: MonitorConfig;
  readonly configFile: string;
  readonly env: Environment;
  /** Stack names are `<prefix>-home`, `<prefix>-core`, `<prefix>-alarms-<n>`, `<prefix>-dashboards`. */
  readonly stackNamePrefix: string;
  /** @default config.targetsPerFunction */
  readonly targetsPerFunction?: number;
  /** @default DEFAULT_ALARM_STACKS (fixed: changing it moves alarms between stacks) */
  readonly alarmStacks?: number;
}

export interface HomeRegionStacks {
  readonly plan: AlarmPlan;
  readonly layout: HomeLayout;
  readonly home: HomeStack;
  readonly core: AlarmStack;
  readonly alarmStacks: readonly AlarmStack[];
  /** The overview's stack first, then the detail pages' (`Dashboards-<tier>-<k>`). */
  readonly dashboards: readonly DashboardStack[];
  /** All of the above, in deploy order. */
  readonly all: readonly Stack[];
}

/** Builds the home Region's stacks under `scope`. */
export function homeRegionStacks(scope: Construct, props: HomeRegionProps): HomeRegionStacks {
  const { config, configFile, env, stackNamePrefix: prefix } = props;
  const count = alarmStackCount(configFile, props.alarmStacks);
  const plan = alarmPlanOf(config, configFile, props.targetsPerFunction);
  const layout = homeLayout(config, plan, count);
  const home = new HomeStack(scope, 'Home', {
    config,
    configFile,
    plan,
    alarms: layout.home,
    env,
    stackName: `${prefix}-home`,
    description: `depmon ${config.name}: topics, pages and depmon's own health (home region)`,
  });
  const core = new AlarmStack(scope, 'Core', {
    configFile,
    plan,
    alarms: layout.core,
    env,
    stackName: `${prefix}-core`,
    description: `depmon ${config.name}: critical first-party down alarms and core-outage`,
    overflowAdvice: 'too many critical dependencies for one stack: mark only core banking services critical',
  });
  core.addStackDependency(home);
  const alarmStacks = layout.alarmStacks.map((alarms, i) => {
    const stack = new AlarmStack(scope, `Alarms-${i}`, {
      configFile,
      plan,
      alarms,
      env,
      stackName: `${prefix}-alarms-${i}`,
      description: `depmon ${config.name}: dependency alarms, part ${i + 1} of ${count}`,
      overflowAdvice: `deploy with more alarm stacks (alarmStacks, now ${count}; choose it before the first deployment: changing it moves alarms) or split the largest partner groups`,
    });
    // After core: external-outage composites name core-outage (and blind-third-party, in the base stack).
    stack.addStackDependency(core);
    return stack;
  });
  const dashboards = dashboardStacks(scope, config, plan, env, prefix);
  for (const d of dashboards) for (const s of alarmStacks) d.addStackDependency(s);
  return {
    plan,
    layout,
    home,
    core,
    alarmStacks,
    dashboards,
    all: [home, core, ...alarmStacks, ...dashboards],
  };
}

/** The overview's stack, and per tier one stack per PAGES_PER_DASHBOARD_STACK detail pages. */
function dashboardStacks(
  scope: Construct,
  config: MonitorConfig,
  plan: AlarmPlan,
  env: Environment,
  prefix: string,
): DashboardStack[] {
  const stacks = [
    new DashboardStack(scope, 'Dashboards', {
      config,
      plan,
      overview: true,
      env,
      stackName: `${prefix}-dashboards`,
      description: `depmon ${config.name}: the on-call overview dashboard`,
    }),
  ];
  const slices = new Map<string, DetailPage[]>();
  for (const page of detailPages(config)) {
    const n = Number(page.key.slice(page.tier.length + 1)) - 1;
    const key = `${page.tier}-${Math.floor(n / PAGES_PER_DASHBOARD_STACK)}`;
    slices.set(key, [...(slices.get(key) ?? []), page]);
  }
  for (const [key, pages] of slices) {
    stacks.push(
      new DashboardStack(scope, `Dashboards-${key}`, {
        config,
        plan,
        pages,
        env,
        stackName: `${prefix}-dashboards-${key}`,
        description: `depmon ${config.name}: detail dashboards ${pages.map((p) => p.key).join(', ')}`,
      }),
    );
  }
  return stacks;
}

/** The alarm stack count: a whole number from 1 (a context value arrives as text). */
function alarmStackCount(configFile: string, value: number | undefined): number {
  const n = value ?? DEFAULT_ALARM_STACKS;
  if (Number.isInteger(n) && n >= 1 && n <= 200) return n;
  throw new ConfigError(configFile, [
    { path: 'alarmStacks', message: `expected a whole number of alarm stacks from 1 to 200 (got ${value})` },
  ]);
}

/** A synthesized home Region: each stack's template by stack name, and all their resources in one template. */
export interface HomeRegionSynth {
  readonly plan: AlarmPlan;
  readonly layout: HomeLayout;
  readonly templates: ReadonlyMap<string, HomeTemplate>;
  /** Every home stack's resources in one template (logical ids of alarms are unique across them). */
  readonly template: HomeTemplate;
}

export interface HomeTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
}

/**
 * Synthesizes the home Region's stacks in-process, asset bundling skipped, into a temporary cloud assembly
 * that is removed afterwards. What `cdk synth` emits for these stacks, minus the bundled code.
 */
export function synthHomeRegion(
  config: MonitorConfig,
  configFile: string,
  options: { alarmStacks?: number; targetsPerFunction?: number } = {},
): HomeRegionSynth {
  const outdir = mkdtempSync(path.join(tmpdir(), 'depmon-home-'));
  try {
    // CDK's built-in template validation only reads the templates and takes seconds per thousand alarms; the
    // stack traces CDK records for every construct go to the assembly's metadata, never to a template, and
    // took a sixth of this synth at 1,000 dependencies.
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      stackTraces: false,
      context: { 'aws:cdk:bundling-stacks': [], [DISABLE_CREATION_STACK_TRACES]: true },
    });
    const stacks = homeRegionStacks(app, {
      config,
      configFile,
      env: { region: config.homeRegion },
      stackNamePrefix: `depmon-${config.name}`,
      ...options,
    });
    const assembly = app.synth();
    const templates = new Map(
      stacks.all.map((s) => [s.stackName, assembly.getStackByName(s.stackName).template as HomeTemplate]),
    );
    return {
      plan: stacks.plan,
      layout: stacks.layout,
      templates,
      template: mergeTemplates([...templates.values()]),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * One template holding every stack's resources. Alarm logical ids derive from alarm names, unique across the
 * stacks; any other id two stacks share (CDK's metadata, the empty-stack placeholder) keeps its first copy.
 */
export function mergeTemplates(templates: readonly HomeTemplate[]): HomeTemplate {
  const resources: HomeTemplate['Resources'] = {};
  for (const t of templates) {
    for (const [id, r] of Object.entries(t.Resources)) {
      const prior = resources[id];
      if (prior && r.Type.startsWith('AWS::CloudWatch::') && prior.Type.startsWith('AWS::CloudWatch::'))
        throw new Error(`two home stacks define the alarm resource ${id}`);
      if (!prior) resources[id] = r;
    }
  }
  return { Resources: resources };
}
