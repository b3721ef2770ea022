// A dependency's check: written under one of the keys http, tcp, dns or tls (the input contract), parsed into
// one tagged `check` that code downstream switches on; and a parsed config validated again (the CDK construct).
import { describe, expect, it } from 'vitest';
import { checkHost, checkTimeoutMs, configInput, type MonitorConfigInput, parseConfig } from '#shared/config';

const core = { id: 'ledger', name: 'Ledger', tier: 'first-party', critical: true } as const;

const withDependencies = (...dependencies: MonitorConfigInput['dependencies']): MonitorConfigInput => ({
  name: 'checks',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies,
});

describe('parsed checks', () => {
  it('puts each kind of check, with its defaults, under `check` tagged by the key it was written under', () => {
    // Prepare
    const input = withDependencies(
      { ...core, http: { url: 'https://Ledger.bank.example/health' } },
      { id: 'db', name: 'DB', tier: 'first-party', tcp: { host: 'db.bank.example', port: 5432 } },
      { id: 'zone', name: 'Zone', tier: 'third-party', dns: { name: 'pay.vendor.example' } },
      { id: 'cert', name: 'Cert', tier: 'third-party', tls: { host: 'pay.vendor.example' } },
    );
    // Act
    const deps = parseConfig(input, 'm.json').dependencies;
    // Assess
    expect(deps.map((d) => d.check)).toEqual([
      expect.objectContaining({ kind: 'http', url: 'https://Ledger.bank.example/health', timeoutMs: 5000 }),
      { kind: 'tcp', host: 'db.bank.example', port: 5432, timeoutMs: 3000 },
      { kind: 'dns', name: 'pay.vendor.example', recordType: 'A', timeoutMs: 2000 },
      { kind: 'tls', host: 'pay.vendor.example', port: 443, timeoutMs: 5000, warnDays: 14 },
    ]);
    for (const d of deps) for (const key of ['http', 'tcp', 'dns', 'tls']) expect(d).not.toHaveProperty(key);
    expect(deps.map(checkHost)).toEqual([
      'ledger.bank.example',
      'db.bank.example',
      'pay.vendor.example',
      'pay.vendor.example',
    ]);
    expect(deps.map(checkTimeoutMs)).toEqual([5000, 3000, 2000, 5000]);
  });

  it('refuses a config file written in the parsed shape: the input keys are the contract', () => {
    // Prepare
    const raw = withDependencies({
      ...core,
      check: { kind: 'http', url: 'https://ledger.bank.example/' },
    } as never);
    // Act
    const act = () => parseConfig(raw, 'm.json');
    // Assess
    expect(act).toThrow('m.json: dependencies[0].check: unknown key "check"');
  });
});

describe('configInput', () => {
  it('turns a parsed config, also one that went through JSON as the Lambda bundles get it, back into input that parses to the same config', () => {
    // Prepare
    const parsed = parseConfig(
      withDependencies(
        { ...core, http: { url: 'https://ledger.bank.example/', headers: { 'X-Api-Key': '${env:KEY}' } } },
        { id: 'db', name: 'DB', tier: 'first-party', tcp: { host: 'db.bank.example', port: 5432 } },
        { id: 'zone', name: 'Zone', tier: 'third-party', dns: { name: 'pay.vendor.example' } },
        { id: 'cert', name: 'Cert', tier: 'third-party', tls: { host: 'pay.vendor.example', warnDays: 30 } },
      ),
    );
    const embedded = JSON.parse(JSON.stringify(parsed));
    // Act
    const again = parseConfig(configInput(parsed));
    const fromJson = parseConfig(configInput(embedded));
    // Assess
    expect(configInput(parsed).dependencies[3]).toMatchObject({
      tls: { host: 'pay.vendor.example', warnDays: 30 },
    });
    expect(again).toEqual(parsed);
    expect(fromJson).toEqual(parsed);
  });

  it('passes input through unchanged', () => {
    // Prepare
    const input = withDependencies({ ...core, tcp: { host: 'db.bank.example', port: 5432 } });
    // Act
    const out = configInput(input);
    // Assess
    expect(out).toEqual(input);
  });
});
