// Paging truth, rehearsed end to end through `depmon simulate --json` (real stand-ins, probe engine, synthesized
// alarms, evaluator and paging core): blindness during open outages, an outage that outlasts its maintenance
// window, notices held during a core outage, the times pages give, and the settle time at short intervals.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { depmon } from '../../helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIOS = path.join(ROOT, 'examples/scenarios');
const FIXTURES = path.join(import.meta.dirname, 'fixtures/fast');
/** A scenario runs real probes every virtual interval; under load a 45-minute one takes a minute or more. */
const SCENARIO_TIMEOUT_MS = 240_000;

interface Page {
  atSeconds: number;
  kind: string;
  dependencies: string[];
  subject: string;
  resolved: boolean;
  alarm: string;
  text: string;
}
interface Held {
  atSeconds: number;
  kind: string;
  resolved: boolean;
  reason: string;
  alarm: string;
  detail: string;
}
interface Sim {
  pages: Page[];
  held: Held[];
  alarms: { atSeconds: number; alarm: string; from: string; to: string }[];
  probes: {
    atSeconds: number;
    dependency: string;
    region: string;
    status: string;
    reason?: string;
    detail?: string;
  }[];
}

async function simulate(file: string): Promise<Sim> {
  const { code, stdout, stderr } = await depmon(['simulate', file, '--json'], ROOT);
  expect(stderr.trim().split('\n').at(-1) ?? '', 'stderr').not.toMatch(/error/i);
  expect(code).toBe(0);
  return JSON.parse(stdout) as Sim;
}

/** The UTC time ("06:14") an email line gives, e.g. "Since 2026-10-17 15:14 GMT+9 (06:14 UTC)." */
function utcOf(text: string, line: RegExp): string {
  const m = new RegExp(`${line.source}[^\\n]*?\\((\\d\\d:\\d\\d) UTC\\)`).exec(text);
  if (!m) throw new Error(`no ${line} line with a UTC time in:\n${text}`);
  return m[1] as string;
}

const outages = (r: Sim, kind: string) => r.pages.filter((p) => p.kind === kind && !p.resolved);
const resolveds = (r: Sim, kind: string) => r.pages.filter((p) => p.kind === kind && p.resolved);

