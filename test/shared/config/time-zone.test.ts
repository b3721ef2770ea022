// One time-zone label everywhere (README config reference, `timeZone`): pages, incident accounts and the report
// all print zoneLabel's label, so a Korean reader sees KST in the page and in the account, never GMT+9 in one.
import { describe, expect, it } from 'vitest';
import { zoneLabel } from '#shared/config';
import { localTime } from '#shared/timeline';
import { when } from '../../../shared/pages/format.ts';

const JULY = new Date('2026-07-01T12:00:00Z');
const JANUARY = new Date('2026-01-15T12:00:00Z');

describe('zoneLabel', () => {
  it('uses the abbreviation readers of the zone use, with daylight saving, else the offset', () => {
    expect(zoneLabel('Asia/Seoul', JULY)).toBe('KST');
    expect(zoneLabel('America/New_York', JULY)).toBe('EDT');
    expect(zoneLabel('America/New_York', JANUARY)).toBe('EST');
    expect(zoneLabel('Europe/London', JULY)).toBe('BST');
    expect(zoneLabel('Asia/Tbilisi', JULY)).toBe('GMT+4');
    expect(zoneLabel('UTC', JULY)).toBe('UTC');
  });

  it('is the label pages and incident accounts print, for the same instant', () => {
    for (const [zone, at] of [
      ['Asia/Seoul', JULY],
      ['America/New_York', JANUARY],
      ['Europe/London', JULY],
      ['Asia/Tbilisi', JULY],
    ] as const) {
      const label = zoneLabel(zone, at);
      expect(when(at.toISOString(), zone)).toMatch(
        new RegExp(` \\d\\d:\\d\\d ${label.replace('+', '\\+')} \\(`),
      );
      expect(localTime(at, zone).endsWith(` ${label}`)).toBe(true);
    }
  });
});
