// The response in the account: acks and notes beside the machine events, the incidents table with
// time-to-acknowledge and time-to-first-action, and a scenario's scripted `response:`.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/config';
import { incidentId } from '#shared/pages';
import { accountFromSimulation, parseScenario } from '#shared/simulate';
import { buildAccount, renderCsv, renderHtml, renderJson, renderMarkdown } from '#shared/timeline';
import { kakaoRehearsal, START } from '../../helpers/kakao-rehearsal.ts';

const at = (s: number) => new Date(new Date(START).getTime() + s * 1000);

describe('scripted response in a rehearsal account', () => {
  // Prepare: the Kakao rehearsal pages at 602 s and resolves at 3 h 2 min; kim acks at 14 min, notes at 20.
  const sim = kakaoRehearsal();
  const withResponse = {
    ...sim,
    scenario: {
      ...sim.scenario,
      response: [
        { atSeconds: 840, by: 'kim', kind: 'ack' as const },
        { atSeconds: 1200, by: 'kim', kind: 'note' as const, text: 'switched notices to SMS' },
      ],
    },
  };

  it('lists the ack and the note as events of kind ack and note, from the scenario', () => {
    const account = accountFromSimulation(withResponse);
    const response = account.events.filter((e) => e.kind === 'ack' || e.kind === 'note');
    expect(response.map((e) => [e.kind, e.atSeconds, e.source, e.by])).toEqual([
      ['ack', 840, 'scenario', 'kim'],
      ['note', 1200, 'scenario', 'kim'],
    ]);
    expect(response[1]!.summary).toContain('switched notices to SMS');
    // Each answers the incident open at that moment, by its id.
    const id = account.incidents[0]!.id;
    expect(response.every((e) => e.incidents?.[0] === id)).toBe(true);
  });

  it('gives the incident its first page, ack, first action and resolution, each with its source', () => {
    const [incident, ...more] = accountFromSimulation(withResponse).incidents;
    expect(more).toEqual([]);
    expect(incident!.alarm).toBe('bank-external-outage-kakao');
    expect(incident!.firstPage.atSeconds).toBe(602);
    expect(incident!.firstPage.source).toBe('simulator');
    expect(incident!.acknowledged).toMatchObject({ atSeconds: 840, source: 'scenario', detail: 'by kim' });
    expect(incident!.firstAction).toMatchObject({ atSeconds: 1200, source: 'scenario' });
    expect(incident!.resolution?.atSeconds).toBe(3 * 3600 + 122);
    // (840 - 602) s = 3.97 min; (1200 - 602) s = 9.97 min, one decimal.
    expect(incident!.minutesToAcknowledge).toBe(4);
    expect(incident!.minutesToFirstAction).toBe(10);
  });

  it('says when an incident was never acknowledged', () => {
    const [incident] = accountFromSimulation(sim).incidents;
    expect(incident!.acknowledged).toBeNull();
    expect(incident!.minutesToAcknowledge).toBeNull();
    expect(renderMarkdown(accountFromSimulation(sim))).toContain('not acknowledged in the window');
  });

  it('puts the incidents table in every form', () => {
    const account = accountFromSimulation(withResponse);
    const id = account.incidents[0]!.id;
    const md = renderMarkdown(account);
    expect(md).toContain('## Incidents (1)');
    expect(md).toMatch(new RegExp(`\\| ${id} \\|.*\\(source: scenario\\): by kim.*\\| 4\\.0 \\| 10\\.0 \\|`));
    expect(renderHtml(account)).toContain('<h2>Incidents (1)</h2>');
    expect(renderCsv(account)).toContain(`Incident ${id} (SEV2 external-outage)`);
    const json = JSON.parse(renderJson(account));
    expect(json.incidents[0].minutesToAcknowledge).toBe(4);
    expect(json.events.filter((e: { kind: string }) => e.kind === 'ack')).toHaveLength(1);
  });
});

