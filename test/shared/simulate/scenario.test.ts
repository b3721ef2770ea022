// Scenario offsets, states and the state of each dependency and region over time.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '#shared/config';
import {
  checkScenario,
  parseOffset,
  parseScenario,
  parseState,
  regionModeAt,
  regionSilentAt,
  stateAt,
} from '#shared/simulate';

describe('scenario values', () => {
  it('reads offsets in seconds, minutes and hours', () => {
    expect(parseOffset('30s')).toBe(30);
    expect(parseOffset('5m')).toBe(300);
    expect(parseOffset('1h')).toBe(3600);
    expect(parseOffset('1h30m')).toBe(5400);
    expect(parseOffset('5')).toBeUndefined();
    expect(parseOffset('')).toBeUndefined();
    expect(parseOffset('5 minutes')).toBeUndefined();
  });

  it('reads states', () => {
    expect(parseState('up')).toEqual({ kind: 'up' });
    expect(parseState('slow:2500ms')).toEqual({ kind: 'slow', ms: 2500 });
    expect(parseState('slow:1.5s')).toEqual({ kind: 'slow', ms: 1500 });
    expect(parseState('status:503')).toEqual({ kind: 'status', code: 503 });
    expect(parseState('status:99')).toBeUndefined();
    expect(parseState('slow')).toBeUndefined();
  });

  it('reads the states that rehearse egress, addresses, certificates and bodies', () => {
    expect(parseState('egress-down')).toEqual({ kind: 'egress-down' });
    expect(parseState('wrong-body')).toEqual({ kind: 'wrong-body' });
    expect(parseState('addresses-lost:1/2')).toEqual({ kind: 'addresses-lost', lost: 1, of: 2 });
    expect(parseState('cert-expires:1h30m')).toEqual({ kind: 'cert-expires', atSeconds: 5400 });
    expect(parseState('cert-expires:2d')).toEqual({ kind: 'cert-expires', atSeconds: 172_800 });
    expect(parseState('cert-expires:soon')).toBeUndefined();
    expect(parseState('melting')).toBeUndefined();
  });
});

