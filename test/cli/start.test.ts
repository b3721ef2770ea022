// `depmon start` (npm start): the Kakao-fire rehearsal end to end, the page as on-call receives it, the report.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIO, main } from '../../cli/main.ts';
import { Capture } from '../helpers/cli.ts';

describe('depmon start', () => {
  let dir: string;
  let code: number;
  const stdout = new Capture();
  const stderr = new Capture();

  beforeAll(async () => {
    // Prepare
    dir = await mkdtemp(path.join(tmpdir(), 'depmon-start-'));
    const io: CliIO = { stdout, stderr, cwd: dir, env: {} };
    // Act
    code = await main(['start'], io);
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the timeline with the one external-outage page and its resolution', () => {
    expect(code, stderr.text).toBe(0);
    expect(stdout.text).toMatch(/PAGE {3}external-outage \(SEV2\)/);
    expect(stdout.text).toMatch(/PAGE {3}resolved external-outage/);
    expect(stdout.text).not.toContain('core-outage (SEV1)');
    expect(stdout.text).toContain('1 page, 1 resolved, 0 held back.');
  });

  it('shows the page as on-call receives it: subject, core healthy, features, fallback, runbook, SMS', () => {
    const page = stdout.text.slice(stdout.text.indexOf('The page on-call received'));
    expect(page).toMatch(/Subject: \[SEV2\] bank EXTERNAL OUTAGE: kakao/);
    expect(page).toContain('Core banking is healthy');
    expect(page).toContain('transfers sent through chat');
    expect(page).toContain('Switch chat transfers to in-app transfer links');
    expect(page).toContain('https://runbooks.bank.example/partners/kakao');
    expect(page).toMatch(/and as SMS: SEV2 bank: kakao/);
  });

  it('writes the HTML report in the working directory and says where', async () => {
    const file = path.join(dir, 'depmon-report.html');
    expect(existsSync(file)).toBe(true);
    expect(stdout.text).toContain(`Report with the timeline chart: ${file}`);
    expect(await readFile(file, 'utf8')).toContain('<svg id="chart"');
  });

  it('writes the rehearsal account beside the report, in time order with its figures', async () => {
    const file = path.join(dir, 'depmon-timeline.md');
    expect(stdout.text).toContain(
      `Minute-by-minute account of the rehearsal (what a regulator asks for): ${file}`,
    );
    const md = await readFile(file, 'utf8');
    expect(md).toMatch(/Onset/);
    expect(md).toMatch(/First page/);
    expect(md).toContain('kakao');
    expect(md.indexOf('external-outage')).toBeGreaterThan(-1);
  });
});
