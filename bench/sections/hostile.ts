// Section h: hostile input. How long the config and scenario loaders take per input on the property-based tests'
// generators (the tests assert the outcome, this measures the time), and how long an assertion regex built to
// backtrack takes on RE2 against bodies up to the largest maxBodyBytes allows.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { compileAssertionRegex, loadConfigFile, MAX_INPUT_FILE_BYTES, parseConfig } from '#shared/config';
import { parseScenario } from '#shared/simulate';
import { fileText, mutated, VALID_CONFIG, VALID_SCENARIO } from '../../test/helpers/hostile-inputs.ts';
import {
  fmt,
  load,
  mdTable,
  median,
  percentile,
  type RunOptions,
  type SectionResult,
} from '../lib/machine.ts';

const SEED = 16;

function timeEach(inputs: readonly unknown[], run: (x: unknown) => void): number[] {
  return inputs.map((x) => {
    const t0 = performance.now();
    try {
      run(x);
    } catch {
      // refusals are the expected outcome of most inputs
    }
    return performance.now() - t0;
  });
}

async function timeEachAsync(
  inputs: readonly string[],
  run: (x: string) => Promise<unknown>,
): Promise<number[]> {
  const out: number[] = [];
  for (const x of inputs) {
    const t0 = performance.now();
    await run(x).catch(() => undefined);
    out.push(performance.now() - t0);
  }
  return out;
}

const row = (what: string, n: number, ms: readonly number[]) => [
  what,
  n,
  fmt(median(ms), 3),
  fmt(percentile(ms, 99), 2),
  fmt(Math.max(...ms), 1),
];

export async function run(log: (s: string) => void, { smoke }: RunOptions): Promise<SectionResult> {
  const atStart = load();
  const RUNS = smoke ? 50 : 3000;
  // Loaders.
  const configs = fc.sample(mutated(VALID_CONFIG), { seed: SEED, numRuns: RUNS });
  const scenarios = fc.sample(mutated(VALID_SCENARIO), { seed: SEED, numRuns: RUNS });
  const texts = fc.sample(fileText(VALID_CONFIG), { seed: SEED, numRuns: smoke ? 20 : 500 });
  log(`${RUNS} configs, ${RUNS} scenarios, ${texts.length} config files`);
  const cfgMs = timeEach(configs, (c) => parseConfig(c, 'monitor.config.ts'));
  const scnMs = timeEach(scenarios, (s) => parseScenario(s, 'scenario.yaml', '/tmp'));
  const dir = await mkdtemp(path.join(tmpdir(), 'depmon-bench-hostile-'));
  let fileMs: number[];
  let capMs: number[];
  try {
    fileMs = await timeEachAsync(texts, async (t) => {
      await writeFile(path.join(dir, 'monitor.config.yaml'), t);
      return loadConfigFile('monitor.config.yaml', dir);
    });
    await writeFile(path.join(dir, 'big.yaml'), `name: x\n# ${'x'.repeat((smoke ? 3 : 20) * 1024 * 1024)}\n`);
    capMs = await timeEachAsync(['big.yaml', 'big.yaml', 'big.yaml'], (f) => loadConfigFile(f, dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Regexes built to backtrack, on RE2, against bodies of 1 MiB (the default maxBodyBytes) to 16 MiB.
  const patterns = ['^(a+)+$', '(x+x+)+y', '(.*a){20}', '^(\\w+\\s?)*$'];
  const regexRows: (string | number)[][] = [];
  const regexData: Record<string, Record<string, number>> = {};
  for (const p of patterns) {
    const c = compileAssertionRegex(p);
    if (!c.ok) continue;
    regexData[p] = {};
    for (const mib of smoke ? [1] : [1, 4, 16]) {
      const body = `${'a'.repeat(mib * 1024 * 1024)}!`;
      const t0 = performance.now();
      c.regex.test(body);
      const ms = performance.now() - t0;
      regexData[p][`${mib}MiB`] = ms;
      regexRows.push([`\`${p}\``, `${mib} MiB`, fmt(ms, 0)]);
    }
    log(`regex ${p} done`);
  }
  const top = smoke ? 1 : 16;
  const perMiB = Math.max(...Object.values(regexData).map((d) => (d[`${top}MiB`] ?? 0) / top));
  const atEnd = load();

  const markdown = [
    'Inputs from the generators of `test/shared/config/fuzz.test.ts` (seed 16): a valid config or scenario with one to four fields replaced by',
    'anything, keys removed or invented, getters that throw, or any value at all; the files are that text as YAML,',
    'sometimes cut and spliced with noise. Times in ms per input; every input ended in a value or a ConfigError.',
    '',
    mdTable(
      ['input', 'n', 'median', 'p99', 'max'],
      [
        row('config object (parseConfig)', RUNS, cfgMs),
        row('scenario object (parseScenario)', RUNS, scnMs),
        row('config file (loadConfigFile, .yaml)', texts.length, fileMs),
        row(
          `${smoke ? 3 : 20} MiB YAML, refused by the ${MAX_INPUT_FILE_BYTES / 1024 / 1024} MiB cap`,
          capMs.length,
          capMs,
        ),
      ],
    ),
    '',
    'Assertion regexes built to backtrack, run on RE2 (re2js) against "aaa…!" bodies: time grows linearly with',
    `the body. Worst seen: ${fmt(perMiB, 0)} ms per MiB, so a body at the 64 MiB maxBodyBytes ceiling could hold the`,
    'event loop for about that × 64 ms; the probe then reports TIMEOUT if the match ran past its timeout (the',
    'default 1 MiB body stays far below any timeout). On a backtracking engine the first pattern never finishes on',
    '32 "a"s and a "!".',
    '',
    mdTable(['pattern', 'body', 'ms'], regexRows),
  ].join('\n');
  return {
    title: 'Hostile input',
    markdown,
    data: {
      load: { start: atStart, end: atEnd },
      loaders: {
        config: { median: median(cfgMs), p99: percentile(cfgMs, 99), max: Math.max(...cfgMs) },
        scenario: { median: median(scnMs), p99: percentile(scnMs, 99), max: Math.max(...scnMs) },
        file: { median: median(fileMs), p99: percentile(fileMs, 99), max: Math.max(...fileMs) },
        cap: capMs,
      },
      regex: regexData,
    },
  };
}
