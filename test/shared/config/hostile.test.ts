// Config mistakes that used to pass validation and became fake outages (issue 16): each is refused, naming the
// file, the field and what was expected. One case per mistake, as a mutation of a valid config (the fixture
// folders hold whole-file cases; these differ from the base in one field each).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadConfigFile,
  MAX_INPUT_FILE_BYTES,
  parseConfig,
  readInputFile,
} from '#shared/config';

type Mutable = Record<string, unknown> & {
  policy: Record<string, unknown>;
  egress: Record<string, unknown>;
  dependencies: Record<string, unknown>[];
  channels: Record<string, unknown>[];
};

function base(): Mutable {
  return {
    name: 'bank',
    homeRegion: 'ap-northeast-2',
    probeRegions: ['ap-northeast-2'],
    policy: {},
    egress: {},
    dependencies: [
      {
        id: 'ledger',
        name: 'Ledger API',
        tier: 'first-party',
        critical: true,
        http: { url: 'https://ledger.bank.example/health' },
      },
      { id: 'kakao', name: 'Kakao', tier: 'third-party', tls: { host: 'kakao.example' } },
    ],
    channels: [],
  };
}
const http = (c: Mutable) => c.dependencies[0]!.http as Record<string, unknown>;
const tls = (c: Mutable) => c.dependencies[1]!.tls as Record<string, unknown>;

