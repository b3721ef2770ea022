// Config validation through the loaders: one fixture folder per invalid case, each with the exact message expected
// (Checkly style), and the valid minimal config as .json, .yaml and .ts, plus the bundled bank example.
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, findConfigFile, loadConfigFile, parseConfig } from '#shared/config';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const ROOT = path.resolve(import.meta.dirname, '../../..');
const cases = (kind: 'valid' | 'invalid') => readdirSync(path.join(FIXTURES, kind)).sort();

async function loadError(dir: string): Promise<ConfigError> {
  const file = findConfigFile(dir);
  expect(file).toBeDefined();
  const err = await loadConfigFile(path.basename(file!), dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('invalid configs are refused with file, field path and what was expected', () => {
  it.each(cases('invalid'))('%s', async (name) => {
    // Prepare
    const dir = path.join(FIXTURES, 'invalid', name);
    const expected = (await readFile(path.join(dir, 'expected.txt'), 'utf8')).trimEnd();
    // Act
    const err = await loadError(dir);
    // Assess
    expect(err.message).toBe(expected);
  });

  it('covers every case the issue names', () => {
    expect(cases('invalid')).toEqual(
      expect.arrayContaining([
        'unknown-key',
        'duplicate-ids',
        'bad-url',
        'bad-probe-region',
        'bad-home-region',
        'quorum-larger-than-regions',
        'no-critical-first-party',
        'channel-through-third-party',
        'literal-credential',
      ]),
    );
  });
});

describe('valid configs load with every default applied', () => {
  it.each(cases('valid'))('%s', async (name) => {
    const dir = path.join(FIXTURES, 'valid', name);
    const { config, file } = await loadConfigFile(findConfigFile(dir)!, dir);
    expect(file).toMatch(/^monitor\.config\.(json|yaml|ts)$/);
    expect(config).toMatchObject({
      name: 'mini',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      intervalSeconds: 60,
      policy: { quorum: 1, datapointsToAlarm: 2, evaluationPeriods: 3 },
      channels: [],
      routes: [],
    });
    expect(config.dependencies[0]).toMatchObject({
      id: 'ledger',
      tier: 'first-party',
      critical: true,
      check: {
        kind: 'http',
        url: 'http://127.0.0.1:8080/health',
        method: 'GET',
        expectStatus: ['2xx'],
        timeoutMs: 5000,
        degradedAfterMs: 2000,
        allAddresses: false,
        followRedirects: true,
        maxRedirects: 5,
        maxBodyBytes: 1024 * 1024,
      },
    });
  });

  it('the minimal JSON from DESIGN.md is valid as written there', () => {
    const raw =
      JSON.parse(`{ "name": "mini", "homeRegion": "ap-northeast-2", "probeRegions": ["ap-northeast-2"],
      "dependencies": [{ "id": "ledger", "name": "Ledger API", "tier": "first-party", "critical": true,
                         "http": { "url": "http://127.0.0.1:8080/health" } }] }`);
    expect(parseConfig(raw, 'design.json').dependencies).toHaveLength(1);
  });

  it('the bundled bank example is valid', async () => {
    const { config } = await loadConfigFile('examples/bank/monitor.config.ts', ROOT);
    expect(config.probeRegions).toHaveLength(3);
    expect(
      config.dependencies.filter((d) => d.tier === 'first-party' && d.critical).length,
    ).toBeGreaterThanOrEqual(3);
    expect(config.dependencies.filter((d) => d.tier === 'third-party').length).toBeGreaterThanOrEqual(4);
  });

  it('a YAML syntax error names the file and line (written at test time: the linter would refuse the fixture)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'depmon-yaml-'));
    try {
      await writeFile(
        path.join(dir, 'monitor.config.yaml'),
        'name: mini\nprobeRegions: [ap-northeast-2\ndependencies: []\n',
      );
      const err = await loadError(dir);
      expect(err.message).toMatch(/^monitor\.config\.yaml: expected valid YAML at line 3: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a config path that is a directory is a ConfigError, not an EISDIR stack trace', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), 'depmon-dir-'));
    try {
      await mkdir(path.join(dir, 'monitor.config.json'));
      // Act
      const err = await loadError(dir);
      // Assess
      expect(err.message).toBe('monitor.config.json: expected a config file, got a directory');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['', 'an empty file'],
    ['- ledger\n', 'a list'],
    ['ledger\n', 'string'],
  ])('a YAML file holding %j (not a mapping) says what it got', async (text, got) => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), 'depmon-empty-'));
    try {
      await writeFile(path.join(dir, 'monitor.config.yaml'), text);
      // Act
      const err = await loadError(dir);
      // Assess
      expect(err.message).toBe(
        `monitor.config.yaml: expected a monitor config object with name, homeRegion, probeRegions and dependencies (got ${got})`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a value of the wrong type says what was expected and what it got, in plain words', () => {
    // Prepare: what a first JSON config by hand looks like (quoted numbers, "yes", a map for a list).
    const raw = {
      name: 'mini',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      intervalSeconds: '60',
      policy: 5,
      channels: {},
      dependencies: [
        { id: 'a', name: 'A', tier: 'first-party', critical: 'yes', tcp: { host: 'h', port: 1 } },
      ],
    };
    // Act
    let err: ConfigError | undefined;
    try {
      parseConfig(raw, 'mini.json');
    } catch (e) {
      err = e as ConfigError;
    }
    // Assess
    expect(err?.message.split('\n').sort()).toEqual([
      'mini.json: channels: expected a list, got an object',
      'mini.json: dependencies[0].critical: expected true or false, got a string',
      'mini.json: intervalSeconds: expected a number, got a string',
      'mini.json: policy: expected an object (key: value pairs), got a number',
    ]);
  });

  it('a number out of range says the bound in plain words, not zod\'s "Too small: expected number to be >=1"', () => {
    // Prepare
    const raw = {
      name: 'mini',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      concurrency: 0,
      dependencies: [
        {
          id: 'a',
          name: 'A',
          tier: 'first-party',
          critical: true,
          http: { url: 'http://h/', expectStatus: 999 },
        },
      ],
    };
    // Act
    let err: ConfigError | undefined;
    try {
      parseConfig(raw, 'mini.json');
    } catch (e) {
      err = e as ConfigError;
    }
    // Assess
    expect(err?.message.split('\n').sort()).toEqual([
      'mini.json: concurrency: expected at least 1',
      'mini.json: dependencies[0].http.expectStatus: expected at most 599',
    ]);
  });

  it('a misspelt required key is reported as required, and the unknown key beside it as its likely typo', () => {
    // Prepare: "urll" for "url".
    const raw = {
      name: 'mini',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      dependencies: [
        { id: 'a', name: 'A', tier: 'first-party', critical: true, http: { urll: 'http://127.0.0.1/' } },
      ],
    };
    // Act
    let err: ConfigError | undefined;
    try {
      parseConfig(raw, 'mini.json');
    } catch (e) {
      err = e as ConfigError;
    }
    // Assess
    expect(err?.message).toBe(
      [
        'mini.json: dependencies[0].http.url: required: expected an https:// or http:// URL',
        'mini.json: dependencies[0].http.urll: unknown key "urll"',
        '  Hint: did you mean "url"? check the spelling against the config reference in docs/config.md',
      ].join('\n'),
    );
  });

  it('an empty config name is refused as such, not read as the working directory', async () => {
    await expect(loadConfigFile('', FIXTURES)).rejects.toThrow(
      /^config: expected a config file name, got an empty one$/,
    );
  });

  it('a file that does not exist is a ConfigError naming it', async () => {
    await expect(loadConfigFile('nope.json', FIXTURES)).rejects.toThrow(/^nope\.json: file not found$/);
  });
});
