// `depmon check` through main() with fake streams, and once through the real bin, against loopback servers.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIO, main } from '../../cli/main.ts';
import { Capture } from '../helpers/cli.ts';
import {
  closedAfterEach,
  makeCerts,
  refusedPort,
  startHttp,
  startHttps,
  startTcp,
} from '../helpers/servers.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

function fakeIO(cwd: string, opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const stdout = new Capture();
  const stderr = new Capture(opts.tty ?? false);
  const io: CliIO = { stdout, stderr, cwd, env: opts.env ?? {} };
  return { io, stdout, stderr };
}

const ok = (_req: http.IncomingMessage, res: http.ServerResponse) =>
  void res.writeHead(200).end('{"status":"UP"}');

let dir: string;
const serve = closedAfterEach();
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-check-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A config whose pages reach someone (one without channels draws a warning on stderr: see its own test). */
function config(deps: unknown[]) {
  return {
    name: 'local',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2'],
    channels: [{ id: 'oncall', type: 'email', address: 'oncall@corp.example' }],
    dependencies: deps,
  };
}
const httpDep = (id: string, url: string, extra: Record<string, unknown> = {}, tier = 'first-party') => ({
  id,
  name: id,
  tier,
  critical: tier === 'first-party',
  http: { url, timeoutMs: 1000, ...extra },
});

async function writeConfig(value: unknown, name = 'monitor.config.json'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(value, null, 2));
  return file;
}

