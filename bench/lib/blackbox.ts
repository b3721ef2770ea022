// The peer: Prometheus blackbox exporter (Debian's package, when installed), run on loopback with our
// own module config, driven through /probe by a concurrency-limited client; its CPU and peak RSS read from /proc.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { Agent, request } from 'undici';
import { OUT_DIR } from './machine.ts';

export const BLACKBOX_BIN = '/usr/bin/prometheus-blackbox-exporter';
const CLOCK_TICKS_PER_SECOND = Number(safeExec('getconf', ['CLK_TCK']) || 100);

function safeExec(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The one line a section prints when the exporter is not installed. */
export const BLACKBOX_MISSING = `blackbox exporter not installed (${BLACKBOX_BIN} missing; \`apt-get install -y prometheus-blackbox-exporter\`)`;

/** The exporter's version line, or undefined when it is not installed (the bench never installs it itself). */
export function blackboxVersion(): string | undefined {
  if (!existsSync(BLACKBOX_BIN)) return undefined;
  const v = execFileSync(BLACKBOX_BIN, ['--version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return v.split('\n')[0]!.trim();
}

/** A loopback port free right now: `npm test` may run in several worktrees at once, so no fixed port. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export interface Blackbox {
  readonly pid: number;
  /** CPU time (user + system) of the exporter process so far, ms. */
  cpuMs(): number;
  /** Peak resident set (VmHWM), bytes. */
  peakRssBytes(): number;
  /** One probe through /probe: success and probe_duration_seconds. */
  probe(target: string): Promise<{ success: boolean; durationMs: number }>;
  stop(): Promise<void>;
}

export async function startBlackbox(timeoutMs: number, concurrency: number): Promise<Blackbox> {
  const address = `127.0.0.1:${await freePort()}`;
  const configFile = path.join(OUT_DIR, `blackbox-${process.pid}.yml`);
  writeFileSync(
    configFile,
    [
      'modules:',
      '  http_2xx:',
      '    prober: http',
      `    timeout: ${timeoutMs}ms`,
      '    http:',
      '      preferred_ip_protocol: ip4',
      '      ip_protocol_fallback: false',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    BLACKBOX_BIN,
    [`--config.file=${configFile}`, `--web.listen-address=${address}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c) => {
    stderr = (stderr + String(c)).slice(-2000);
  });
  const pid = child.pid!;
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000, pipelining: 0 });
  const base = `http://${address}`;
  // Wait until it answers (bounded).
  for (let i = 0; ; i++) {
    try {
      const r = await request(`${base}/-/healthy`, { dispatcher });
      await r.body.text();
      if (r.statusCode === 200) break;
    } catch {
      // not up yet
    }
    if (i > 100 || child.exitCode !== null) throw new Error(`blackbox exporter did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid,
    cpuMs() {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    peakRssBytes() {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : Number.NaN;
    },
    async probe(target) {
      const r = await request(`${base}/probe?module=http_2xx&target=${encodeURIComponent(target)}`, {
        dispatcher,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      const text = await r.body.text();
      const success = /^probe_success (\S+)$/m.exec(text)?.[1] === '1';
      const duration = Number(/^probe_duration_seconds (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
      return { success, durationMs: duration * 1000 };
    },
    async stop() {
      await dispatcher.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Runs `work` over `items` with at most `concurrency` in flight, in order of the list. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
