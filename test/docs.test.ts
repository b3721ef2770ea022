// The README and docs/ say only what runs (issue 17): every fenced `sh`/`bash`/`shell`/`console` block in
// README.md and docs/*.md either runs here as written or says why not in an HTML comment on the line above it
// (`<!-- not-offline: why -->` for AWS or the network, `<!-- slow: why -->` for minutes of work,
// `<!-- checkout: why -->` for a command of depmon's own repository, such as its bench/). A runnable
// block runs line by line through bash in a fresh project made by `depmon init` (beside depmon's examples/, as in
// the checkout), and each of its commands must have an expectation below: exit status and something real in its
// output. A block with a command this file does not know fails, so a new example cannot slip in unchecked.
// Also: every relative link in README.md and docs/ resolves to a file, and its #anchor to a heading there.
// Network: none (npm offline, 127.0.0.1, `.example` names).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { depmon } from './helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
/** A bound on one command (a simulation synthesizes the home stacks in-process), not a timing assertion. */
const COMMAND_MS = 600_000;
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
const MARKER = /^<!--\s*(not-offline|slow|checkout):\s*(\S.*?)\s*-->$/;

interface Block {
  file: string;
  line: number;
  lang: string;
  /** The visible reason it is not run here, from the comment line above it. */
  skip?: { kind: string; reason: string };
  commands: string[];
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command as written, less its trailing `# comment`; a `console` block's commands are its `$ ` lines. */
function commandsOf(lang: string, body: string[]): string[] {
  const lines = lang === 'console' ? body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)) : body;
  return lines.map((l) => l.replace(/(^|\s)#(\s.*)?$/, '').trim()).filter((l) => l !== '');
}

function blocksOf(file: string): Block[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code block`);
    const lang = open[1] ?? '';
    if (SHELL_LANGS.has(lang)) {
      const marker = MARKER.exec(lines[i - 1]?.trim() ?? '');
      blocks.push({
        file,
        line: i + 1,
        lang,
        skip: marker ? { kind: marker[1] ?? '', reason: marker[2] ?? '' } : undefined,
        commands: commandsOf(lang, lines.slice(i + 1, end)),
      });
    }
    i = end;
  }
  return blocks;
}

const json = async (dir: string, file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8'));

/** What each runnable command must do in a project made by `depmon init`: its exit status and its output. */
const EXPECT: Record<string, { code: number; check: (run: Run, dir: string) => void | Promise<void> }> = {
  'npx depmon init': {
    code: 0,
    check: (run, dir) => {
      expect(run.stdout).toContain(
        'depmon init: wrote monitor.config.ts, cdk.json, scenarios/partner-outage.yaml',
      );
      for (const f of ['monitor.config.ts', 'cdk.json', 'scenarios/partner-outage.yaml'])
        expect(existsSync(path.join(dir, f)), f).toBe(true);
    },
  },
  // The placeholders are down until the user points them at real hosts: exit 1, as the README says.
  'npx depmon check': {
    code: 1,
    check: (run) => {
      expect(run.stdout).toMatch(/^2 dependencies: 0 up, 0 degraded, 2 down$/m);
      expect(run.stdout).toMatch(/core-api\s+first-party\s+DOWN .*CONNECTION_REFUSED/);
    },
  },
  'npx depmon simulate scenarios/partner-outage.yaml': {
    code: 0,
    check: (run) => {
      expect(run.stdout).toContain('PAGE   external-outage (SEV2)');
      expect(run.stdout).toContain('EXTERNAL OUTAGE: payment-partner down (3/3 regions) - core healthy');
      expect(run.stdout).toContain('1 page, 1 resolved, 0 held back.');
    },
  },
  'npx depmon simulate examples/scenarios/core-outage-with-partners.yaml': {
    code: 0,
    check: (run) => {
      expect(run.stdout).toContain('[SEV1] bank CORE OUTAGE: core-ledger');
      expect(run.stdout).toContain('[RESOLVED] bank CORE OUTAGE: core-ledger recovered');
      // The partners' pages are held back while core is down (how many notices follow depends on nothing here).
      expect(run.stdout).not.toContain('PAGE   external-outage');
      expect(run.stdout).toMatch(/held +external-outage for kakaotalk-message-api: core-outage/);
      expect(run.stdout).toMatch(/\d+ pages?, 1 resolved, 2 held back\./);
    },
  },
  'npx depmon simulate scenarios/partner-outage.yaml --json > result.json': {
    code: 0,
    check: async (_run, dir) => {
      const result = (await json(dir, 'result.json')) as {
        pages: { kind: string; resolved: boolean; dependencies: string[] }[];
      };
      expect(result.pages.map((p) => [p.kind, p.resolved, p.dependencies])).toEqual([
        ['external-outage', false, ['payment-partner']],
        ['external-outage', true, ['payment-partner']],
      ]);
    },
  },
  'npx depmon simulate scenarios/partner-outage.yaml --report rehearsal.html --timeline rehearsal.md': {
    code: 0,
    check: async (run, dir) => {
      expect(run.stdout).toContain('report: rehearsal.html');
      const html = await readFile(path.join(dir, 'rehearsal.html'), 'utf8');
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('EXTERNAL OUTAGE: payment-partner');
      const account = await readFile(path.join(dir, 'rehearsal.md'), 'utf8');
      expect(account).toMatch(/^# Rehearsal account: my-monitor \(partner-outage\)/);
      expect(account).toMatch(/\| First page sent \|.*\[SEV2\] my-monitor EXTERNAL OUTAGE: payment-partner/);
    },
  },
  'npx depmon simulate examples/scenarios/kakao-fire.yaml --timeline drill.html': {
    code: 0,
    check: async (run, dir) => {
      expect(run.stdout).toContain('EXTERNAL OUTAGE: kakao (3 of 3 APIs)');
      const html = await readFile(path.join(dir, 'drill.html'), 'utf8');
      expect(html).toMatch(/<html/i);
      expect(html).toContain('kakao-fire');
      expect(html).toContain('kakaotalk-message-api');
    },
  },
  'npx depmon cost': {
    code: 0,
    check: (run) => {
      expect(run.stdout).toMatch(/^depmon cost: "my-monitor", 2 dependencies, 3 probe regions/);
      expect(run.stdout).toMatch(/^Lambda\s+probe requests/m);
    },
  },
  'npx depmon cost --config monitor.config.ts --json': {
    code: 0,
    check: (run) => {
      const cost = JSON.parse(run.stdout) as {
        depmon: { totalUsd: number; lines: unknown[]; perDependency: { dependency: string }[] };
      };
      expect(cost.depmon.totalUsd).toBeGreaterThan(0);
      expect(cost.depmon.lines.length).toBeGreaterThan(0);
      expect(cost.depmon.perDependency.map((d) => d.dependency)).toEqual(['core-api', 'payment-partner']);
    },
  },
  'npx depmon cost --free-tier': {
    code: 0,
    check: (run) => expect(run.stdout).toMatch(/^Free tier\s+lambdaRequests: 1,000,000 free a month/m),
  },
};

const blocks = DOCS.flatMap(blocksOf);
const runnable = blocks.filter((b) => !b.skip);
const work: string[] = [];
afterAll(async () => {
  await Promise.all(work.map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * An empty project with depmon "installed" from this checkout: node_modules/depmon and the two bins link here, and
 * examples/ is depmon's. `"type": "module"` lets the checkout's bin resolve `depmon` to its sources (the
 * `depmon-source` condition it adds applies to ES modules; an installed package resolves to dist/ either way).
 */
async function project(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'depmon-docs-'));
  work.push(dir);
  await mkdir(path.join(dir, 'node_modules/.bin'), { recursive: true });
  await writeFile(
    path.join(dir, 'package.json'),
    '{ "name": "my-monitor", "private": true, "type": "module" }\n',
  );
  await symlink(ROOT, path.join(dir, 'node_modules/depmon'));
  await symlink(path.join(ROOT, 'cli/bin.js'), path.join(dir, 'node_modules/.bin/depmon'));
  await symlink(path.join(ROOT, 'node_modules/aws-cdk/bin/cdk'), path.join(dir, 'node_modules/.bin/cdk'));
  await symlink(path.join(ROOT, 'examples'), path.join(dir, 'examples'));
  return dir;
}

/** One command through bash, as a reader pastes it. npm's own npm_* variables (set by `npm test`) would point npx at this repository; offline, npx can never fetch. */
function sh(command: string, cwd: string): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', command],
      { cwd, env: { ...env, npm_config_offline: 'true' }, timeout: COMMAND_MS, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('command blocks in README.md and docs/', () => {
  it('finds the blocks, and each is marked with a reason or has an expectation for every command', () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(runnable.length).toBeGreaterThan(2);
    const unknown = runnable.flatMap((b) =>
      b.commands.filter((c) => !(c in EXPECT)).map((c) => `${b.file}:${b.line}: ${c}`),
    );
    expect(
      unknown,
      'add an expectation in test/docs.test.ts, or mark the block <!-- not-offline: why -->',
    ).toEqual([]);
    expect(runnable.filter((b) => b.commands.length === 0).map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  it('has no marker that does not stand right above a command block', () => {
    const stray = DOCS.flatMap((file) => {
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      return lines.flatMap((l, i) =>
        /^<!--\s*(not-offline|slow|checkout)\b/.test(l.trim()) &&
        !(MARKER.test(l.trim()) && SHELL_LANGS.has(/^```(\S*)/.exec(lines[i + 1] ?? '')?.[1] ?? '-'))
          ? [`${file}:${i + 1}`]
          : [],
      );
    });
    expect(stray).toEqual([]);
  });

  it('has an expectation for no command the docs no longer show', () => {
    const shown = new Set(runnable.flatMap((b) => b.commands));
    expect(Object.keys(EXPECT).filter((c) => !shown.has(c))).toEqual([]);
  });

  describe.concurrent('runs every offline block as written', () => {
    for (const block of runnable) {
      it(`${block.file}:${block.line}`, { timeout: COMMAND_MS * block.commands.length }, async () => {
        const dir = await project();
        if (block.commands[0] !== 'npx depmon init') {
          const init = await depmon(['init'], dir);
          expect(init.code, init.stderr).toBe(0);
        }
        for (const command of block.commands) {
          const want = EXPECT[command];
          if (!want) throw new Error(`${command}: no expectation`);
          const run = await sh(command, dir);
          expect(run.code, `${command}\n${run.stderr}`).toBe(want.code);
          expect(run.stderr, command).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
          await want.check(run, dir);
        }
      });
    }
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Markdown links outside code: `[text](target)`. */
function linksOf(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const m of line.replace(/`[^`]*`/g, '``').matchAll(/\]\(([^)\s]+)\)/g))
      links.push({ line: i + 1, target: m[1] ?? '' });
  });
  return links;
}

describe('links in README.md and docs/', () => {
  it('resolve to a file of this repository, and an #anchor to a heading in it', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of DOCS) {
      for (const { line, target } of linksOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
        if (/^[a-z]+:/i.test(target)) continue;
        checked++;
        const [rel = '', anchor] = target.split('#');
        const to =
          rel === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), rel);
        if (!existsSync(to)) broken.push(`${file}:${line}: ${target}: no such file`);
        else if (anchor && to.endsWith('.md') && !anchorsOf(readFileSync(to, 'utf8')).has(anchor))
          broken.push(`${file}:${line}: ${target}: no heading with that anchor`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });
});