describe('depmon check', () => {
  it('--json: one JSON object with a result per dependency; exit 0 when all are up or degraded', async () => {
    // Prepare
    const fast = await serve(startHttp(ok));
    const slow = await serve(startHttp((req, res) => void setTimeout(() => ok(req, res), 150)));
    await writeConfig(
      config([
        httpDep('ledger', `http://127.0.0.1:${fast.port}/health`),
        httpDep('sms', `http://127.0.0.1:${slow.port}/`, { degradedAfterMs: 50 }, 'third-party'),
      ]),
    );
    const { io, stdout, stderr } = fakeIO(dir);
    // Act
    const code = await main(['check', '--json'], io);
    // Assess
    expect(code).toBe(0);
    expect(stderr.text).toBe('');
    const out = JSON.parse(stdout.text) as { results: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['results']);
    expect(out.results.map((r) => Object.keys(r))).toEqual([
      ['dependency', 'tier', 'status', 'latencyMs', 'httpStatus', 'timings'],
      ['dependency', 'tier', 'status', 'latencyMs', 'reason', 'detail', 'httpStatus', 'timings'],
    ]);
    expect(out.results[0]).toMatchObject({
      dependency: 'ledger',
      tier: 'first-party',
      status: 'up',
      httpStatus: 200,
    });
    // The phases README "Probe results and reason codes" lists for a plain-HTTP probe of an IP literal.
    expect(Object.keys(out.results[0]!.timings as object).sort()).toEqual(
      ['connectMs', 'dnsMs', 'firstByteMs', 'totalMs'].sort(),
    );
    expect(out.results[1]).toMatchObject({
      dependency: 'sms',
      tier: 'third-party',
      status: 'degraded',
      reason: 'SLOW',
    });
    expect(typeof out.results[0]!.latencyMs).toBe('number');
    expect(stdout.text.trim().split('\n')).toHaveLength(1);
  });

  it("--json carries a TLS check's certDaysLeft", async () => {
    // Prepare: a certificate signed by a test CA, expiring in 3 days (inside warnDays)
    const certs = await makeCerts(['localhost']);
    const tls = await serve(startHttps(certs.expiringSoon, ok));
    await writeConfig(
      config([
        httpDep('ledger', `https://127.0.0.1:${tls.port}/`, { ca: certs.ca }),
        {
          id: 'cert',
          name: 'cert',
          tier: 'third-party',
          tls: { host: '127.0.0.1', port: tls.port, ca: certs.ca },
        },
      ]),
    );
    const { io, stdout, stderr } = fakeIO(dir);
    // Act
    const code = await main(['check', '--json'], io);
    // Assess
    expect(code, stderr.text + stdout.text).toBe(0);
    const [https, row] = (JSON.parse(stdout.text) as { results: Record<string, unknown>[] }).results;
    expect(https!.certDaysLeft).toBe(row!.certDaysLeft);
    expect(row).toMatchObject({ status: 'degraded', reason: 'CERT_EXPIRING' });
    expect(row!.certDaysLeft).toBeGreaterThanOrEqual(2);
    expect(row!.certDaysLeft).toBeLessThanOrEqual(3);
  });

  it("warns on stderr, keeping stdout one JSON object, when the config's pages reach nobody", async () => {
    // Prepare: DESIGN.md's minimal config: valid, but no channels
    const fast = await serve(startHttp(ok));
    const { channels: _, ...noChannels } = config([
      httpDep('ledger', `http://127.0.0.1:${fast.port}/health`),
    ]);
    await writeConfig(noChannels);
    const { io, stdout, stderr } = fakeIO(dir);
    // Act
    const code = await main(['check', '--json'], io);
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout.text)).toHaveProperty('results');
    expect(stderr.text).toBe(
      'depmon: warning: monitor.config.json: channels: none configured, so every page reaches nobody (add channels; without routes, each gets every page)\n',
    );
  });

  it('exit 1 when any dependency is down; the table names it with its reason', async () => {
    const fast = await serve(startHttp(ok));
    const { port: closed } = await serve(refusedPort());
    await writeConfig(
      config([
        httpDep('ledger', `http://127.0.0.1:${fast.port}/health`),
        httpDep('kakao', `http://127.0.0.1:${closed}/`, {}, 'third-party'),
      ]),
    );
    const { io, stdout } = fakeIO(dir);
    const code = await main(['check'], io);
    expect(code).toBe(1);
    const lines = stdout.text.split('\n');
    // The summary first, and the failing one above the healthy one.
    expect(lines[0]).toBe('2 dependencies: 1 up, 0 degraded, 1 down');
    expect(lines[2]).toMatch(/^DEPENDENCY\s+TIER\s+STATUS\s+LATENCY\s+REASON \/ DETAIL$/);
    expect(lines[3]).toMatch(
      /^kakao\s+third-party\s+DOWN\s+\d+ ms\s+CONNECTION_REFUSED: connection refused$/,
    );
    expect(lines[4]).toMatch(/^ledger\s+first-party\s+UP\s+\d+ ms$/);
    expect(stdout.text).toMatch(/\n1 up, 0 degraded, 1 down\n$/);
  });

  it('exit 2 on a bad config: one message on stderr naming the file and the field path', async () => {
    const cfg = config([httpDep('ledger', 'http://127.0.0.1:1/')]);
    await writeConfig(
      { ...cfg, dependencies: [{ ...(cfg.dependencies[0] as object), timeout: 5 }] },
      'bad.json',
    );
    const { io, stdout, stderr } = fakeIO(dir);
    const code = await main(['check', '--config', 'bad.json'], io);
    expect(code).toBe(2);
    expect(stdout.text).toBe('');
    expect(stderr.text).toBe(
      'bad.json: dependencies[0].timeout: unknown key "timeout"\n  Hint: check the spelling against the config reference in docs/config.md\n',
    );
  });

  it('exit 2 on bad usage, and when no config file is found', async () => {
    const unknownFlag = fakeIO(dir);
    const noConfig = fakeIO(dir);
    expect(await main(['check', '--bogus'], unknownFlag.io)).toBe(2);
    expect(unknownFlag.stderr.text).toMatch(/^depmon: Unknown option '--bogus'/);
    expect(await main(['check'], noConfig.io)).toBe(2);
    expect(noConfig.stderr.text).toBe(
      `depmon: check: no monitor.config.ts, monitor.config.json or monitor.config.yaml in ${dir}; name one with --config FILE\n`,
    );
  });

  it('finds monitor.config.yaml in the working directory and resolves ${env:…} headers from the environment', async () => {
    const s = await serve(
      startHttp(
        (req, res) => void res.writeHead(req.headers.authorization === 'Bearer t0k3n' ? 200 : 401).end(),
      ),
    );
    const yaml = [
      'name: local',
      'homeRegion: ap-northeast-2',
      'probeRegions: [ap-northeast-2]',
      'dependencies:',
      '  - id: ledger',
      '    name: Ledger',
      '    tier: first-party',
      '    critical: true',
      '    http:',
      `      url: http://127.0.0.1:${s.port}/health`,
      '      headers: { Authorization: "${env:LEDGER_TOKEN}" }',
    ].join('\n');
    await writeFile(path.join(dir, 'monitor.config.yaml'), yaml);
    const withEnv = fakeIO(dir, { env: { LEDGER_TOKEN: 'Bearer t0k3n' } });
    const withoutEnv = fakeIO(dir);
    expect(await main(['check', '--json'], withEnv.io)).toBe(0);
    expect(await main(['check', '--json'], withoutEnv.io)).toBe(1);
    expect(JSON.parse(withoutEnv.stdout.text).results[0]).toMatchObject({
      status: 'down',
      reason: 'SECRET_UNAVAILABLE',
      detail:
        'header Authorization: secret ${env:LEDGER_TOKEN}: environment variable LEDGER_TOKEN is not set',
    });
    expect(withEnv.stdout.text + withoutEnv.stdout.text).not.toContain('t0k3n');
  });

  it('on a terminal, shows "probing… n/N" once the cycle passes a second, and clears it', async () => {
    const fast = await serve(startHttp(ok));
    const hung = await serve(startTcp((s) => s.resume()));
    await writeConfig(
      config([
        httpDep('ledger', `http://127.0.0.1:${fast.port}/`),
        httpDep('hung', `http://127.0.0.1:${hung.port}/`, { timeoutMs: 1400 }, 'third-party'),
      ]),
    );
    const tty = fakeIO(dir, { tty: true });
    const pipe = fakeIO(dir);
    expect(await main(['check', '--json'], tty.io)).toBe(1);
    expect(await main(['check', '--json'], pipe.io)).toBe(1);
    expect(tty.stderr.text).toBe('\r\x1b[Kprobing… 1/2\r\x1b[K');
    expect(pipe.stderr.text).toBe('');
  });

  it('runs through the real bin as a child process', async () => {
    const fast = await serve(startHttp(ok));
    const file = await writeConfig(config([httpDep('ledger', `http://127.0.0.1:${fast.port}/health`)]));
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['cli/bin.js', 'check', '--config', file, '--json'],
      {
        cwd: ROOT,
      },
    );
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ results: [{ dependency: 'ledger', status: 'up' }] });
    const failed = await execFileAsync(
      process.execPath,
      ['cli/bin.js', 'check', '--config', path.join(dir, 'none.json')],
      {
        cwd: ROOT,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/none\.json: file not found\n$/);
  });
});