describe('impossible states', () => {
  const refusal = (events: unknown[]) => {
    try {
      parseScenario({ durationMinutes: 10, events }, 'x.yaml', '/tmp');
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };

  it("refuses a delay past an hour (and so past setTimeout's range), naming the field", () => {
    expect(refusal([{ at: '1m', dependency: 'a', state: 'slow:2147483648ms' }])).toBe(
      'x.yaml: events[0].state: expected a slow answer of at most 3600s (slower only times out the same), got "slow:2147483648ms"',
    );
    expect(refusal([{ at: '1m', dependency: 'a', state: 'slow:3600s' }])).toBe('accepted');
  });

  it('refuses an unknown state, more addresses lost than served, and egress-down for one dependency', () => {
    expect(refusal([{ at: '1m', dependency: 'a', state: 'melting' }])).toContain(
      'x.yaml: events[0].state: expected one of up, down, slow:2500ms, status:503, wrong-body, addresses-lost:1/2, cert-expires:2h, silent or egress-down (got "melting")',
    );
    expect(refusal([{ at: '1m', dependency: 'a', state: 'addresses-lost:3/2' }])).toBe(
      'x.yaml: events[0].state: expected addresses-lost:LOST/OF with 2 <= OF <= 8 and 1 <= LOST <= OF, got "addresses-lost:3/2"',
    );
    expect(refusal([{ at: '1m', dependency: 'a', state: 'egress-down' }])).toBe(
      'x.yaml: events[0].dependency: expected "*" with state egress-down: it is the probe region\'s own state, for every dependency',
    );
  });

  it("refuses a state the dependency's check cannot show", () => {
    const config = parseConfig({
      name: 'mini',
      homeRegion: 'ap-northeast-2',
      probeRegions: ['ap-northeast-2'],
      dependencies: [
        {
          id: 'core',
          name: 'Core',
          tier: 'first-party',
          critical: true,
          http: { url: 'http://core.example/' },
        },
        { id: 'db', name: 'DB', tier: 'first-party', tcp: { host: 'db.example', port: 5432 } },
      ],
    });
    const scenario = parseScenario(
      {
        durationMinutes: 10,
        events: [
          { at: '1m', dependency: 'core', state: 'addresses-lost:1/2' },
          { at: '1m', dependency: 'db', state: 'cert-expires:5m' },
          { at: '1m', dependency: 'core', state: 'wrong-body' },
          { at: '1m', dependency: '*', state: 'cert-expires:5m' },
        ],
      },
      'x.yaml',
      '/tmp',
    );
    expect(() => checkScenario(scenario, config)).toThrow(
      [
        'x.yaml: events[0].state: addresses-lost:1/2 cannot apply to core: expected an http check with allAddresses: true',
        'x.yaml: events[1].state: cert-expires:5m cannot apply to db: expected a tls check or an https:// http check',
        'x.yaml: events[2].state: wrong-body cannot apply to core: expected an http check with json or bodyMatches assertions (a body they can fail)',
        'x.yaml: events[3].state: cert-expires:5m cannot apply to core, db: expected a tls check or an https:// http check',
      ].join('\n'),
    );
  });

  it('tells voting, silent and abstaining regions apart', () => {
    const s = parseScenario(
      {
        durationMinutes: 30,
        events: [
          { at: '5m', dependency: '*', regions: ['ap-northeast-3'], state: 'egress-down' },
          { at: '10m', dependency: '*', regions: ['ap-northeast-3'], state: 'silent' },
          { at: '15m', dependency: '*', regions: ['ap-northeast-3'], state: 'up' },
        ],
      },
      'x.yaml',
      '/tmp',
    );
    expect([0, 300, 600, 900].map((t) => regionModeAt(s, 'ap-northeast-3', t))).toEqual([
      'voting',
      'abstaining',
      'silent',
      'voting',
    ]);
    expect(stateAt(s, 'core', 'ap-northeast-3', 400)).toEqual({ kind: 'up' });
  });
});

describe('stateAt and regionSilentAt', () => {
  const s = parseScenario(
    {
      durationMinutes: 30,
      events: [
        { at: '5m', dependency: '*', regions: ['ap-northeast-1'], state: 'down' },
        { at: '6m', dependency: 'a', state: 'slow:900ms' },
        { at: '10m', dependency: '*', regions: ['ap-northeast-3'], state: 'silent' },
        { at: '20m', dependency: '*', regions: 'all', state: 'up' },
      ],
    },
    's.yaml',
    '/tmp',
  );
  it('holds each event until a later one changes it; everything starts up', () => {
    expect(stateAt(s, 'a', 'ap-northeast-1', 0)).toEqual({ kind: 'up' });
    expect(stateAt(s, 'a', 'ap-northeast-1', 300)).toEqual({ kind: 'down' });
    expect(stateAt(s, 'b', 'ap-northeast-1', 400)).toEqual({ kind: 'down' });
    expect(stateAt(s, 'a', 'ap-northeast-1', 400)).toEqual({ kind: 'slow', ms: 900 });
    expect(stateAt(s, 'b', 'ap-northeast-2', 400)).toEqual({ kind: 'up' });
    expect(stateAt(s, 'a', 'ap-northeast-2', 1200)).toEqual({ kind: 'up' });
  });
  it('keeps a region silent until an event for "*" there says otherwise', () => {
    expect(regionSilentAt(s, 'ap-northeast-3', 599)).toBe(false);
    expect(regionSilentAt(s, 'ap-northeast-3', 600)).toBe(true);
    expect(regionSilentAt(s, 'ap-northeast-3', 1199)).toBe(true);
    expect(regionSilentAt(s, 'ap-northeast-3', 1200)).toBe(false);
    expect(regionSilentAt(s, 'ap-northeast-2', 900)).toBe(false);
  });
  it('refuses silence for one dependency and events past the end, naming the field', () => {
    let err: unknown;
    try {
      parseScenario(
        {
          durationMinutes: 10,
          events: [
            { at: '1m', dependency: 'a', state: 'silent' },
            { at: '10m', dependency: 'a', state: 'down' },
          ],
        },
        'x.yaml',
        '/tmp',
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      [
        'x.yaml: events[0].dependency: expected "*" with state silent: it is the probe region\'s own state, for every dependency',
        'x.yaml: events[1].at: expected an offset within durationMinutes (10m), got "10m"',
      ].join('\n'),
    );
  });
});

describe('parseScenario shape errors', () => {
  it('says an empty regions list needs a region, and points unknown keys at the scenario format', () => {
    // Prepare
    const raw = {
      durationMinutes: 10,
      events: [
        { at: '1m', dependency: 'a', regions: [], state: 'down' },
        { at: '2m', dependency: 'a', state: 'down', region: 'ap-northeast-1' },
      ],
    };
    // Act
    let err: unknown;
    try {
      parseScenario(raw, 'x.yaml', '/tmp');
    } catch (e) {
      err = e;
    }
    // Assess
    expect((err as Error).message).toBe(
      [
        'x.yaml: events[0].regions: expected at least one probe region, or "all"',
        'x.yaml: events[1].region: unknown key "region"',
        '  Hint: check the spelling against "Scenario format" in docs/simulate.md',
      ].join('\n'),
    );
  });

  it.each([
    [null, 'an empty file'],
    [['down'], 'a list'],
  ])('refuses %j as a scenario, saying what it got', (raw, got) => {
    expect(() => parseScenario(raw, 'x.yaml', '/tmp')).toThrow(
      `x.yaml: expected a scenario with durationMinutes and events (got ${got})`,
    );
  });
});
