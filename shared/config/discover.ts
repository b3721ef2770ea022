// Which monitor config a command uses: one rule for every command, the CDK app and scenarios (README "Which
// config file"). In order:
//   1. the file named explicitly: `--config FILE` on the command line, `-c config=FILE` (or cdk.json's
//      context) for the CDK app; relative to the working directory;
//   2. for a scenario, its `config:`, relative to the scenario file;
//   3. monitor.config.ts, .json, .yaml or .yml in the working directory;
//   4. nothing else: an error saying where it looked and how to name one.
// The bundled example is never a silent fallback: `npm start` and the repository's cdk.json name it.
import { ConfigError } from './errors.ts';
import { findConfigFile } from './load.ts';

export interface ConfigRequest {
  /** The working directory: where a named file is resolved and where discovery looks. */
  readonly cwd: string;
  /** Who asks, as the error names it: `check`, `simulate`, `cdk synth`… */
  readonly command: string;
  /** The file named explicitly (`--config`, or the CDK context's `config`); wins over everything. */
  readonly named?: string | undefined;
  /** How a user names one for this command, for the error. @default '--config FILE' */
  readonly flag?: string;
  /** For a scenario: the file as shown in messages, and its `config:` resolved against the scenario's folder. */
  readonly scenario?: { readonly file: string; readonly config?: string | undefined };
}

export type ConfigOrigin = 'named' | 'scenario' | 'discovered';

/** Thrown when no rule finds a config: a ConfigError, so every command maps it to its bad-config exit code. */
export class ConfigNotFoundError extends ConfigError {
  constructor(
    readonly command: string,
    readonly cwd: string,
    message: string,
  ) {
    super('config', [{ path: '', message }]);
    this.message = `depmon: ${command}: ${message}`;
    this.name = 'ConfigNotFoundError';
  }
}

/** The config file a command uses by the one rule, with how it was chosen. Never falls back to the example. */
export function resolveConfigFile(req: ConfigRequest): { file: string; origin: ConfigOrigin } {
  if (req.named !== undefined) return { file: req.named, origin: 'named' };
  if (req.scenario?.config !== undefined) return { file: req.scenario.config, origin: 'scenario' };
  const found = findConfigFile(req.cwd);
  if (found !== undefined) return { file: found, origin: 'discovered' };
  const scenario = req.scenario ? `, or set config: in ${req.scenario.file}` : '';
  throw new ConfigNotFoundError(
    req.command,
    req.cwd,
    `no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${req.cwd}; name one with ${req.flag ?? '--config FILE'}${scenario}`,
  );
}
