// What a probe function is handed, for tests that run it in-process: a shard's embed and its settings.
import type { MonitorConfig } from '#shared/config';
import { type ProbeEmbed, type ProbeSettings, probeEmbed } from '#shared/runtime';

/** The embed the probe stack builds for the config's third-party dependencies as one shard. */
export function thirdPartyEmbed(config: MonitorConfig, concurrency: number): ProbeEmbed {
  const dependencies = config.dependencies.filter((d) => d.tier === 'third-party');
  return { ...probeEmbed(config, { tier: 'third-party', shard: 0, dependencies }), concurrency };
}

/** Third-party shard 0 in ap-northeast-1, reporting to ap-northeast-2, every 60 s unless `over` says otherwise. */
export function probeSettings(over: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    tier: 'third-party',
    shard: 0,
    probeRegion: 'ap-northeast-1',
    homeRegion: 'ap-northeast-2',
    namespace: 'Depmon',
    intervalSeconds: 60,
    ...over,
  };
}
