// The one label for a time zone, used by pages, incident accounts and the simulation report (README config
// reference, `timeZone`): the abbreviation readers of that zone use (KST, JST, EST/EDT, BST/CET), else Intl's
// offset form ("GMT+4"); UTC is "UTC". Wall-clock times are always printed beside their UTC time.

/** Abbreviations Intl does not give in English for zones without daylight saving (and UTC). */
const ZONE_LABELS: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
  GMT: 'GMT',
  'Asia/Seoul': 'KST',
  'Asia/Tokyo': 'JST',
  'Asia/Shanghai': 'CST',
  'Asia/Hong_Kong': 'HKT',
  'Asia/Taipei': 'CST',
  'Asia/Singapore': 'SGT',
  'Asia/Kolkata': 'IST',
  'Asia/Jakarta': 'WIB',
};

/** The short label of `timeZone` at `at` (DST-aware where Intl knows the abbreviation). */
export function zoneLabel(timeZone: string, at: Date = new Date(0)): string {
  const fixed = ZONE_LABELS[timeZone];
  if (fixed) return fixed;
  // en-US knows American abbreviations (EST, PDT), en-GB the European ones (BST, CET); else "GMT+9".
  let label: string | undefined;
  for (const locale of ['en-US', 'en-GB']) {
    label = cachedFormat(
      `${locale}|${timeZone}|name`,
      () => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }),
    )
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (label && !/^(GMT|UTC)[+-]/.test(label)) return label;
  }
  return label ?? timeZone;
}

/** Building an Intl.DateTimeFormat costs far more than using one: an account stamps thousands of events. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function cachedFormat(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}
