// Measures what sets depmon's default targetsPerFunction (infra/probe-stack.ts): how long one probe cycle
// of N targets takes at the default concurrency when every target hangs until its timeout (the worst
// minute a partner outage can cause), and how much CPU a cycle of N healthy targets costs.
// Run: `npx tsx bench/targets-per-function.ts` (loopback only; about 75 s). Prints a markdown table.

import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { type Dependency, parseConfig } from '#shared/config';
import { DEFAULT_CONCURRENCY, probeAll } from '#shared/probe';

/** CPU share of a 256 MB Lambda function: Lambda allots one vCPU at 1,769 MB, in proportion below it. */
const LAMBDA_256_VCPU = 256 / 1769;
const SIZES = [25, 50, 100, 200];

function deps(n: number, url: (i: number) => string): Dependency[] {
  const c = parseConfig({
    name: 'bench',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2'],
    dependencies: Array.from({ length: n }, (_, i) => ({
      id: `t-${i}`,
      name: `T ${i}`,
      tier: 'first-party',
      critical: i === 0,
      http: { url: url(i) }, // default timeoutMs 5000
    })),
  });
  return [...c.dependencies];
}

async function cycle(list: Dependency[]) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await probeAll(list, { concurrency: DEFAULT_CONCURRENCY });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    down: results.filter((r) => r.status === 'down').length,
  };
}

async function main() {
  // A server that accepts and never answers: every probe runs into its 5 s timeout.
  const sockets = new Set<Socket>();
  const hang = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const hangPort = (hang.address() as AddressInfo).port;
  // A healthy server answering after 50 ms.
  const ok = createHttpServer((_q, res) => setTimeout(() => res.end('{"status":"UP"}'), 50));
  await new Promise<void>((r) => ok.listen(0, '127.0.0.1', r));
  const okPort = (ok.address() as AddressInfo).port;

  const rows: string[] = [];
  for (const n of SIZES) {
    await cycle(deps(Math.min(n, 32), (i) => `http://127.0.0.1:${okPort}/warm${i}`)); // warm-up
    const slow = await cycle(deps(n, (i) => `http://127.0.0.1:${hangPort}/t${i}`));
    const healthy = await cycle(deps(n, (i) => `http://127.0.0.1:${okPort}/t${i}`));
    const waves = Math.ceil(n / DEFAULT_CONCURRENCY);
    const lambdaSlowMs = Math.max(slow.wallMs, slow.cpuMs / LAMBDA_256_VCPU);
    rows.push(
      `| ${n} | ${waves} | ${(slow.wallMs / 1000).toFixed(1)} | ${slow.down} | ${slow.cpuMs.toFixed(0)} | ${(lambdaSlowMs / 1000).toFixed(1)} | ${healthy.wallMs.toFixed(0)} | ${healthy.cpuMs.toFixed(0)} | ${(healthy.cpuMs / LAMBDA_256_VCPU).toFixed(0)} |`,
    );
    process.stderr.write(`n=${n} done\n`);
  }
  for (const s of sockets) s.destroy();
  hang.close();
  ok.close();
  process.stdout.write(
    [
      `Node ${process.version}, concurrency ${DEFAULT_CONCURRENCY}, HTTP timeout 5000 ms, loopback targets.`,
      '',
      '| targets | waves | all hang: cycle (s) | down | CPU (ms) | est. at 256 MB (s) | all healthy: cycle (ms) | CPU (ms) | est. CPU-bound at 256 MB (ms) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
