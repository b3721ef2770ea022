// The ack function behind a real HTTP server on loopback: what Lambda does for a function URL (the request as a
// payload 2.0 event: method, source address, path, lower-cased headers, query, body; the result as the answer).
import { type AckDeps, handleAckRequest } from '#functions/ack';
import { startHttp, type TestServer } from './servers.ts';

export function startAckServer(deps: AckDeps): Promise<TestServer> {
  return startHttp(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const out = await handleAckRequest(
      {
        requestContext: { http: { method: req.method ?? 'GET', sourceIp: req.socket.remoteAddress ?? '' } },
        rawPath: url.pathname,
        headers,
        queryStringParameters: Object.fromEntries(url.searchParams),
        body: Buffer.concat(chunks).toString('base64'),
        isBase64Encoded: true,
      },
      deps,
    );
    res.writeHead(out.statusCode, out.headers);
    res.end(out.body);
  });
}
