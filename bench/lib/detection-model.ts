// A Monte Carlo of detection time for fast-profile designs, under the simulator's CloudWatch timing model
// (shared/simulate/timing.ts) and its evaluator's window (shared/simulate/evaluator.ts `rangeValues`), for the
// outages of the detection bench's random scenario set. It weighs designs before building them: it is not the
// bench (which runs the real probe engine and the synthesized alarms), and it is calibrated against the bench's
// measured figures for the design that exists (`fast`: 10 s periods, 2 of 3 rounds).
//
//   npx tsx --conditions=depmon-source bench/lib/detection-model.ts
import { parseConfig } from '#shared/config';
import bank from '../../examples/bank/monitor.config.ts';
import { INGESTION_DELAY_MAX_MS, INGESTION_DELAY_MIN_MS } from '../../shared/simulate/timing.ts';
import { randomScenarios } from '../sections/detection.ts';
import { percentile } from './machine.ts';

/** The fast profile's high-resolution period; alarms on it are evaluated every 10 s at their own offset. */
const PERIOD_S = 10;
/** Before core evidence: external-outage composites waited this long for core-outage before paging. */
const SUPPRESSOR_WAIT_S = 9;
/** How often the paging core reads core's votes again while an external page waits (`CORE_EVIDENCE_POLL_MS`). */
const EVIDENCE_POLL_S = 2;

/**
 * How an external page waits for core: a fixed suppressor wait (before), or the paging core's wait for core's
 * own votes of the round the partner's alarm acted on to be visible in a quorum of regions (now).
 */
type ExternalHold = 'suppressor' | 'evidence';
const TRIALS = 2000;

/** A design: when the vote that fires the alarm is published, relative to the first failing round. */
interface Design {
  readonly name: string;
  /** Seconds from the first failing round to the round whose datums fire the alarm (its timestamp). */
  readonly confirmRoundS: (interval: number) => number;
  /** Seconds from that round's start to its publish (an in-round retry delays the publish). */
  readonly publishAfterS: (interval: number) => number;
  /** The longest all-region failure that cannot page (the confirmation span). */
  readonly blipProofS: (interval: number) => number;
}

const DESIGNS: Design[] = [
  {
    name: 'fast below 60 s (and at 60 s before the second look): 10 s periods, 2 of 3 rounds',
    confirmRoundS: (i) => i,
    publishAfterS: () => 0,
    blipProofS: (i) => i,
  },
  {
    name: '(b) 10 s periods, 2 consecutive rounds',
    confirmRoundS: (i) => i,
    publishAfterS: () => 0,
    blipProofS: (i) => i,
  },
  ...[5, 10, 14, 20].map(
    (d): Design => ({
      name: `(a) in-round second look after ${d} s, one round`,
      confirmRoundS: () => 0,
      publishAfterS: () => d,
      blipProofS: () => d,
    }),
  ),
];

const uniformInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** The quorum-th earliest of the regions' ingestion delays, in seconds (each region publishes on its own). */
function quorumIngestionS(regions: number, quorum: number): number {
  const d = Array.from(
    { length: regions },
    () => uniformInt(INGESTION_DELAY_MIN_MS, INGESTION_DELAY_MAX_MS) / 1000,
  );
  return d.sort((a, b) => a - b)[quorum - 1]!;
}

/** Page time after onset for one outage under one draw of the timing model. */
function detectOnce(
  design: Design,
  interval: number,
  onset: number,
  regions: number,
  third: boolean,
  hold: ExternalHold,
): number {
  const quorum = 2;
  const firstRound = Math.ceil(onset / interval) * interval;
  const round = firstRound + design.confirmRoundS(interval);
  const visible = round + design.publishAfterS(interval) + quorumIngestionS(regions, quorum);
  // The period holding the round closes at the next multiple of 10 s; an evaluation at t reads periods ending
  // at floor(t / 10) * 10 with the datums ingested by t; this alarm's evaluations fall at 10 k + offset.
  const periodEnd = (Math.floor(round / PERIOD_S) + 1) * PERIOD_S;
  const offset = uniformInt(0, PERIOD_S - 1);
  let t = Math.floor(periodEnd / PERIOD_S) * PERIOD_S + offset;
  while (t < visible) t += PERIOD_S;
  if (!third) return t - onset;
  if (hold === 'suppressor') return t + SUPPRESSOR_WAIT_S - onset;
  // Core's probe function publishes apart from the partner's: its datums for the round the partner's alarm
  // acted on are visible once a quorum of its regions' publishes are ingested.
  const coreVisible = round + design.publishAfterS(interval) + quorumIngestionS(3, 2);
  const wait = coreVisible <= t ? 0 : Math.ceil((coreVisible - t) / EVIDENCE_POLL_S) * EVIDENCE_POLL_S;
  return t + wait - onset;
}

/**
 * Expected false pages over the set from its all-region blips: a blip of L s pages when a round falls in its
 * first L - span seconds (rounds are every `interval` s, the onset's phase uniform); a blip of a whole interval
 * or more is owed nothing either way (the bench scores it "maybe").
 */
function expectedBlipPages(design: Design, interval: number, blips: readonly number[]): number {
  const span = design.blipProofS(interval);
  return blips.reduce((n, l) => n + (l >= interval ? 0 : Math.max(0, l - span) / interval), 0);
}

function main(): void {
  const config = parseConfig(bank);
  // randomScenarios names each scenario's all-region blip in its description ("x blips N s").
  const blips = randomScenarios(12).map((s) => Number(/blips (\d+) s/.exec(s.description ?? '')?.[1] ?? 0));
  console.log(`all-region blips of the set (s): ${blips.join(', ')}`);
  const outages = randomScenarios(12).map((s) => {
    // The scenario's quorum outage (its one-region failure is owed no page).
    const first = s.events.find(
      (e) =>
        (e.state === 'down' || e.state.startsWith('status:')) &&
        (e.regions === 'all' || e.regions.length >= config.policy.quorum),
    )!;
    const [m, sec] = /^(\d+)m(\d+)s$/.exec(first.at)!.slice(1).map(Number) as [number, number];
    const dep = config.dependencies.find((d) => d.id === first.dependency)!;
    const regions = first.regions === 'all' ? config.probeRegions.length : first.regions.length;
    return { onset: m * 60 + sec, regions, third: dep.tier === 'third-party' };
  });
  for (const interval of [60, 15]) {
    for (const [design, hold] of DESIGNS.flatMap((d) =>
      (['suppressor', 'evidence'] as const).map((h) => [d, h] as const),
    )) {
      const p95s: number[] = [];
      const p50s: number[] = [];
      for (let k = 0; k < TRIALS; k++) {
        const secs = outages.map((o) => detectOnce(design, interval, o.onset, o.regions, o.third, hold));
        p95s.push(percentile(secs, 95));
        p50s.push(percentile(secs, 50));
      }
      console.log(
        `${interval} s | ${design.name}, external pages wait for ${hold === 'suppressor' ? 'a 9 s suppressor' : "core's votes"} | p50 ${percentile(p50s, 50).toFixed(0)} | p95 median ${percentile(p95s, 50).toFixed(0)} (5-95%: ${percentile(p95s, 5).toFixed(0)}-${percentile(p95s, 95).toFixed(0)}) | P(p95 under target) ${(p95s.filter((x) => x < (interval === 60 ? 140 : 50)).length / TRIALS).toFixed(2)} | blips up to ${design.blipProofS(interval)} s cannot page; expected false pages from the set's blips ${expectedBlipPages(design, interval, blips).toFixed(2)}`,
      );
    }
  }
}

main();
