// The JSON Schema shipped as depmon/schema.json: in step with the zod schema it is generated from, published
// in the package, and its `$schema` key accepted (not refused as an unknown key) in JSON and YAML configs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '#shared/config';
import { monitorJsonSchema, SCHEMA_FILE } from '../schema/generate.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const MINI = {
  name: 'mini',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger API',
      tier: 'first-party',
      critical: true,
      http: { url: 'http://127.0.0.1:8080/health' },
    },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-schema-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('schema/monitor.schema.json', () => {
  it('is what the zod schema generates today (npm run schema rewrites it)', async () => {
    // Prepare
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    // Act
    const generated = monitorJsonSchema();
    // Assess
    // Parsed: the committed file is laid out by the formatter.
    expect(JSON.parse(committed), 'schema/monitor.schema.json is stale: run npm run schema').toEqual(
      JSON.parse(generated),
    );
  });

  it('describes the config keys users write, with the same required ones and defaults', () => {
    // Act
    const schema = JSON.parse(monitorJsonSchema()) as {
      properties: Record<string, { default?: unknown }>;
      required: string[];
      additionalProperties: boolean;
    };
    // Assess
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['$schema', 'name', 'homeRegion', 'probeRegions', 'dependencies', 'channels']),
    );
    expect(schema.required.sort()).toEqual(['dependencies', 'homeRegion', 'name', 'probeRegions']);
    expect(schema.properties.intervalSeconds?.default).toBe(60);
    expect(schema.additionalProperties).toBe(false);
  });

  it("offers the opt-in Latency metric: metrics.latency (default false) and a dependency's latencyMetric", () => {
    // Act
    const schema = JSON.parse(monitorJsonSchema()) as {
      properties: {
        metrics: { default: unknown; properties: Record<string, { type: string; default?: unknown }> };
        dependencies: { items: { properties: Record<string, { type: string; default?: unknown }> } };
      };
    };
    // Assess
    expect(schema.properties.metrics.default).toEqual({ latency: false });
    expect(schema.properties.metrics.properties.latency).toEqual({ type: 'boolean', default: false });
    // No default of its own: unset, it follows metrics.latency.
    expect(schema.properties.dependencies.items.properties.latencyMetric).toEqual({ type: 'boolean' });
  });

  it('ships in the package as depmon/schema.json', async () => {
    // Act
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    // Assess
    expect(pkg.exports['./schema.json']).toBe('./schema/monitor.schema.json');
    expect(pkg.files).toContain('schema/monitor.schema.json');
  });
});

describe('$schema in a config', () => {
  it('is accepted in JSON', async () => {
    // Prepare
    const file = path.join(dir, 'monitor.config.json');
    await writeFile(
      file,
      JSON.stringify({ $schema: './node_modules/depmon/schema/monitor.schema.json', ...MINI }),
    );
    // Act
    const { config } = await loadConfigFile(file, dir);
    // Assess
    expect(config.name).toBe('mini');
    expect(config.dependencies.map((d) => d.id)).toEqual(['ledger']);
  });

  it('is accepted in YAML', async () => {
    // Prepare
    const file = path.join(dir, 'monitor.config.yaml');
    await writeFile(
      file,
      [
        '$schema: ./node_modules/depmon/schema/monitor.schema.json',
        'name: mini',
        'homeRegion: ap-northeast-2',
        'probeRegions: [ap-northeast-2]',
        'dependencies:',
        '  - { id: ledger, name: Ledger API, tier: first-party, critical: true, tcp: { host: 127.0.0.1, port: 8080 } }',
        '',
      ].join('\n'),
    );
    // Act
    const { config } = await loadConfigFile(file, dir);
    // Assess
    expect(config.dependencies[0]?.check).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 8080 });
  });

  it('is the only unknown top-level key that is: others are still refused', async () => {
    // Prepare
    const file = path.join(dir, 'typo.json');
    await writeFile(file, JSON.stringify({ ...MINI, $schemas: 'x' }));
    // Act
    const failed = await loadConfigFile(file, dir).then(
      () => undefined,
      (e: Error) => e.message,
    );
    // Assess
    expect(failed).toMatch(/typo\.json: .*\$schemas/);
  });
});
