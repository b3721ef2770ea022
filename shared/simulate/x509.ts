// A throwaway self-signed certificate for the simulator's HTTPS/TLS stand-ins, made with node:crypto alone
// (no openssl on the path needed): ECDSA P-256, the scenario's host names as subjectAltNames, and trusted by
// the probe engine through `extraCa` only. It never leaves the process.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A DER element: its tag, its length (short form, or long form in as few bytes as it takes), its body. */
export const der = (tag: number, body: Buffer): Buffer => {
  const len = body.length;
  if (len < 0x80) return Buffer.concat([Buffer.from([tag, len]), body]);
  const bytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), body]);
};
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const oid = (dotted: string): Buffer => {
  const parts = dotted.split('.').map(Number);
  const bytes = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) stack.unshift((v & 0x7f) | 0x80);
    bytes.push(...stack);
  }
  return der(0x06, Buffer.from(bytes));
};
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
/**
 * A positive DER INTEGER in its one minimal encoding (X.690 8.3.2): leading zero bytes dropped, one put back
 * when the first byte's high bit is set. OpenSSL refuses any other ("illegal padding"): a random serial starts
 * with a zero byte once in 256 certificates.
 */
export const integer = (b: Buffer): Buffer => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const body = b.subarray(i);
  return der(0x02, (body[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
};
const time = (d: Date) => {
  // UTCTime for years before 2050, GeneralizedTime after (RFC 5280 4.1.2.5).
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
};
const explicit = (n: number, body: Buffer) => der(0xa0 + n, body);

const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';
const BASIC_CONSTRAINTS = '2.5.29.19';

export interface SelfSigned {
  /** PEM certificate: serve it, and pass it to the probe engine as `extraCa`. */
  readonly cert: string;
  readonly key: string;
}

/**
 * A self-signed certificate valid from a day ago for `validDays` (or until `notAfter`), for these DNS names and
 * 127.0.0.1.
 */
export function selfSignedCertificate(
  hosts: readonly string[],
  validDays = 365,
  notAfter?: Date,
  /** Distinct names keep trust anchors apart: OpenSSL finds an issuer by its name. */
  commonName = 'depmon simulator stand-in',
  /** The serial number's bytes (a test passes its own). */
  serial: Buffer = randomBytes(12),
): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = seq(set(seq(oid(COMMON_NAME), utf8(commonName))));
  const now = Date.now();
  const sans = [
    ...[...new Set(hosts)].map((h) => der(0x82, Buffer.from(h, 'ascii'))),
    der(0x87, Buffer.from([127, 0, 0, 1])),
  ];
  const extensions = explicit(
    3,
    seq(
      seq(oid(SUBJECT_ALT_NAME), der(0x04, seq(...sans))),
      // CA:TRUE so a chain of one (itself) verifies when it is the trusted root.
      seq(
        oid(BASIC_CONSTRAINTS),
        der(0x01, Buffer.from([0xff])),
        der(0x04, seq(der(0x01, Buffer.from([0xff])))),
      ),
    ),
  );
  const tbs = seq(
    explicit(0, der(0x02, Buffer.from([2]))),
    integer(serial),
    seq(oid(ECDSA_SHA256)),
    name,
    seq(
      time(new Date(Math.min(now, notAfter?.getTime() ?? now) - 86_400_000)),
      time(notAfter ?? new Date(now + validDays * 86_400_000)),
    ),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, seq(oid(ECDSA_SHA256)), der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
