// The `depmon` command: parses argv, hands each subcommand to its module in cli/commands/, maps errors to exit codes.
import { ConfigError } from '#shared/config';
import { UsageError } from './usage.ts';

/** Subcommands and the modules that run them. Each module exports `run(args, io): Promise<number>`. */
const COMMANDS = {
  check: () => import('./commands/check.ts'),
  simulate: () => import('./commands/simulate.ts'),
  cost: () => import('./commands/cost.ts'),
  timeline: () => import('./commands/timeline.ts'),
  start: () => import('./commands/start.ts'),
  init: () => import('./commands/init.ts'),
  app: () => import('./commands/app.ts'),
  ack: () => import('./commands/respond.ts'),
  note: () => import('./commands/note.ts'),
  drill: () => import('./commands/drill.ts'),
} as const;

export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const HELP = `depmon: dependency-health monitor

Usage:
  depmon init [DIR]                               a starting project: monitor.config.ts, cdk.json, a scenario
  depmon check [--config FILE] [--json]           probe every dependency once from this machine
  depmon simulate SCENARIO [--config FILE] [--json] [--report FILE.html] [--timeline FILE]
                                                  replay an outage scenario through the real alarm rules
  depmon cost [--config FILE] [--json] [--free-tier]
                                                  monthly AWS bill of the synthesized stacks, beside
                                                  Synthetics and Route 53
  depmon timeline --from ISO --to ISO [--config FILE] [--out FILE]
                                                  the minute-by-minute account of an incident
  depmon timeline --verify FILE.json             check an exported account's hash chain
  depmon ack INCIDENT [--by NAME]                 record an acknowledgement in the page log
  depmon note INCIDENT "text" [--by NAME]         record an action (a fallback switched, customers told)
  depmon drill start DEPENDENCY --minutes N [--regions R1,R2] [--core]
                                                  deployed probes report it failing (DRILL) for N minutes
  depmon drill stop [DEPENDENCY]                  end a drill early
  depmon start                                    the bundled Kakao-fire rehearsal (what npm start runs)
  depmon app                                      the CDK app that cdk.json runs (npx cdk synth / deploy)

Exit codes: 0 ok, 1 a dependency is down (check), 2 bad usage or bad input.
`;

export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout.write(HELP);
    return cmd === undefined ? 2 : 0;
  }
  const load = (
    COMMANDS as Record<
      string,
      (() => Promise<{ run: (args: string[], io: CliIO) => Promise<number> }>) | undefined
    >
  )[cmd];
  if (!load) {
    io.stderr.write(`depmon: unknown command "${cmd}"\n\n${HELP}`);
    return 2;
  }
  try {
    const mod = await load();
    return await mod.run([...rest], io);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}
