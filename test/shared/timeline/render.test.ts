// The account's four forms and writeTimeline: contract shape, escaping, and self-containment.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFromSimulation } from '#shared/simulate';
import {
  type Account,
  buildAccount,
  formatForFile,
  renderCsv,
  renderHtml,
  renderJson,
  renderMarkdown,
  TimelineFormatError,
  writeTimeline,
} from '#shared/timeline';
import { GENERATED_AT, kakaoRehearsal } from '../../helpers/kakao-rehearsal.ts';

const kakao = (): Account => accountFromSimulation(kakaoRehearsal(), { generatedAt: GENERATED_AT });

/** An account whose texts carry what each format must escape. */
function hostile(timeZone = 'Asia/Seoul'): Account {
  const at = new Date('2022-10-15T06:30:00Z');
  return buildAccount({
    config: { name: 'bank', timeZone, probeRegions: ['ap-northeast-2'] },
    window: { from: new Date('2022-10-15T06:00:00Z'), to: new Date('2022-10-15T07:00:00Z') },
    origin: 'aws',
    alarms: [
      { alarm: 'bank-down-x', at, from: 'OK', to: 'ALARM', reason: '=HYPERLINK("http://evil.example")' },
    ],
    pages: [
      {
        at,
        kind: 'external-outage',
        resolved: false,
        severity: 'SEV2',
        dependencies: ['x'],
        outcome: 'sent',
        subject: '<script>alert(1)</script> | 카카오톡 "down"',
        text: 'line one, with comma\nline two ``` fence <img src=x>',
        sms: '카카오 장애',
      },
    ],
    onsets: [],
    recoveries: [],
  });
}

describe('renderJson', () => {
  it('starts with the events of the DESIGN.md contract and carries the figures', () => {
    // Act
    const json = JSON.parse(renderJson(kakao())) as Record<string, unknown> & {
      events: Record<string, unknown>[];
    };

    // Assess
    expect(Object.keys(json)[0]).toBe('events');
    for (const e of json.events) {
      expect(typeof e.at).toBe('string');
      expect(typeof e.atSeconds).toBe('number');
      expect(typeof e.kind).toBe('string');
      expect(typeof e.source).toBe('string');
      expect(typeof e.summary).toBe('string');
    }
    expect(json.figures).toMatchObject({
      onset: { at: '2022-10-15T06:27:00.000Z' },
      resolution: { minutesFromOnset: 174 },
    });
  });
});

describe('renderCsv', () => {
  it('writes the figures then one row per event, with a BOM, CRLF and quoted multi-line cells', () => {
    // Prepare
    const account = hostile();

    // Act
    const csv = renderCsv(account);

    // Assess
    expect(csv.startsWith('\uFEFFutc,local,at_seconds,minutes_from_onset,kind,source,summary,')).toBe(true);
    expect(csv).toContain('"line one, with comma\nline two ``` fence <img src=x>"');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).toContain('카카오 장애');
    const figureRows = csv.split('\r\n').filter((l) => l.includes(',figure,derived,'));
    expect(figureRows).toHaveLength(3); // onset (the first alarm), detection, first page
  });
});

describe('renderHtml', () => {
  it('is one self-contained page: nothing loaded from elsewhere, every text escaped', () => {
    // Act
    const html = renderHtml(hostile());

    // Assess
    expect(html).not.toMatch(/<script|<link|<img|<[^>]+\s(src|href)=|@import|url\(/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('카카오톡');
    expect(html).toContain('<th>KST</th>');
  });

  it('shows the figures and the page text of the Kakao rehearsal', () => {
    // Act
    const html = renderHtml(kakao());

    // Assess
    expect(html).toContain('2022-10-15 15:27:00 KST');
    expect(html).toContain('+174.0 min from onset');
    expect(html).toContain('Core banking is healthy.');
  });
});

describe('renderMarkdown', () => {
  it('shows the figures at the top, escapes table cells and fences page texts', () => {
    // Act
    const md = renderMarkdown(hostile());
    const kakaoMd = renderMarkdown(kakao());

    // Assess
    expect(kakaoMd.indexOf('## Figures')).toBeLessThan(kakaoMd.indexOf('## Events'));
    expect(kakaoMd).toContain('| Resolution | 2022-10-15 09:21:00 UTC | 2022-10-15 18:21:00 KST | +174.0 |');
    expect(md).toContain('\\| 카카오톡');
    expect(md).toContain('````text\nline one');
  });
});

describe('writeTimeline', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'depmon-timeline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('chooses the format from the extension', async () => {
    // Prepare
    const account = kakao();

    // Act
    for (const ext of ['md', 'html', 'csv', 'json'])
      await writeTimeline(account, path.join(dir, 'sub', `a.${ext}`));

    // Assess
    expect(await readFile(path.join(dir, 'sub', 'a.md'), 'utf8')).toMatch(/^# Rehearsal account: bank/);
    expect(await readFile(path.join(dir, 'sub', 'a.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(await readFile(path.join(dir, 'sub', 'a.csv'), 'utf8')).toMatch(/^\uFEFFutc,/);
    expect(JSON.parse(await readFile(path.join(dir, 'sub', 'a.json'), 'utf8')).events).toHaveLength(
      account.events.length,
    );
  });

  it('refuses an extension it does not write, naming the file', async () => {
    // Act
    const write = writeTimeline(kakao(), path.join(dir, 'a.pdf'));

    // Assess
    await expect(write).rejects.toBeInstanceOf(TimelineFormatError);
    await expect(write).rejects.toThrow('a.pdf: expected a file ending in .md, .html, .csv or .json');
    expect(formatForFile('x.HTM')).toBe('html');
  });
});

describe('an account kept in UTC', () => {
  it('says UTC once and shows one time column, not two identical ones', () => {
    // Act
    const md = renderMarkdown(hostile('UTC'));
    const html = renderHtml(hostile('UTC'));
    const seoul = renderMarkdown(hostile());
    // Assess
    expect(md).toContain('; times in UTC\n');
    expect(md).not.toContain('UTC and UTC');
    expect(md).toContain('| # | UTC | Min | Kind | Source | What happened |');
    const row = md.split('\n').find((l) => l.startsWith('| 1 | '))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(8);
    expect(html).not.toContain('UTC and UTC');
    expect(html).toContain('<th>#</th><th>UTC</th><th>Min</th>');
    // A zone of its own keeps both columns.
    expect(seoul).toContain('times in UTC and Asia/Seoul (KST)');
    expect(seoul).toContain('| # | UTC | KST | Min | Kind | Source | What happened |');
  });
});
