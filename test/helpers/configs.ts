// Configs for the infra, runtime and simulator tests: a small multi-region one with VPC placement and secret
// references, a group of vendors beside core,
// and a large one that must be sharded.
import { type MonitorConfig, type MonitorConfigInput, parseConfig } from '#shared/config';

export const SUBNET_A = 'subnet-0123456789abcdef0';
export const SUBNET_B = 'subnet-0fedcba9876543210';
export const SG = 'sg-0123456789abcdef0';

export function configInput(overrides: Partial<MonitorConfigInput> = {}): MonitorConfigInput {
  return {
    name: 'acme',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    namespace: 'Depmon/Acme',
    vpc: {
      subnetIds: { 'ap-northeast-2': [SUBNET_A, SUBNET_B] },
      securityGroupIds: { 'ap-northeast-2': [SG] },
    },
    dependencies: [
      {
        id: 'ledger',
        name: 'Ledger',
        tier: 'first-party',
        critical: true,
        http: {
          url: 'https://ledger.acme.example/health',
          headers: { Authorization: '${secretsmanager:depmon/ledger-token}' },
        },
      },
      {
        id: 'db',
        name: 'DB proxy',
        tier: 'first-party',
        tcp: { host: 'db.acme.example', port: 5432 },
      },
      {
        id: 'partner',
        name: 'Partner API',
        tier: 'third-party',
        http: {
          url: 'https://api.partner.example/health',
          headers: {
            'X-Api-Key': '${ssm:/depmon/partner-key}',
            'X-Client':
              '${secretsmanager:arn:aws:secretsmanager:ap-northeast-2:111122223333:secret:shared/client-AbCdEf#id}',
          },
        },
      },
    ],
    channels: [{ id: 'oncall', type: 'email', address: 'oncall@acme.example' }],
    ...overrides,
  };
}

export const config = (overrides: Partial<MonitorConfigInput> = {}): MonitorConfig =>
  parseConfig(configInput(overrides), 'test.config.json');

/** `n` third-party dependencies plus the one critical core dependency the schema requires. */
export function manyDependencies(n: number): MonitorConfigInput['dependencies'] {
  return [
    {
      id: 'core',
      name: 'Core',
      tier: 'first-party',
      critical: true,
      http: { url: 'https://core.acme.example/' },
    },
    ...Array.from({ length: n }, (_, i) => ({
      id: `partner-${i}`,
      name: `Partner ${i}`,
      tier: 'third-party' as const,
      http: { url: `https://p${i}.partner.example/` },
    })),
  ];
}

/**
 * The simulator's group config: a critical core (`core`) and third parties `vendor-<m>` of one group, `vendor`,
 * all TCP checks on `.example` hosts, one e-mail channel.
 */
export function vendorGroupConfig(members: readonly string[]): MonitorConfig {
  return parseConfig({
    name: 'grp',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
    dependencies: [
      {
        id: 'core',
        name: 'Core',
        tier: 'first-party',
        critical: true,
        tcp: { host: 'core.grp.example', port: 5432 },
      },
      ...members.map((m) => ({
        id: `vendor-${m}`,
        name: `Vendor ${m.toUpperCase()}`,
        tier: 'third-party' as const,
        group: 'vendor',
        tcp: { host: `${m}.vendor.example`, port: 443 },
      })),
    ],
    channels: [{ id: 'ops', type: 'email', address: 'ops@grp.example' }],
  });
}
