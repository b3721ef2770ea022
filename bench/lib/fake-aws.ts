// A loopback stand-in for every AWS endpoint a handler calls: `{}` to AWS JSON protocols (CloudWatch
// PutMetricData/DescribeAlarms, DynamoDB), a minimal XML answer to the Query protocol (SNS Publish).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAws {
  readonly endpoint: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeAws(): Promise<FakeAws> {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('latin1');
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('x-www-form-urlencoded')) {
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? 'Unknown';
      requests.push(`query:${action}`);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result><MessageId>00000000-0000-4000-8000-000000000000</MessageId></${action}Result><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></${action}Response>`,
      );
      return;
    }
    requests.push(`json:${String(req.headers['x-amz-target'] ?? '?')}`);
    res.writeHead(200, { 'content-type': type.includes('json') ? type : 'application/x-amz-json-1.0' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
