// `depmon start` (what `npm start` runs): the bundled Kakao-fire rehearsal end to end, on this machine, with no
// AWS account: the timeline, the page exactly as on-call would receive it, and an HTML report.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPagePreview, formatSimulation, renderReport } from '#shared/simulate';
import type { CliIO } from '../main.ts';
import { checkOutputFile, writeOutput, writeTextFile } from '../output.ts';
import { parseCliArgs } from '../usage.ts';
import { REPORT_EXTENSIONS, runInputs, simulateFile, writeRehearsalTimeline } from './simulate.ts';

// cli/commands/ in the repository, dist/cli/commands/ in the installed package.
const PROJECT_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.js') ? '../../..' : '../..',
);
export const KAKAO_FIRE = path.join(PROJECT_ROOT, 'examples/scenarios/kakao-fire.yaml');
/** The bundled example bank: named here, never a fallback (README "Which config file"). */
export const EXAMPLE_CONFIG = path.join(PROJECT_ROOT, 'examples/bank/monitor.config.ts');
/** Where the report goes, relative to the working directory. */
export const REPORT_FILE = 'depmon-report.html';
/** The rehearsal's incident account (as `depmon timeline` writes for a real incident), beside the report. */
export const TIMELINE_FILE = 'depmon-timeline.md';

const USAGE = `Usage: depmon start [--report FILE.html]

Runs the bundled Kakao-fire rehearsal (examples/scenarios/kakao-fire.yaml): the messaging platform down in
every region for two hours while core banking stays healthy. Prints the timeline and the page as on-call
receives it, and writes an HTML report (default ./${REPORT_FILE}) and, beside it, the rehearsal's
minute-by-minute account (${TIMELINE_FILE}). No AWS account needed.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCliArgs(args, {
    report: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.report) {
    const inputs = await runInputs(KAKAO_FIRE, io, EXAMPLE_CONFIG);
    checkOutputFile('--report', values.report, io.cwd, { extensions: REPORT_EXTENSIONS, inputs });
    // The account goes beside the report: the same checks for it (a directory or a pipe of that name).
    const beside = path.join(path.dirname(path.resolve(io.cwd, values.report)), TIMELINE_FILE);
    checkOutputFile('--report', beside, io.cwd, { inputs });
  }
  io.stdout.write(
    [
      'depmon: rehearsing the Kakao fire (15 October 2022) against the bundled example bank.',
      'Local stand-ins on 127.0.0.1 play every dependency in three probe regions; the real probe engine',
      "probes them each minute; the home stack's alarms, as cdk synth renders them, are evaluated with",
      "CloudWatch's rules on a virtual clock; the real paging code writes the pages. No AWS involved.",
      '',
      '',
    ].join('\n'),
  );
  const result = await simulateFile(KAKAO_FIRE, io, EXAMPLE_CONFIG);
  io.stdout.write(formatSimulation(result));
  const first = result.pages.find((p) => !p.resolved);
  if (first) io.stdout.write(formatPagePreview(first));
  const file = path.resolve(io.cwd, values.report ?? REPORT_FILE);
  await writeOutput('--report', values.report ?? REPORT_FILE, () =>
    writeTextFile(file, renderReport(result)),
  );
  const timelineFile = path.join(path.dirname(file), TIMELINE_FILE);
  await writeOutput('--report', values.report ?? REPORT_FILE, async () => {
    await writeRehearsalTimeline(result, timelineFile, TIMELINE_FILE);
  });
  io.stdout.write(
    [
      `Report with the timeline chart: ${file}`,
      `Minute-by-minute account of the rehearsal (what a regulator asks for): ${timelineFile}`,
      'Next: edit examples/scenarios/*.yaml or write your own, then `npx depmon simulate FILE --report out.html`.',
      '',
    ].join('\n'),
  );
  return 0;
}