describe('responses from the page log', () => {
  const base = {
    config: { name: 'bank', timeZone: 'Asia/Seoul', probeRegions: ['ap-northeast-2'] },
    window: { from: at(0), to: at(7200) },
    origin: 'aws' as const,
    alarms: [],
    onsets: [],
    recoveries: [],
  };
  const page = (alarm: string, s: number, resolved = false) => ({
    at: at(s),
    kind: 'external-outage',
    resolved,
    severity: 'SEV2',
    dependencies: ['x'],
    outcome: 'sent' as const,
    alarmName: alarm,
    incident: incidentId(alarm, at(0).toISOString()),
    subject: `${alarm}${resolved ? ' resolved' : ''}`,
  });

  it('answers the incident an ack names, not every open one', () => {
    // Prepare: two incidents open at once; the ack names the second.
    const second = incidentId('bank-external-outage-toss', at(0).toISOString());
    const account = buildAccount({
      ...base,
      pages: [page('bank-external-outage-kakao', 60), page('bank-external-outage-toss', 120)],
      responses: [
        {
          at: at(300),
          kind: 'ack',
          by: 'arn:aws:sts::1:assumed-role/oncall/kim',
          via: 'cli',
          incident: second,
        },
      ],
    });
    const [kakao, toss] = account.incidents;
    expect(kakao!.acknowledged).toBeNull();
    expect(toss!.id).toBe(second);
    expect(toss!.acknowledged).toMatchObject({ source: 'page-log', minutesAfterPage: 3 });
    expect(account.events.find((e) => e.kind === 'ack')?.summary).toContain('via cli');
  });

  it('shows a drill beside the machine events, before what it caused at the same instant', () => {
    const account = buildAccount({
      ...base,
      pages: [page('bank-external-outage-kakao', 60)],
      responses: [
        { at: at(60), kind: 'drill-start', by: 'kim', via: 'cli', dependency: 'kakao-login', until: at(960) },
      ],
    });
    expect(account.events.map((e) => e.kind)).toEqual(['drill', 'page-sent']);
    expect(account.events[0]!.summary).toMatch(/^\[DRILL\] started by kim: .*kakao-login.*reason DRILL/);
  });
});

describe('scenario response: field', () => {
  const parse = (response: unknown) =>
    parseScenario({ durationMinutes: 30, events: [], response }, 'drill.yaml', '/tmp');
  const refusal = (response: unknown) => {
    try {
      parse(response);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  };

  it('reads acks and notes, in time order', () => {
    const s = parse([
      { at: '20m', by: 'kim', note: 'switched notices to SMS' },
      { at: '14m', by: 'kim', ack: true },
    ]);
    expect(s.response).toEqual([
      { atSeconds: 840, by: 'kim', kind: 'ack' },
      { atSeconds: 1200, by: 'kim', kind: 'note', text: 'switched notices to SMS' },
    ]);
  });

  it('refuses a response that is neither or both, or after the end, naming the field', () => {
    expect(refusal([{ at: '1m', by: 'kim' }])).toMatch(
      /^drill\.yaml: response\[0\]: expected exactly one of ack: true or note/,
    );
    expect(refusal([{ at: '1m', by: 'kim', ack: true, note: 'x' }])).toMatch(
      /response\[0\]: expected exactly one/,
    );
    expect(refusal([{ at: '40m', by: 'kim', ack: true }])).toMatch(
      /response\[0\]\.at: expected an offset within durationMinutes/,
    );
    expect(refusal([{ at: '1m', ack: true }])).toMatch(/response\[0\]\.by: required: expected who responded/);
    expect(refusal([{ at: '1m', by: 'kim', ack: false }])).toMatch(/response\[0\]\.ack: expected ack: true/);
    expect(refusal([{ at: '1m', by: 'kim', ack: true, when: 'now' }])).toMatch(/response\[0\]/);
  });
});
