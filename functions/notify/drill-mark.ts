// Pages of a drill: a page whose incident began while a drill of one of its dependencies was in force says
// [DRILL] at the start of its subject and of every text, its resolved page too. Notify reads the same drill
// store as the probes; an unreadable store leaves pages as they are (and is logged): a real outage during a
// failed read is never hidden.
import { fitSms, type PageLogRecord, SNS_SUBJECT_MAX_CHARS } from '#shared/pages';
import type { Drill } from '#shared/runtime';

export const DRILL_MARK = '[DRILL]';

/** The drill a record belongs to: one of its dependencies drilled when its incident began. */
export function drillOf(record: PageLogRecord, drills: readonly Drill[]): Drill | undefined {
  const began = Date.parse(record.since ?? record.alarmTime);
  return drills.find(
    (d) =>
      record.dependencies.includes(d.dependency) && Date.parse(d.start) <= began && began < Date.parse(d.end),
  );
}

export function markDrill(record: PageLogRecord, drills: readonly Drill[]): PageLogRecord {
  const d = drillOf(record, drills);
  if (!d) return record;
  const line = `${DRILL_MARK} This is a drill of ${d.dependency} (depmon drill by ${d.by}, ${d.start} to ${d.end}), not a real outage.`;
  const m = record.messages;
  return {
    ...record,
    subject: `${DRILL_MARK} ${record.subject}`.slice(0, SNS_SUBJECT_MAX_CHARS),
    messages: {
      default: `${line}\n${m.default}`,
      email: `${line}\n${m.email}`,
      sms: fitSms(`${DRILL_MARK} ${m.sms}`),
      https: markHttps(m.https, d),
    },
  };
}

/** The HTTPS body is JSON: the drill as a field, and the subject marked when it carries one. */
function markHttps(body: string, d: Drill): string {
  try {
    const o = JSON.parse(body) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return `${DRILL_MARK} ${body}`;
    return JSON.stringify({
      ...o,
      ...(typeof o.subject === 'string' ? { subject: `${DRILL_MARK} ${o.subject}` } : {}),
      drill: { dependency: d.dependency, by: d.by, start: d.start, end: d.end },
    });
  } catch {
    return `${DRILL_MARK} ${body}`;
  }
}
