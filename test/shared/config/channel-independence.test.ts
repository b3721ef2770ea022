// Channel independence: a channel sharing a vendor's domain is refused; unrelated hosts under a shared
// country-code suffix (two banks' .co.kr domains) are not.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, registrableDomain } from '#shared/config';

const config = (channelUrl: string, vendorUrl: string) => ({
  name: 'cc',
  homeRegion: 'ap-northeast-2',
  probeRegions: ['ap-northeast-2'],
  dependencies: [
    {
      id: 'ledger',
      name: 'Ledger',
      tier: 'first-party',
      critical: true,
      http: { url: 'https://ledger.bank.example/' },
    },
    { id: 'vendor', name: 'Vendor', tier: 'third-party', http: { url: vendorUrl } },
  ],
  channels: [{ id: 'hook', type: 'https', address: channelUrl }],
});

describe('registrableDomain', () => {
  it.each([
    ['api.kakao.com', 'kakao.com'],
    ['talk-api.kakao.co.kr', 'kakao.co.kr'],
    ['hooks.bank.co.kr', 'bank.co.kr'],
    ['a.b.example', 'b.example'],
    ['127.0.0.1', undefined],
    ['localhost', undefined],
  ])('%s → %s', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});

describe('channel independence', () => {
  it('refuses a webhook on the vendor’s own domain under a country-code suffix', () => {
    // Act
    const act = () =>
      parseConfig(config('https://hooks.kakao.co.kr/x', 'https://talk-api.kakao.co.kr/health'), 'm.json');
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      /channels\[0\]\.address: .*host "hooks\.kakao\.co\.kr" belongs to dependency "vendor"/,
    );
  });

  it('accepts the bank’s own webhook when a vendor merely shares the .co.kr suffix', () => {
    expect(() =>
      parseConfig(config('https://hooks.bank.co.kr/x', 'https://talk-api.kakao.co.kr/health'), 'm.json'),
    ).not.toThrow();
  });
});