function refusal(mutate: (c: Mutable) => void): string {
  const c = base();
  mutate(c);
  try {
    parseConfig(c, 'monitor.config.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('the config was accepted');
}

const H = 'monitor.config.json: dependencies[0].http';
const CASES: readonly [string, (c: Mutable) => void, string][] = [
  [
    'CRLF in a header name',
    (c) => {
      http(c).headers = { 'X-A\r\nX-B': '1' };
    },
    `${H}.headers["X-A\\r\\nX-B"]: expected a header name of letters, digits and !#$%&'*+-.^_\`|~ (no spaces, colons or line breaks)`,
  ],
  [
    'a space in a header name',
    (c) => {
      http(c).headers = { 'X Trace': '1' };
    },
    `${H}.headers["X Trace"]: expected a header name of letters, digits and !#$%&'*+-.^_\`|~ (no spaces, colons or line breaks)`,
  ],
  [
    'CRLF in a header value',
    (c) => {
      http(c).headers = { 'X-Trace': 'a\r\nX-Injected: 1' };
    },
    `${H}.headers.X-Trace: expected a header value on one line, without control characters (a line break would split the request)`,
  ],
  [
    'a NUL in a header value',
    (c) => {
      http(c).headers = { 'X-Trace': 'a\u0000b' };
    },
    `${H}.headers.X-Trace: expected a header value on one line, without control characters (a line break would split the request)`,
  ],
  [
    'a user-set Transfer-Encoding',
    (c) => {
      http(c).headers = { 'Transfer-Encoding': 'chunked' };
    },
    `${H}.headers.Transfer-Encoding: expected no Transfer-Encoding header: the probe frames the request body itself`,
  ],
  [
    'a user-set Content-Length',
    (c) => {
      http(c).headers = { 'content-length': '5' };
    },
    `${H}.headers.content-length: expected no content-length header: the probe sets it from body`,
  ],
  [
    'a user-set Expect',
    (c) => {
      http(c).headers = { Expect: '100-continue' };
    },
    `${H}.headers.Expect: expected no Expect header: the probe does not wait for 100-continue`,
  ],
  [
    'an invalid json[].matches regex',
    (c) => {
      http(c).json = [{ path: '$.status', matches: '(' }];
    },
    `${H}.json[0].matches: expected a valid regular expression (Invalid regular expression: /(/: Unterminated group); got "("`,
  ],
  [
    'an invalid responseHeaders[].matches regex',
    (c) => {
      http(c).responseHeaders = [{ name: 'content-type', matches: '[' }];
    },
    `${H}.responseHeaders[0].matches: expected a valid regular expression (Invalid regular expression: /[/: Unterminated character class); got "["`,
  ],
  [
    'a backreference in bodyMatches',
    (c) => {
      http(c).bodyMatches = ['(a)\\1'];
    },
    `${H}.bodyMatches[0]: expected a regular expression without backreferences (\\1) (regexes run on RE2, which matches in linear time); got "(a)\\\\1"`,
  ],
  [
    'a lookahead in bodyNotMatches',
    (c) => {
      http(c).bodyNotMatches = ['error(?!: none)'];
    },
    `${H}.bodyNotMatches[0]: expected a regular expression without lookahead ((?= or (?!) (regexes run on RE2, which matches in linear time); got "error(?!: none)"`,
  ],
  [
    'an unsupported JSONPath ($..x)',
    (c) => {
      http(c).json = [{ path: '$..status', equals: 'UP' }];
    },
    `${H}.json[0].path: expected a JSONPath in the supported subset: $.a.b, $.a[0], $['k'], $.list[*] (got "$..status")`,
  ],
  [
    'a response header name with a space',
    (c) => {
      http(c).responseHeaders = [{ name: 'content type', exists: true }];
    },
    `${H}.responseHeaders[0].name: expected a header name (an HTTP token: no spaces, colons or line breaks)`,
  ],
  [
    'user:password in the URL',
    (c) => {
      http(c).url = 'https://user:pass@ledger.bank.example/health';
    },
    `${H}.url: expected a URL without user:password@ (it is not sent, and is a literal credential): put credentials in a header as a secret reference, e.g. Authorization: "Basic \${env:NAME}"`,
  ],
  [
    'a line break inside the URL (the parser drops it silently)',
    (c) => {
      http(c).url = 'https://ledger.bank.example/hea\nlth';
    },
    `${H}.url: expected a URL without tabs, line breaks or control characters (the URL parser drops them silently)`,
  ],
  [
    'a literal credential beside a reference',
    (c) => {
      http(c).headers = { Authorization: 'Bearer sk_live_abc ${env:X}' };
    },
    `${H}.headers.Authorization: expected a secret reference such as "\${env:NAME}", "\${secretsmanager:NAME}" or "\${ssm:/NAME}", not a literal credential`,
  ],
  [
    'a CA that is not a PEM certificate',
    (c) => {
      http(c).ca = 'not a certificate';
    },
    `${H}.ca: expected PEM certificates ("-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----")`,
  ],
  [
    'a dependency name with a line break (page subjects)',
    (c) => {
      c.dependencies[0]!.name = 'Ledger\nAPI';
    },
    'monitor.config.json: dependencies[0].name: expected a name on one line, without control characters',
  ],
  [
    'a TLS servername that is not a host name',
    (c) => {
      tls(c).servername = 'kakao.example/path';
    },
    'monitor.config.json: dependencies[1].tls.servername: expected a host name for SNI (letters, digits, ".", "-")',
  ],
  [
    'a resolver that is not an IP address',
    (c) => {
      c.resolvers = ['not-an-ip'];
    },
    'monitor.config.json: resolvers[0]: expected a DNS server IP address, optionally with a port: "127.0.0.1", "127.0.0.1:5353", "[::1]:53"',
  ],
  [
    'a resolver port out of range',
    (c) => {
      c.resolvers = ['127.0.0.1:99999'];
    },
    'monitor.config.json: resolvers[0]: expected a DNS server IP address, optionally with a port: "127.0.0.1", "127.0.0.1:5353", "[::1]:53"',
  ],
  [
    'an AWS/ namespace',
    (c) => {
      c.namespace = 'AWS/EC2';
    },
    'monitor.config.json: namespace: expected a namespace not starting with "AWS/" (reserved for AWS services)',
  ],
  [
    'an egress URL that is not a URL',
    (c) => {
      c.egress.url = 'not a url';
    },
    'monitor.config.json: egress.url: expected an https:// or http:// URL, "{region}" standing for the probe region (got "not a url")',
  ],
  [
    'evaluationPeriods spanning more than a day',
    (c) => {
      c.policy.evaluationPeriods = 1e9;
    },
    'monitor.config.json: policy.evaluationPeriods: expected at most 1440 periods: CloudWatch refuses alarms whose 60 s periods span more than a day (got 1000000000)',
  ],
  [
    'a webhook channel with credentials',
    (c) =>
      void c.channels.push({ id: 'hook', type: 'https', address: 'https://ops:secret@hooks.bank.example/x' }),
    'monitor.config.json: channels[0].address: expected a webhook URL without user:password@: a literal credential in the config ends up in the repository and the template',
  ],
];

describe('config mistakes that became fake outages are refused, naming file, field and expectation', () => {
  it.each(CASES)('%s', (_name, mutate, expected) => {
    // Act
    const message = refusal(mutate);
    // Assess
    expect(message).toBe(expected);
  });

  it('covers the 25 inputs of the review', () => {
    expect(CASES).toHaveLength(25);
  });

  it('still accepts what these rules must not catch', () => {
    // Prepare: a scheme beside a reference, cookies by name, IPv6 resolvers, regexes in JavaScript syntax.
    const c = base();
    Object.assign(http(c), {
      headers: {
        Authorization: 'Bearer ${env:TOKEN}',
        Cookie: 'sid=${env:SID}; lang=${env:LANG}',
        'X-Trace': 'a b',
      },
      bodyMatches: ['"status":\\s*"UP"', '\\u00e9t\\u00e9', '(?<word>ok)'],
      json: [{ path: "$.checks[*]['state']", matches: '^(UP|OK)$' }],
    });
    c.resolvers = ['127.0.0.1', '127.0.0.1:5353', '::1', '[::1]:53'];
    c.namespace = 'Bank/Depmon';
    c.egress.url = 'https://sts.{region}.amazonaws.com/';
    // Act
    const config = parseConfig(c, 'monitor.config.json');
    // Assess
    expect(config.resolvers).toHaveLength(4);
  });
});

describe('a TS config that is live code cannot crash the loader', () => {
  it('a getter that throws is named as its field, not a zod stack trace', () => {
    // Prepare
    const c = base();
    Object.defineProperty(c.dependencies[0]!, 'tier', {
      enumerable: true,
      get() {
        throw new Error('TIER is not set');
      },
    });
    // Act
    const err = (() => {
      try {
        parseConfig(c, 'monitor.config.ts');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      'monitor.config.ts: dependencies[0].tier: could not read the value: evaluating it threw "TIER is not set"',
    );
  });

  it('a cycle is refused, not walked forever', () => {
    const c = base();
    (c.dependencies[0] as Record<string, unknown>).self = c;
    expect(() => parseConfig(c, 'monitor.config.ts')).toThrow(
      'monitor.config.ts: dependencies[0].self: expected plain data, found a reference back to a parent (a cycle)',
    );
  });
});

describe('files the loader must not read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'depmon-hostile-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a named pipe is refused without opening it (opening it would wait for a writer forever)', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    await expect(loadConfigFile('pipe.json', dir)).rejects.toThrow(
      'pipe.json: expected a config file, got a named pipe',
    );
  });

  it('a device is refused', async () => {
    await expect(loadConfigFile('/dev/zero', dir)).rejects.toThrow(
      '/dev/zero: expected a config file, got a device',
    );
  });

  it('a file over the size cap is refused before it is parsed', async () => {
    await writeFile(path.join(dir, 'big.yaml'), `name: x\n# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`);
    await expect(loadConfigFile('big.yaml', dir)).rejects.toThrow(
      'big.yaml: expected a config file of at most 2 MiB',
    );
  });

  it('a /proc file, whose size reads 0, is capped on what is read', async () => {
    // /proc/self/pagemap reports a size of 0 and holds 8 bytes per page of the address space (terabytes).
    await expect(readInputFile('/proc/self/pagemap', 'pagemap', 'config file')).rejects.toThrow(
      'pagemap: expected a config file of at most 2 MiB',
    );
  });
});
