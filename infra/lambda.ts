// One way to build depmon's Lambda functions: Node 22 on arm64, ESM, minified by the local esbuild
// (no Docker), a log group with retention, and an optional value delivered beside the bundle at build time.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EMBED_FILE } from '#shared/runtime';

/** Running as the installed package's compiled JavaScript (dist/infra/lambda.js), not the TypeScript sources. */
const COMPILED = import.meta.url.endsWith('.js');

/** Package root: this file lives in infra/, or in dist/infra/ once compiled. */
export const PROJECT_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  COMPILED ? '../..' : '..',
);

/**
 * Where esbuild runs and which lock file NodejsFunction reads (only to pick the package manager that runs
 * esbuild). In the repository: the repository. Installed: the user's project, which holds depmon's node_modules
 * (the entry must lie under it) and whatever lock file it has; depmon ships none, and npm is the default.
 */
function bundleRoots(): { projectRoot: string; depsLockFilePath: string } {
  if (!COMPILED)
    return { projectRoot: PROJECT_ROOT, depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json') };
  const at = PROJECT_ROOT.indexOf(`${path.sep}node_modules${path.sep}`);
  const projectRoot = at > 0 ? PROJECT_ROOT.slice(0, at) : PROJECT_ROOT;
  const lock = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock']
    .map((name) => path.join(projectRoot, name))
    .find((file) => existsSync(file));
  return { projectRoot, depsLockFilePath: lock ?? path.join(PROJECT_ROOT, 'package.json') };
}

/** A handler's source (`functions/probe/handler.ts`), or its compiled JavaScript in the installed package. */
function entryFile(entry: string): string {
  return COMPILED
    ? path.join(PROJECT_ROOT, 'dist', entry.replace(/\.ts$/, '.js'))
    : path.join(PROJECT_ROOT, entry);
}

/** Lambda runtime the functions ship to; tests load the bundles on the same major version. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/**
 * ESM bundles that include undici use `require` for node built-ins; ESM has none, so define one.
 * (See TOOLCHAIN.md: "Dynamic require of node:… is not supported".)
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __depmonCreateRequire } from 'node:module'; const require = __depmonCreateRequire(import.meta.url);";

/**
 * Packages replaced in the bundles (esbuild `alias`, absolute paths: esbuild may run in a user's project). The
 * SDK clients' default credential chain (profiles, SSO, web identity, containers, IMDS, with their STS/SSO
 * clients, ~100 KB) becomes an environment-only provider: Lambda always passes the role's credentials there.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': entryFile('aws/lambda-credential-provider.ts'),
};

/**
 * Left out of the bundles, never loaded on Lambda. undici embeds its HTTP parser (llhttp) twice as base64
 * WebAssembly, with and without SIMD (70 KB each); it loads the SIMD build unless the runtime lacks
 * WebAssembly SIMD (Lambda's Node 22 has it on x86_64 and arm64) or UNDICI_NO_WASM_SIMD=1 is set, and only
 * then would it `require` the other one, which would fail: "Cannot find module '../llhttp/llhttp-wasm.js'".
 */
export const BUNDLE_EXTERNALS: readonly string[] = ['*/llhttp-wasm.js'];

export interface DepmonFunctionProps
  extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'bundling' | 'entry' | 'logGroup'> {
  /** Handler source, relative to the repository root, e.g. `functions/probe/handler.ts`. */
  readonly entry: string;
  /**
   * JSON-serialisable value the function reads at start-up (e.g. its dependencies): written as
   * `depmon-embed.json` beside `index.mjs` in the code asset (shared/runtime `EMBED_FILE`, `readEmbed`).
   */
  readonly embed?: unknown;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** Minify and tree-shake. @default true */
  readonly minify?: boolean;
  /** Explicit log group name (the dashboard's Logs Insights widgets read probe logs by name). @default generated */
  readonly logGroupName?: string;
}

/** A NodejsFunction with depmon's defaults; its role may write to its own log group and nothing else of logs. */
export class DepmonFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: DepmonFunctionProps) {
    const { embed, logRetention, minify = true, entry, logGroupName, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      ...(logGroupName ? { logGroupName } : {}),
      retention: logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      memorySize: 256,
      timeout: Duration.seconds(60),
      tracing: Tracing.DISABLED,
      ...rest,
      entry: entryFile(entry),
      ...bundleRoots(),
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      logGroup,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify,
        sourceMap: false,
        banner: ESM_REQUIRE_BANNER,
        // The embed goes into the asset as a file, never on esbuild's command line (128 KiB per argument).
        ...(embed !== undefined ? { commandHooks: embedHooks(scope, embed) } : {}),
        // The AWS SDK v3 ships in the Lambda runtime, but pinning our own keeps tested == shipped.
        externalModules: [...BUNDLE_EXTERNALS],
        // From the sources, "#shared/x" must resolve to the .ts files (package.json "imports"); compiled, to dist/.
        ...(COMPILED ? {} : { tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json') }),
        esbuildArgs: {
          '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`),
          // Custom conditions replace esbuild's default `module` one: without it the AWS SDK resolves to its
          // CommonJS build, which does not tree-shake (+165 KB in the probe).
          ...(COMPILED ? {} : { '--conditions': 'depmon-source,module' }),
        },
        forceDockerBundling: false,
      },
    });
    this.addToRolePolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is deliberate: the bundles are tested on a real Node 22 binary before they ship (test/infra); ' +
        'a newer runtime is adopted by changing LAMBDA_RUNTIME together with that test.',
    });
  }
}

/**
 * Bundling hooks that copy `embed`, written as JSON under the cloud assembly, into the asset beside the bundle.
 * The asset's hash covers the bundle folder, so a function whose embed changed is redeployed and no other is.
 * Only written when this stack is bundled (a synth that skips bundling never reads it).
 */
function embedHooks(scope: Construct, embed: unknown) {
  let source: string | undefined;
  if (Stack.of(scope).bundlingRequired) {
    const json = JSON.stringify(embed);
    // Absolute: the copy runs in the bundling's working directory (the package's folder), not the app's.
    const dir = path.resolve(Stage.of(scope)?.outdir ?? PROJECT_ROOT, 'depmon-embeds');
    mkdirSync(dir, { recursive: true });
    source = path.join(dir, `${createHash('sha256').update(json).digest('hex').slice(0, 32)}.json`);
    writeFileSync(source, json);
  }
  const copy = process.platform === 'win32' ? 'copy /Y' : 'cp';
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    // CDK builds the command even for a stack it will not bundle; then there is nothing to copy.
    afterBundling: (_input: string, output: string) =>
      source ? [`${copy} "${source}" "${path.join(output, EMBED_FILE)}"`] : [],
  };
}
