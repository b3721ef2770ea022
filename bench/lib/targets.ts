// Starts loopback target servers in child processes (so their CPU is not the prober's) and stops them.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Behaviour =
  | 'ok'
  | 'hung'
  | 'status500'
  | 'reset'
  | 'refused'
  | 'silent'
  | 'trickle'
  | 'dns-silent';
export interface TargetSpec {
  readonly delayMs: number;
  readonly behaviour: Behaviour;
}
export interface Targets {
  /** One URL per spec, in spec order. */
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'target-server.mjs');

async function startOne(spec: readonly TargetSpec[]): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  child.stdin!.end(JSON.stringify(spec));
  const ports = await new Promise<number[]>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += String(c);
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { ports: number[] }).ports);
    });
    child.once('exit', (code) => reject(new Error(`target server exited with ${code}`)));
  });
  return { child, ports };
}

/** Starts `spec.length` targets spread over `processes` server processes. */
export async function startTargets(spec: readonly TargetSpec[], processes = 2): Promise<Targets> {
  const n = Math.max(1, Math.min(processes, spec.length));
  const parts: TargetSpec[][] = Array.from({ length: n }, () => []);
  spec.forEach((t, i) => {
    parts[i % n]!.push(t);
  });
  const started = await Promise.all(parts.filter((p) => p.length > 0).map(startOne));
  const urls = spec.map((_, i) => {
    const port = started[i % started.length]!.ports[Math.floor(i / started.length)]!;
    return `http://127.0.0.1:${port}/health`;
  });
  return {
    urls,
    pids: started.map((s) => s.child.pid!),
    async stop() {
      await Promise.all(
        started.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.child.exitCode !== null) return resolve();
              s.child.once('exit', () => resolve());
              s.child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
