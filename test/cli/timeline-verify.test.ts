// `depmon timeline --verify FILE`: exit 0 for an intact account, 1 naming the first broken event, 2 for a file
// that is not an account with a chain.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accountFromSimulation } from '#shared/simulate';
import { renderJson } from '#shared/timeline';
import { depmon } from '../helpers/cli.ts';
import { kakaoRehearsal } from '../helpers/kakao-rehearsal.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'depmon-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return name;
};
const text = renderJson(accountFromSimulation(kakaoRehearsal()));

describe('depmon timeline --verify', () => {
  it('exits 0 for an intact account and prints the chain head', async () => {
    const r = await depmon(['timeline', '--verify', write('ok.json', text)], dir);
    expect(r.code).toBe(0);
    const head = JSON.parse(text).chain.head as string;
    expect(r.stdout).toBe(
      `ok.json: hash chain intact: ${JSON.parse(text).events.length} events, head ${head}\n`,
    );
  });

  it('exits 1 naming the first event that was edited', async () => {
    const doc = JSON.parse(text);
    doc.events[7].summary += ' (edited)';
    const r = await depmon(['timeline', '--verify', write('edited.json', JSON.stringify(doc))], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^edited\\.json: hash chain broken: event 8 \\(${doc.events[7].at} ${doc.events[7].kind}\\)`,
      ),
    );
  });

  it('exits 2 for a file that is not an account, naming the file and field', async () => {
    const noChain = JSON.parse(text);
    delete noChain.chain;
    const r1 = await depmon(['timeline', '--verify', write('nochain.json', JSON.stringify(noChain))], dir);
    expect([r1.code, r1.stderr]).toEqual([
      2,
      'nochain.json: chain: expected the account\'s hash chain (algorithm "sha256")\n',
    ]);
    const r2 = await depmon(['timeline', '--verify', write('bad.json', 'not json')], dir);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^bad\.json: expected a \.json account/);
  });
});
