// Checks a request's SigV4 signature as AWS would: the SDK's own signer (@smithy/signature-v4) recomputes it
// over the headers the request says it signed and the exact bytes of the body (gzipped bodies as sent).
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignatureCheck {
  readonly valid: boolean;
  /** Region and service from the signature's credential scope. */
  readonly region: string;
  readonly service: string;
  readonly accessKeyId: string;
}

/** SHA-256 in the shape @smithy/signature-v4 wants (HMAC when given a key). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);
class Sha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

/** `keys`: the secret key of every access key id the caller accepts. */
export async function checkSignature(
  req: IncomingMessage,
  body: string | Uint8Array,
  keys: Readonly<Record<string, string>>,
): Promise<SignatureCheck> {
  const m = AUTH.exec(String(req.headers.authorization ?? ''));
  if (!m) return { valid: false, region: '', service: '', accessKeyId: '' };
  const [, accessKeyId, , region, service, signed, signature] = m as unknown as string[];
  const scope = { region: region!, service: service!, accessKeyId: accessKeyId! };
  const secretAccessKey = keys[accessKeyId!];
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (!secretAccessKey || Number.isNaN(date.getTime())) return { valid: false, ...scope };
  const headers: Record<string, string> = {};
  for (const name of signed!.split(';')) headers[name] = String(req.headers[name] ?? '');
  const token = headers['x-amz-security-token'];
  const signer = new SignatureV4({
    credentials: { accessKeyId: accessKeyId!, secretAccessKey, ...(token ? { sessionToken: token } : {}) },
    region: region!,
    service: service!,
    sha256: Sha256,
    applyChecksum: false,
  });
  const url = new URL(req.url ?? '/', 'http://fake');
  const out = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      headers,
      body,
      query: {},
    },
    { signingDate: date },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(out.headers.authorization))?.[1];
  return { valid: expected === signature, ...scope };
}
