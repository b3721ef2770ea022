// `depmon check` on a 1,000-dependency config against loopback servers: the summary and the failing ones come
// first in the human table, and the --json contract is unchanged (one result per dependency, config order,
// the contract's keys only).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleConfigInput, scaleDnsNames, scaleId, scaleKind } from '../../bench/lib/scale-config.ts';
import { type CliIO, main } from '../../cli/main.ts';
import { Capture } from '../helpers/cli.ts';
import { startDns, startHttp, startTcp, type TestServer } from '../helpers/servers.ts';

const N = 1000;
/** HTTP dependencies whose index is a multiple of 7 answer 503; TLS ones reach a server that speaks no TLS. */
const failsHttp = (i: number) => i % 7 === 0 && i !== 0;

let dir: string;
let file: string;
const servers: TestServer[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'depmon-check-scale-'));
  const web = await startHttp((req: http.IncomingMessage, res: http.ServerResponse) => {
    const i = Number(/(\d+)$/.exec(req.url ?? '')?.[1]);
    res.writeHead(failsHttp(i) ? 503 : 200).end('OK');
  });
  const tcp = await startTcp((s) => s.end());
  const notTls = await startTcp((s) => s.end('not TLS\n'));
  const dns = await startDns(Object.fromEntries(scaleDnsNames(N).map((n) => [n, ['127.0.0.1']])));
  servers.push(web, tcp, notTls);
  closers.push(() => dns.close());
  const input = scaleConfigInput(N, {
    loopback: { httpPort: web.port, tcpPort: tcp.port, tlsPort: notTls.port, resolver: dns.server },
  });
  file = path.join(dir, 'monitor.config.json');
  await writeFile(file, JSON.stringify({ ...input, concurrency: 16 }));
}, 60_000);
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), ...closers.map((c) => c())]);
  await rm(dir, { recursive: true, force: true });
});

const io = () => {
  const stdout = new Capture();
  const stderr = new Capture();
  return { io: { stdout, stderr, cwd: dir, env: {} } as CliIO, stdout, stderr };
};

describe('depmon check at 1,000 dependencies', () => {
  it('prints the summary first, then the down ones, the degraded, the up; the summary again at the end', async () => {
    // Act
    const { io: cli, stdout, stderr } = io();
    const code = await main(['check', '--config', file], cli);
    // Assess
    expect(code).toBe(1);
    expect(stderr.text).toBe('');
    const lines = stdout.text.trimEnd().split('\n');
    // Every dependency made to fail is down (a loaded machine may add a timeout or two, never remove one).
    const mustFail = Array.from({ length: N }, (_, i) => i)
      .filter(
        (i) =>
          scaleKind(i) === 'tls' || ((scaleKind(i) === 'http' || scaleKind(i) === 'https') && failsHttp(i)),
      )
      .map(scaleId);
    const m = new RegExp(`^${N} dependencies: (\\d+) up, (\\d+) degraded, (\\d+) down$`).exec(lines[0] ?? '');
    expect(m).not.toBeNull();
    const down = Number(m?.[3]);
    expect(lines.at(-1)).toBe(lines[0]!.replace(`${N} dependencies: `, ''));
    expect(lines[2]).toMatch(/^DEPENDENCY\s+TIER\s+STATUS/);
    const rows = lines.slice(3, 3 + N).map((l) => l.split(/\s+/));
    expect(rows).toHaveLength(N);
    const rank = { DOWN: 0, DEGRADED: 1, UP: 2 } as Record<string, number>;
    const ranks = rows.map((r) => rank[r[2] as string] as number);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const downIds = rows.slice(0, down).map((r) => r[0]);
    expect(rows.slice(0, down).every((r) => r[2] === 'DOWN')).toBe(true);
    expect(downIds).toEqual(expect.arrayContaining(mustFail));
  }, 180_000);

  it('--json keeps the contract: one result per dependency in config order, the contract and README result keys only', async () => {
    const { io: cli, stdout } = io();
    const code = await main(['check', '--config', file, '--json'], cli);
    expect(code).toBe(1);
    const out = JSON.parse(stdout.text) as { results: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['results']);
    expect(out.results.map((r) => r.dependency)).toEqual(scaleConfigInput(N).dependencies.map((d) => d.id));
    // DESIGN.md's keys, plus the result fields README "Probe results and reason codes" lists (issue 17 point 8).
    const allowed = new Set([
      'dependency',
      'tier',
      'status',
      'latencyMs',
      'reason',
      'detail',
      'httpStatus',
      'timings',
      'certDaysLeft',
      'addresses',
    ]);
    expect(out.results.every((r) => Object.keys(r).every((k) => allowed.has(k)))).toBe(true);
    expect(out.results.filter((r) => r.status === 'down').every((r) => typeof r.reason === 'string')).toBe(
      true,
    );
  }, 180_000);
});
