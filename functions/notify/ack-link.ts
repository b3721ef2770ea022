// The ack link in a page: each page sent (not its resolved form) gets a freshly signed token for its incident,
// added to the email and default texts at publish time; the SMS names the incident and the command (a signed
// URL does not fit one SMS). The page log keeps the text without the link: the token is a bearer credential.
// Without the key (not configured, or Secrets Manager failing) the page goes out without a link, and says so
// in the log: an ack link never holds a page back.
import { ackLine, fitSms, incidentId, type PageLogRecord, signAckToken } from '#shared/pages';

export interface AckLinkSigner {
  readonly url: string;
  readonly key: () => Promise<Buffer>;
  readonly now: () => Date;
  readonly log: (record: Record<string, unknown>) => void;
}

/** The incident a page record belongs to (the id acks and notes name). */
export const incidentOf = (r: PageLogRecord) => incidentId(r.alarmName, r.since ?? r.alarmTime);

/** The record as published: with the ack link when it is a page sent for an open incident. */
export async function withAckLink(
  signer: AckLinkSigner | undefined,
  record: PageLogRecord,
): Promise<PageLogRecord> {
  if (!signer || record.outcome !== 'sent' || record.resolved) return record;
  const incident = incidentOf(record);
  let key: Buffer;
  try {
    key = await signer.key();
  } catch (e) {
    signer.log({
      level: 'error',
      msg: 'ack key unavailable: page sent without its ack link',
      id: record.id,
      error: String(e),
    });
    return record;
  }
  const token = signAckToken(key, { incident, route: record.route ?? '' }, signer.now());
  const line = ackLine(signer.url, incident, token);
  const m = record.messages;
  return {
    ...record,
    messages: {
      ...m,
      default: `${m.default}\n\n${line}`,
      email: `${m.email}\n\n${line}`,
      sms: fitSms(`${m.sms} Ack: depmon ack ${incident}`),
    },
  };
}
