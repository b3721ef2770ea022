// Loopback stand-in targets for the benchmarks, one process serving many ports. Plain JavaScript, so the
// targets cost the same whoever probes them. Spec on stdin as JSON: [{ "delayMs": n, "behaviour": "ok" | "hung" |
// "status500" | "reset" | "refused" | "silent" | "trickle" | "dns-silent" }]; prints one line { "ports": [...] }
// when every port listens; SIGTERM stops it.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const spec = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const servers = [];
const ports = [];
for (const t of spec) {
  if (t.behaviour === 'refused') {
    // A port that was listening and is now closed: connection refused.
    const s = net.createServer();
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    ports.push(s.address().port);
    await new Promise((r) => s.close(r));
    continue;
  }
  if (t.behaviour === 'silent') {
    // Accepts TCP and never writes a byte: no HTTP headers, no TLS handshake.
    const s = net.createServer((sock) => sock.resume());
    await new Promise((r) => s.listen(0, '127.0.0.1', 1024, r));
    servers.push(s);
    ports.push(s.address().port);
    continue;
  }
  if (t.behaviour === 'dns-silent') {
    // A DNS server (UDP) that reads every question and answers none.
    const s = dgram.createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    servers.push(s);
    ports.push(s.address().port);
    continue;
  }
  const server = http.createServer((req, res) => {
    req.resume();
    if (t.behaviour === 'hung') return; // accepts, reads, never answers
    if (t.behaviour === 'trickle') {
      // Headers at once, then the body one byte a second.
      res.writeHead(200, { 'content-length': '100' });
      const timer = setInterval(() => res.write('x'), 1000);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (t.behaviour === 'reset') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.resetAndDestroy());
      return;
    }
    const answer = () => {
      res.writeHead(t.behaviour === 'status500' ? 500 : 200, {
        'content-type': 'text/plain',
        connection: 'close',
      });
      res.end('ok\n');
    };
    if (t.delayMs > 0) setTimeout(answer, t.delayMs);
    else answer();
  });
  server.keepAliveTimeout = 1000;
  await new Promise((r) => server.listen(0, '127.0.0.1', 1024, r));
  servers.push(server);
  ports.push(server.address().port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);

const stop = () => {
  for (const s of servers) {
    s.closeAllConnections?.();
    s.close();
  }
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Never outlive the bench: the parent closes our stdin pipe's peer by exiting.
process.on('disconnect', stop);
// Bounded: whatever happens to the parent, a target process lives at most this long.
setTimeout(stop, Number(process.env.BENCH_TARGET_MAX_SECONDS ?? 1800) * 1000).unref();
