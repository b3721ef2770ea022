// The notify function at size, as Lambda runs it: its real bundle (built by `cdk synth` with the config and plan
// in depmon-embed.json beside it) loaded by Node 22 in a child process, every AWS endpoint at a local fake
// (fake-notify-aws.ts), driven through an incident: quiet ticks, a partner outage, ticks with it open, a probe
// region going blind (the alarm that names every dependency), and everything down at once. Per step: wall time,
// memory, DescribeAlarms pages and GetMetricData requests and queries, and the busiest second of each.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DESCRIBE_ALARMS_MAX_RECORDS, DESCRIBE_ALARMS_TPS } from '#aws/alarms';
import { GET_METRIC_DATA_MAX_QUERIES, GET_METRIC_DATA_TPS } from '#aws/down-metric';
import { type AlarmPlan, type AlarmState, alarmNames } from '#shared/alarms';
import type { MonitorConfig } from '#shared/config';
import type { CwCall } from './fake-cloudwatch.ts';
import { type StepCalls, startFakeNotifyAws } from './fake-notify-aws.ts';
import { NODE22, ROOT } from './machine.ts';

const CHILD = path.join(ROOT, 'bench/lib/notify-child.mjs');
/** The child's own limit: a notify invocation has 60 s (NOTIFY_TIMEOUT_SECONDS); a dozen of them far less. */
const CHILD_TIMEOUT_MS = 180_000;

export interface NotifyStep {
  readonly label: string;
  readonly ms: number;
  readonly error: string | null;
  /** Invocations at once: how many, how many failed (Lambda would retry them), the first failure. */
  readonly burst: {
    readonly invocations: number;
    readonly failed: number;
    readonly firstError: string | null;
  } | null;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly describePages: number;
  readonly describeBusiestSecond: number;
  readonly getMetricDataRequests: number;
  readonly getMetricDataMaxQueries: number;
  readonly getMetricDataBusiestSecond: number;
  readonly published: number;
}

export interface NotifyAtSize {
  readonly node: string;
  readonly alarms: number;
  readonly importMs: number;
  /** Import plus the first invocation (reading depmon-embed.json, creating the clients): Lambda's init and first call. */
  readonly initMs: number;
  readonly steps: readonly NotifyStep[];
  /**
   * Each single invocation inside DescribeAlarms' and GetMetricData's default TPS and GetMetricData's 500 queries
   * (a page over DescribeAlarms' 100 records fails the step instead).
   */
  readonly withinLimits: boolean;
  /** The same for the burst of invocations: their reads, one holder after the other, counted together. */
  readonly burstWithinLimits: boolean;
}

type Scene = (states: Map<string, AlarmState>) => void;

const message = (alarm: string, at: Date) => ({
  Records: [
    {
      Sns: {
        Message: JSON.stringify({
          AlarmName: alarm,
          NewStateValue: 'ALARM',
          OldStateValue: 'OK',
          NewStateReason: 'bench',
          StateChangeTime: at.toISOString(),
          AlarmActions: [],
          OKActions: [],
        }),
      },
    },
  ],
});
const TICK = { source: 'depmon.tick' };

/** The incident the child goes through, step by step: the event, and the alarm states CloudWatch holds meanwhile. */
function script(config: MonitorConfig, plan: AlarmPlan) {
  const now = new Date();
  const group = config.dependencies.find((d) => d.group)?.group;
  const external = group ? alarmNames.externalOutage(config, group) : undefined;
  const region = config.probeRegions.at(-1)!;
  const blind = alarmNames.blindRegion(config, region);
  const allOk: Scene = (s) => {
    s.clear();
    for (const a of plan.alarms) s.set(a.name, 'OK');
  };
  const partner: Scene = (s) => {
    allOk(s);
    for (const d of config.dependencies.filter((x) => x.group === group))
      s.set(alarmNames.down(config, d.id), 'ALARM');
    if (external) s.set(external, 'ALARM');
  };
  const blindToo: Scene = (s) => {
    partner(s);
    for (const a of plan.alarms) if (a.region === region) s.set(a.name, 'ALARM');
  };
  const partners = plan.alarms.filter((a) => a.role === 'external-outage').map((a) => a.name);
  const allPartners: Scene = (s) => {
    allOk(s);
    for (const d of config.dependencies)
      if (d.tier === 'third-party') s.set(alarmNames.down(config, d.id), 'ALARM');
    for (const name of partners) s.set(name, 'ALARM');
  };
  const storm: Scene = (s) => {
    allOk(s);
    for (const a of plan.alarms)
      if (a.type === 'composite' || a.name.includes('-down-')) s.set(a.name, 'ALARM');
  };
  const steps: { label: string; event: unknown; scene: Scene; burst?: boolean }[] = [
    { label: 'init: first tick, all OK', event: TICK, scene: allOk },
    ...[1, 2, 3].map((k) => ({ label: `quiet tick ${k}`, event: TICK, scene: allOk })),
    ...(external
      ? [{ label: 'partner group down: its alarm', event: message(external, now), scene: partner }]
      : []),
    ...[1, 2, 3, 4, 5].map((k) => ({ label: `tick ${k}, partner outage open`, event: TICK, scene: partner })),
    {
      label: `region ${region} blind: its alarm (names every dependency)`,
      event: message(blind, now),
      scene: blindToo,
    },
    {
      label: `every partner down, core healthy: ${partners.length} external-outage alarms at once`,
      event: partners.map((name) => message(name, now)),
      scene: allPartners,
      burst: true,
    },
    {
      label: 'everything down: core-outage alarm',
      event: message(alarmNames.coreOutage(config), now),
      scene: storm,
    },
    ...[1, 2, 3].map((k) => ({ label: `tick ${k}, everything down`, event: TICK, scene: storm })),
  ];
  return steps;
}

