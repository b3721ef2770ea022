// The probe Lambda handler: reads its settings and its dependency subset (the embed file beside the bundle), wires the real AWS requests
// (CloudWatch in the home Region, Secrets Manager/SSM in the probe Region) and runs one invocation.
import { envCredentials } from '#aws/credentials';
import { cachedDrillReader } from '#aws/drills';
import type { MetricDatum } from '#shared/metrics';
import { probeAll } from '#shared/probe';
import {
  type ProbeEmbed,
  type ProbeSettings,
  PUBLISH_REQUEST_TIMEOUT_MS,
  readEmbed,
  readProbeSettings,
} from '#shared/runtime';
import { type CycleRuntime, type InvocationSummary, type ProbeFn, runInvocation } from './cycle.ts';
import { checkEgress } from './egress.ts';
import { type CloudWatchTarget, type PublishOptions, publishDatums } from './publish.ts';
import { createAwsSecretResolver } from './secrets.ts';

/** One JSON object per line on stdout: Lambda stores it as-is, so Logs Insights discovers its fields. */
export const jsonLog = (record: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
};

export interface RuntimeParts {
  readonly probe: ProbeFn;
  /** The home Region's CloudWatch, for PutMetricData. */
  readonly cloudwatch: CloudWatchTarget;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Retry policy, clock and sleep of the publisher. @default DEFAULT_RETRY, real time */
  readonly publishOptions?: PublishOptions;
  readonly log?: (record: Record<string, unknown>) => void;
}

/** The runtime of a deployed function, created once per execution environment. */
export function createRuntime(settings: ProbeSettings, parts: RuntimeParts): CycleRuntime {
  const secrets = createAwsSecretResolver({ region: settings.probeRegion, env: parts.env });
  return {
    probe: parts.probe,
    checkEgress,
    publish: (datums: readonly MetricDatum[]) =>
      publishDatums(parts.cloudwatch, settings.namespace, datums, parts.publishOptions),
    secrets,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: parts.log ?? jsonLog,
    ...(settings.drillParameter
      ? {
          drills: cachedDrillReader(
            {
              region: settings.homeRegion,
              parameter: settings.drillParameter,
              credentials: envCredentials(parts.env),
              env: parts.env,
            },
            Date.now,
          ),
        }
      : {}),
  };
}

let cached: { embed: ProbeEmbed; settings: ProbeSettings; runtime: CycleRuntime } | undefined;

function init() {
  if (cached) return cached;
  // Written beside the bundle by DepmonFunction's `embed` (the shard's dependencies and probe settings).
  const embed = readEmbed<ProbeEmbed>('probe', import.meta.url);
  const settings = readProbeSettings(process.env);
  // Retries are ours (publish.ts): bounded in time, with full jitter, and counted. A hung connection must
  // fail within the publish budget, not at the function timeout.
  const cloudwatch: CloudWatchTarget = {
    region: settings.homeRegion,
    credentials: envCredentials(process.env),
    env: process.env,
    timeoutMs: PUBLISH_REQUEST_TIMEOUT_MS,
  };
  cached = {
    embed,
    settings,
    runtime: createRuntime(settings, { probe: probeAll, cloudwatch, env: process.env }),
  };
  return cached;
}

export async function handler(): Promise<InvocationSummary> {
  const { embed, settings, runtime } = init();
  return runInvocation(embed, settings, runtime);
}
