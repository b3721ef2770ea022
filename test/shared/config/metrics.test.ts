// The opt-in `Latency` metric in the config: `metrics.latency` for every dependency, a dependency's own
// `latencyMetric` over it, settled once by the schema so downstream code reads one boolean per dependency.
import { describe, expect, it } from 'vitest';
import { configInput, type MonitorConfigInput, parseConfig } from '#shared/config';

const input = (
  metrics: MonitorConfigInput['metrics'],
  own: Record<string, boolean> = {},
): MonitorConfigInput => ({
  name: 't',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  ...(metrics ? { metrics } : {}),
  dependencies: ['ledger', 'pay', 'sms'].map((id, i) => ({
    id,
    name: id,
    tier: i === 0 ? ('first-party' as const) : ('third-party' as const),
    critical: i === 0,
    http: { url: `https://${id}.example/` },
    ...(own[id] !== undefined ? { latencyMetric: own[id] } : {}),
  })),
});

const latencyOf = (i: MonitorConfigInput) =>
  Object.fromEntries(parseConfig(i).dependencies.map((d) => [d.id, d.latencyMetric]));

describe('metrics.latency and latencyMetric', () => {
  it('are off by default: no dependency has the Latency metric', () => {
    // Act
    const config = parseConfig(input(undefined));
    // Assess
    expect(config.metrics).toEqual({ latency: false });
    expect(latencyOf(input(undefined))).toEqual({ ledger: false, pay: false, sms: false });
  });

  it('turn it on for every dependency, or for one, a dependency saying otherwise winning', () => {
    // Assess
    expect(latencyOf(input({ latency: true }))).toEqual({ ledger: true, pay: true, sms: true });
    expect(latencyOf(input({ latency: true }, { sms: false }))).toEqual({
      ledger: true,
      pay: true,
      sms: false,
    });
    expect(latencyOf(input(undefined, { ledger: true }))).toEqual({ ledger: true, pay: false, sms: false });
  });

  it('survive configInput: the same config again, and metrics.latency of the input still reaches the rest', () => {
    // Prepare
    const parsed = parseConfig(input(undefined, { ledger: true }));
    // Act
    const again = configInput(parsed);
    const flipped = { ...again, metrics: { latency: true } };
    // Assess
    expect(parseConfig(again)).toEqual(parsed);
    expect(latencyOf(flipped)).toEqual({ ledger: true, pay: true, sms: true });
    expect(latencyOf(configInput(parseConfig(input({ latency: true }, { sms: false }))))).toEqual({
      ledger: true,
      pay: true,
      sms: false,
    });
  });

  it('refuse an unknown key under metrics, naming it', () => {
    // Act
    const act = () =>
      parseConfig({ ...input(undefined), metrics: { latency: true, p99: true } } as never, 'm.json');
    // Assess
    expect(act).toThrow('m.json: metrics.p99: unknown key "p99"');
  });
});