/** The most calls that started within any one second. */
function busiest(calls: readonly CwCall[]): number {
  let most = 0;
  for (const c of calls)
    most = Math.max(most, calls.filter((d) => d.at >= c.at && d.at < c.at + 1000).length);
  return most;
}

function countStep(
  calls: StepCalls | undefined,
): Omit<NotifyStep, 'label' | 'ms' | 'error' | 'burst' | 'rssMiB' | 'heapUsedMiB'> {
  const cw = calls?.cloudwatch ?? [];
  const describe = cw.filter((c) => c.op === 'DescribeAlarms');
  const gmd = cw.filter((c) => c.op === 'GetMetricData');
  return {
    describePages: describe.length,
    describeBusiestSecond: busiest(describe),
    getMetricDataRequests: gmd.length,
    getMetricDataMaxQueries: Math.max(0, ...gmd.map((c) => c.queries ?? 0)),
    getMetricDataBusiestSecond: busiest(gmd),
    published: (calls?.other ?? []).filter((o) => o === 'sns.Publish').length,
  };
}

interface ChildStep {
  label: string;
  ms: number;
  error: string | null;
  burst: NotifyStep['burst'];
  memory: { rss: number; heapUsed: number };
}

async function runChild(file: string, endpoint: string, steps: unknown, env: Record<string, string>) {
  const child = spawn(NODE22 ?? process.execPath, [CHILD, file, endpoint, JSON.stringify(steps)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => {
    out += String(c);
  });
  child.stderr.on('data', (c) => {
    err += String(c);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  await new Promise((r) => child.once('exit', r));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`notify child gave no result (stderr: ${err.trim().slice(0, 300)})`);
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as {
    importMs: number;
    steps: ChildStep[];
    error: string | null;
  };
  if (r.error) throw new Error(`notify bundle failed to load: ${r.error}`);
  return r;
}

/** Runs the built notify bundle `file` (its depmon-embed.json beside it holds `config` and `plan`) through the script. */
export async function notifyAtSize(
  file: string,
  config: MonitorConfig,
  plan: AlarmPlan,
): Promise<NotifyAtSize> {
  const steps = script(config, plan);
  const composites = new Set(plan.alarms.filter((a) => a.type === 'composite').map((a) => a.name));
  const fake = await startFakeNotifyAws(
    (n) => composites.has(n),
    (label, states) => steps.find((s) => s.label === label)?.scene(states),
  );
  try {
    const r = await runChild(
      file,
      fake.endpoint,
      steps.map(({ label, event, burst }) => ({ label, event, ...(burst ? { burst } : {}) })),
      {
        AWS_ACCESS_KEY_ID: 'AKIDBENCHFAKE',
        AWS_SECRET_ACCESS_KEY: 'bench-fake-secret',
        AWS_REGION: config.homeRegion,
        AWS_ENDPOINT_URL: fake.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        DEPMON_ROUTE_TOPICS: JSON.stringify(
          Object.fromEntries(
            plan.routes.map((x) => [x.id, `arn:aws:sns:${config.homeRegion}:123456789012:${x.topicName}`]),
          ),
        ),
        DEPMON_STATE_TABLE: `${config.name}-page-state`,
        DEPMON_PAGE_LOG_TABLE: `${config.name}-page-log`,
      },
    );
    const measured = r.steps.map((s) => ({
      label: s.label,
      ms: s.ms,
      error: s.error,
      burst: s.burst,
      rssMiB: s.memory.rss / 1024 / 1024,
      heapUsedMiB: s.memory.heapUsed / 1024 / 1024,
      ...countStep(fake.steps.find((c) => c.label === s.label)),
    }));
    const inside = (x: NotifyStep) =>
      x.describeBusiestSecond <= DESCRIBE_ALARMS_TPS &&
      x.getMetricDataBusiestSecond <= GET_METRIC_DATA_TPS &&
      x.getMetricDataMaxQueries <= GET_METRIC_DATA_MAX_QUERIES;
    const withinLimits = measured.filter((x) => !x.burst).every(inside);
    const burstWithinLimits = measured.filter((x) => x.burst).every(inside);
    return {
      node: NODE22 ? 'Node 22' : `Node ${process.version} (no Node 22 binary)`,
      alarms: plan.alarms.length,
      importMs: r.importMs,
      initMs: r.importMs + (measured[0]?.ms ?? Number.NaN),
      steps: measured,
      withinLimits,
      burstWithinLimits,
    };
  } finally {
    await fake.close();
  }
}

/** DescribeAlarms pages a full listing of `alarms` would take (what notify read per invocation before it filtered by state). */
export const fullListingPages = (alarms: number) => Math.ceil(alarms / DESCRIBE_ALARMS_MAX_RECORDS);