describe('the monitor going blind during an open outage', () => {
  it(
    'two of three regions silent during a core outage: no resolved while blind, no second SEV1, one true resolved',
    async () => {
      // Act
      const r = await simulate(path.join(SCENARIOS, 'blind-during-core-outage.yaml'));
      // Assess: core-ledger is down 5m-30m; ap-northeast-1 and -3 are silent 12m-22m.
      expect(outages(r, 'core-outage').map((p) => p.dependencies)).toEqual([['core-ledger']]);
      const resolved = resolveds(r, 'core-outage');
      expect(resolved).toHaveLength(1);
      expect(resolved[0]!.atSeconds).toBeGreaterThanOrEqual(30 * 60);
      // It says so: the OK seen while blind is held as monitor-blind, and the owners are paged.
      const blindHeld = r.held.filter((h) => h.kind === 'core-outage' && h.reason === 'monitor-blind');
      expect(blindHeld.length).toBeGreaterThan(0);
      expect(blindHeld[0]!.detail).toContain('not a recovery');
      expect(outages(r, 'monitor-blind').length).toBe(2);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'two of three regions abstaining (egress down) while a paged partner recovers: the resolved waits until they vote again',
    async () => {
      const r = await simulate(path.join(SCENARIOS, 'blind-during-partner-outage.yaml'));
      // The regions abstain: a heartbeat of 0 and no votes, not a dependency down.
      const abstained = r.probes.filter(
        (p) => p.region === 'ap-northeast-1' && p.detail?.includes('abstained'),
      );
      expect(abstained.map((p) => p.atSeconds)).toContain(10 * 60);
      expect(outages(r, 'external-outage').map((p) => p.dependencies)).toEqual([['sms-gateway']]);
      const resolved = resolveds(r, 'external-outage');
      expect(resolved).toHaveLength(1);
      // Abstaining ends at 22m: nothing is resolved before the probes see again.
      expect(resolved[0]!.atSeconds).toBeGreaterThan(22 * 60);
      expect(resolved[0]!.text).toContain('The probes were blind from');
      expect(r.held.some((h) => h.kind === 'external-outage' && h.reason === 'monitor-blind')).toBe(true);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe('an outage that outlasts its maintenance window', () => {
  it(
    'is paged when the window ends, saying since when it has failed, and its resolved follows',
    async () => {
      const r = await simulate(path.join(SCENARIOS, 'outage-outlasts-maintenance.yaml'));
      // The window (Sunday 03:00-04:00 KST) ends 40 minutes into the scenario.
      const paged = outages(r, 'external-outage');
      expect(paged.map((p) => p.dependencies)).toEqual([['card-network']]);
      expect(paged[0]!.atSeconds).toBeGreaterThanOrEqual(40 * 60);
      expect(paged[0]!.atSeconds).toBeLessThanOrEqual(41 * 60);
      // Down from 03:30 KST (18:30 UTC); its alarm fires two minutes later, inside the window.
      expect(utcOf(paged[0]!.text, /Since/)).toBe('18:32');
      expect(paged[0]!.text).toContain('It began during maintenance window card-network-sunday');
      expect(r.held.some((h) => h.reason === 'maintenance')).toBe(true);
      const resolved = resolveds(r, 'external-outage');
      expect(resolved.map((p) => p.atSeconds > paged[0]!.atSeconds)).toEqual([true]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe('pages held during a core outage', () => {
  it(
    'releases a held degraded notice when core recovers, saying why and since when',
    async () => {
      const r = await simulate(path.join(SCENARIOS, 'degraded-partner-during-core-outage.yaml'));
      // Core ledger down 5m-25m (its OK at about 27m); Kakao login slow from 8m to the end.
      const notices = outages(r, 'degraded').filter((p) => p.dependencies.includes('kakao-login'));
      expect(notices).toHaveLength(1);
      const coreOk = r.alarms.find((a) => a.alarm === 'bank-core-outage' && a.to === 'OK');
      expect(notices[0]!.atSeconds).toBeGreaterThanOrEqual(coreOk!.atSeconds);
      expect(notices[0]!.subject).toBe('[NOTICE] bank DEGRADED: kakao-login slow (3/3 regions)');
      // Since when it was slow (its degraded alarm, about 10m = 06:10 UTC), not when it was released.
      expect(utcOf(notices[0]!.text, /Since/) < '06:20').toBe(true);
      expect(r.held.some((h) => h.kind === 'degraded' && h.reason === 'core-outage')).toBe(true);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'gives a partner page released after core its real start, and a resolved held by core its real recovery',
    async () => {
      const r = await simulate(path.join(SCENARIOS, 'partner-around-core-outage.yaml'));
      // SMS gateway down 3m-15m (paged before core fails at 8m); core ledger down 8m-24m; AlimTalk 12m-34m.
      const sms = resolveds(r, 'external-outage').filter((p) => p.dependencies.includes('sms-gateway'));
      expect(sms).toHaveLength(1);
      // Its down alarm went OK at about 17m (06:17 UTC), long before core recovered (about 26m).
      expect(utcOf(sms[0]!.text, /Recovered at/) < '06:20').toBe(true);
      const kakao = outages(r, 'external-outage').filter((p) =>
        p.dependencies.includes('kakaotalk-alimtalk-api'),
      );
      expect(kakao).toHaveLength(1);
      expect(kakao[0]!.atSeconds).toBeGreaterThan(24 * 60);
      // Failing since its down alarm fired (about 14m), not since the page was let through after core.
      expect(utcOf(kakao[0]!.text, /Since/) < '06:20').toBe(true);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe('settling at short intervals', () => {
  it.each([
    ['partner-resolve-10s.yaml', 'fast', 60],
    ['partner-resolve-15s.yaml', 'fifteen', 90],
  ])(
    '%s: the resolved follows the OK after one window of the real period',
    async (file, monitor, settleSeconds) => {
      const r = await simulate(path.join(FIXTURES, file));
      const ok = r.alarms.find(
        (a) => a.alarm === `${monitor}-external-outage-partner` && a.to === 'OK' && a.atSeconds > 0,
      );
      const resolved = resolveds(r, 'external-outage');
      expect(resolved).toHaveLength(1);
      const wait = resolved[0]!.atSeconds - ok!.atSeconds;
      // Ticks run once per interval: the resolved comes at the first tick after the settle time.
      expect(wait).toBeGreaterThanOrEqual(settleSeconds);
      expect(wait).toBeLessThan(settleSeconds + 20);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
