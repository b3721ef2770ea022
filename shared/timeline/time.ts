// Instants as the account prints them: ISO UTC, and wall-clock time in the config's time zone with a
// short label a reader recognises (a Korean bank reads KST, not "GMT+9"): #shared/config's zoneLabel, the one
// label pages and the report use too.
import { zoneLabel } from '#shared/config';
import type { Stamp } from './types.ts';

/** Building an Intl.DateTimeFormat costs far more than using one: an account stamps thousands of events. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return cached(
    `${timeZone}|wall`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  );
}

/** `2022-10-15 15:30:00 KST`. */
export function localTime(at: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zoneLabel(timeZone, at)}`;
}

/** `2022-10-15 06:30:00 UTC`: the UTC column of tables, easier to read than ISO. */
export function utcTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export { zoneLabel };

export function stamp(at: Date, timeZone: string): Stamp {
  return { at: at.toISOString(), local: localTime(at, timeZone) };
}

/** Minutes from `onset` to `at`, one decimal. */
export function minutesBetween(onset: Date, at: Date): number {
  return Math.round((at.getTime() - onset.getTime()) / 6000) / 10;
}
