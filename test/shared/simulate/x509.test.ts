// The simulator's self-signed certificates must be DER that OpenSSL accepts for any serial and any size: a random
// serial starting with a zero byte (once in 256) was "illegal padding", and a SAN list past 64 KiB "too long".

import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { der, integer, selfSignedCertificate } from '../../../shared/simulate/x509.ts';

describe('the stand-ins certificate', () => {
  it('encodes integers minimally: leading zero bytes dropped, one put back before a high bit', () => {
    expect(integer(Buffer.from([0x00, 0x05]))).toEqual(Buffer.from([0x02, 0x01, 0x05]));
    expect(integer(Buffer.from([0x00, 0x00, 0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(Buffer.from([0x80, 0x01]))).toEqual(Buffer.from([0x02, 0x03, 0x00, 0x80, 0x01]));
    expect(integer(Buffer.from([0x7f]))).toEqual(Buffer.from([0x02, 0x01, 0x7f]));
  });

  it('writes lengths in as few bytes as they take, past 64 KiB too', () => {
    expect(der(0x04, Buffer.alloc(0x7f)).subarray(0, 2)).toEqual(Buffer.from([0x04, 0x7f]));
    expect(der(0x04, Buffer.alloc(0x80)).subarray(0, 3)).toEqual(Buffer.from([0x04, 0x81, 0x80]));
    expect(der(0x04, Buffer.alloc(0x1_0000)).subarray(0, 5)).toEqual(Buffer.from([0x04, 0x83, 1, 0, 0]));
  });

  it('loads in OpenSSL with a serial that starts with zero bytes, and with a SAN list past 64 KiB', () => {
    // Arrange
    const serial = Buffer.from([0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]);
    const hosts = Array.from(
      { length: 3000 },
      (_, i) => `partner-api-${i}.vendor-${i % 97}.payments.example`,
    );
    // Act
    const zeroSerial = selfSignedCertificate(['a.example'], 365, undefined, 'test', serial);
    const large = selfSignedCertificate(hosts);
    // Assess
    for (const c of [zeroSerial, large])
      expect(() => createSecureContext({ cert: c.cert, key: c.key })).not.toThrow();
    expect(new X509Certificate(zeroSerial.cert).serialNumber).toBe('0102030405060708090A');
    expect(new X509Certificate(large.cert).subjectAltName).toContain(
      'partner-api-2999.vendor-89.payments.example',
    );
  });
});
