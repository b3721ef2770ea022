// Scenario offsets, states and the state of each dependency and region over time.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/config';
import { parseOffset, parseScenario, parseState, regionSilentAt, stateAt } from '#shared/simulate';

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
        'x.yaml: events[0].dependency: expected "*" with state silent: a silent probe region reports nothing for any dependency',
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
        '  Hint: check the spelling against "Scenario format" in README.md',
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
