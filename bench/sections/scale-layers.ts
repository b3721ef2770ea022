// Section h: the layers at size (issue 11 point 3). `depmon simulate` of a 60-minute scenario on generated
// configs (3 regions, mixed tiers, vendor groups, every check kind): synth, run, per-round and report figures;
// the notify function's CloudWatch reads per invocation at 1,000 dependencies (real SDK, local CloudWatch).
// Smoke: 50 dependencies for 3 minutes.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DESCRIBE_ALARMS_TPS, describeAlarmStates, pacer } from '#aws/alarms';
import { buildAlarmPlan } from '#shared/alarms';
import { parseConfig } from '#shared/config';
import { startFakeCloudWatch } from '../lib/fake-cloudwatch.ts';
import { fmt, mdTable, median, type RunOptions, type SectionResult } from '../lib/machine.ts';
import { scaleConfigInput } from '../lib/scale-config.ts';
import { simulateAtSize } from '../lib/scale-sim.ts';
import { measuredTree } from '../lib/snapshot.ts';

/** Issue 11: a 60-minute scenario at 1,000 dependencies within 5 minutes on this machine. */
const TARGET_SECONDS = 300;

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const sizes = smoke ? [50] : [100, 1000];
  const minutes = smoke ? 3 : 60;
  const sims = [];
  for (const n of sizes) {
    log(`simulate: ${n} dependencies, ${minutes} minutes …`);
    const t0 = performance.now();
    const r = await simulateAtSize(n, minutes);
    const wall = (performance.now() - t0) / 1000;
    sims.push({ n, wall, r });
    log(`  ${fmt(wall, 0)} s (synth ${fmt(r.synthMs / 1000)} s, run ${fmt(r.runMs / 1000)} s)`);
  }
  const reads = await notifyReads(smoke ? 50 : 1000);
  const last = sims.at(-1)!;
  const markdown = [
    `Measured: ${measuredTree().label}. Generated configs (\`bench/lib/scale-config.ts\`): 3 probe regions, a third first-party (every 25th of those critical), third parties in vendor groups, 6 in 10 checks HTTP(S), 2 TCP, 1 DNS, 1 TLS. Scenario: a vendor group down everywhere for 30 minutes, a core service down for 10, a partner slow, one partner failing from one region, a region silent for 5 minutes. \`depmon simulate\`'s path in-process: synth of the home Region's split stacks (bundling skipped), the runner (its phases: stand-ins started and closed, probing, evaluation of the alarms, pages), the HTML report. Each stand-in is probed once per state, its result held while the state holds.`,
    '',
    mdTable(
      [
        'dependencies',
        'minutes',
        'wall (s)',
        'synth (s)',
        'run (s)',
        'stand-ins / probing / evaluation / pages (s)',
        'round p50 (s)',
        'alarms',
        'real probes',
        'pages',
        'report (KiB)',
      ],
      sims.map(({ n, wall, r }) => [
        n,
        minutes,
        fmt(wall, 0),
        fmt(r.synthMs / 1000),
        fmt(r.runMs / 1000),
        [r.phases.standIns, r.phases.probing, r.phases.evaluation, r.phases.pages]
          .map((ms) => fmt(ms / 1000))
          .join(' / '),
        fmt(median(r.roundMs.slice(1)) / 1000, 2),
        r.simulation.stats.alarms,
        r.simulation.stats.probes,
        r.simulation.pages.length,
        fmt(r.reportBytes / 1024, 0),
      ]),
    ),
    '',
    `At ${last.n} dependencies the ${minutes}-minute scenario took ${fmt(last.wall, 0)} s (target ${TARGET_SECONDS} s): ${last.wall <= TARGET_SECONDS ? 'met' : 'missed'}${smoke ? ' (smoke size)' : ''}. The machine's load is in the header above: the wall time scales with the CPU share this process gets.`,
    '',
    `Notify at ${reads.n} dependencies (${reads.alarms} alarms), real CloudWatch client against a local CloudWatch: one vendor group down, the rest OK: ${reads.quiet.calls} DescribeAlarms requests per invocation (a full listing would take ${reads.fullPages}), ${fmt(reads.quiet.ms, 0)} ms. Every dependency down at once: ${reads.storm.calls} requests, at most ${reads.storm.busiest} in any second (default quota ${DESCRIBE_ALARMS_TPS} TPS).`,
  ].join('\n');
  return {
    title: 'Layers at size',
    markdown,
    data: {
      sims: sims.map(({ n, wall, r }) => ({
        n,
        wall,
        synthMs: r.synthMs,
        phases: r.phases,
        reportBytes: r.reportBytes,
        roundMs: r.roundMs,
        stats: r.simulation.stats,
      })),
      reads,
    },
  };
}

async function notifyReads(n: number) {
  const config = parseConfig(scaleConfigInput(n), 'scale.config.json');
  const plan = buildAlarmPlan(config);
  const composites = new Set(plan.alarms.filter((a) => a.type === 'composite').map((a) => a.name));
  const clock = { now: 0 };
  const cw = await startFakeCloudWatch(clock, (name) => composites.has(name));
  try {
    const client = new CloudWatchClient({
      region: config.homeRegion,
      endpoint: cw.endpoint,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    });
    const read = async () => {
      cw.calls.length = 0;
      const t0 = performance.now();
      await describeAlarmStates(client, `${config.name}-`, undefined, {
        known: plan.alarms.map((a) => a.name),
        pace: pacer(DESCRIBE_ALARMS_TPS, {
          now: () => clock.now,
          sleep: async (ms) => {
            clock.now += ms;
          },
        }),
      });
      const calls = [...cw.calls];
      const busiest = Math.max(
        ...calls.map((c) => calls.filter((d) => d.at >= c.at && d.at < c.at + 1000).length),
      );
      return { calls: calls.length, busiest, ms: performance.now() - t0 };
    };
    for (const a of plan.alarms) cw.states.set(a.name, 'OK');
    const group = config.dependencies.find((d) => d.group)?.group;
    for (const d of config.dependencies.filter((d) => d.group === group))
      cw.states.set(`${config.name}-down-${d.id}`, 'ALARM');
    const quiet = await read();
    for (const a of plan.alarms)
      if (a.name.includes('-down-') || a.type === 'composite') cw.states.set(a.name, 'ALARM');
    const storm = await read();
    return { n, alarms: plan.alarms.length, fullPages: Math.ceil(plan.alarms.length / 100), quiet, storm };
  } finally {
    await cw.close();
  }
}
