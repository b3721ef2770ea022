// Maintenance windows: is a dependency's page muted at a given instant? One-off windows are absolute
// instants; recurring ones are wall-clock times in a time zone (a Korean bank writes "Sunday 03:00 KST").
import type { MaintenanceWindow, MonitorConfig } from '#shared/config';

const DAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const WEEKDAY_SHORT: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Wall-clock weekday (0 = Sunday) and minute of day of an instant in a time zone. */
function localClock(at: Date, timeZone: string): { weekday: number; minuteOfDay: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    weekday: WEEKDAY_SHORT[get('weekday')] ?? 0,
    minuteOfDay: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** Whether a window is active at `at`. Recurring windows may run past midnight (up to a week). */
export function windowActive(w: MaintenanceWindow, at: Date, defaultTimeZone: string): boolean {
  if (w.start !== undefined && w.end !== undefined) {
    const t = at.getTime();
    return t >= Date.parse(w.start) && t < Date.parse(w.end);
  }
  if (!w.recurring) return false;
  const { weekday, minuteOfDay } = localClock(at, w.timeZone ?? defaultTimeZone);
  const [hh, mm] = w.recurring.start.split(':').map(Number);
  const startMinute = (hh ?? 0) * 60 + (mm ?? 0);
  for (let back = 0; back <= 7; back++) {
    const day = (weekday - back + 7) % 7;
    if (!w.recurring.days.some((d) => DAY_INDEX[d] === day)) continue;
    const elapsed = back * 1440 + minuteOfDay - startMinute;
    if (elapsed >= 0 && elapsed < w.recurring.durationMinutes) return true;
  }
  return false;
}

/** The active window muting a dependency at `at`, if any. */
export function activeMaintenance(
  config: MonitorConfig,
  dependency: string,
  at: Date,
): MaintenanceWindow | undefined {
  return config.maintenance.find(
    (w) =>
      (w.dependencies === '*' || w.dependencies.includes(dependency)) && windowActive(w, at, config.timeZone),
  );
}
