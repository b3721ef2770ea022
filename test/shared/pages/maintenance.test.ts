import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '#shared/config';
import { windowActive } from '#shared/pages';

const weekly = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: 'w',
  dependencies: ['x'],
  reason: '',
  recurring: { days: ['sun'], start: '23:30', durationMinutes: 60 },
  timeZone: 'Asia/Seoul',
  ...over,
});

describe('windowActive', () => {
  it('reads a recurring window in its own time zone and runs it past midnight', () => {
    // Sunday 23:30 KST = Sunday 14:30 UTC; the window ends Monday 00:30 KST = Sunday 15:30 UTC.
    expect(windowActive(weekly(), new Date('2026-11-29T14:29:00Z'), 'UTC')).toBe(false);
    expect(windowActive(weekly(), new Date('2026-11-29T14:30:00Z'), 'UTC')).toBe(true);
    expect(windowActive(weekly(), new Date('2026-11-29T15:20:00Z'), 'UTC')).toBe(true);
    expect(windowActive(weekly(), new Date('2026-11-29T15:30:00Z'), 'UTC')).toBe(false);
  });

  it('uses the config time zone when the window names none', () => {
    const w = weekly({
      timeZone: undefined,
      recurring: { days: ['mon'], start: '09:00', durationMinutes: 30 },
    });
    // Monday 09:10 in Asia/Seoul is Monday 00:10 UTC.
    expect(windowActive(w, new Date('2026-11-30T00:10:00Z'), 'Asia/Seoul')).toBe(true);
    expect(windowActive(w, new Date('2026-11-30T00:10:00Z'), 'UTC')).toBe(false);
  });

  it('treats a one-off window as [start, end)', () => {
    const w = weekly({
      recurring: undefined,
      start: '2026-12-01T02:00:00+09:00',
      end: '2026-12-01T04:00:00+09:00',
    });
    expect(windowActive(w, new Date('2026-11-30T17:00:00Z'), 'UTC')).toBe(true);
    expect(windowActive(w, new Date('2026-11-30T19:00:00Z'), 'UTC')).toBe(false);
  });
});
