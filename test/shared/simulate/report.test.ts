// The HTML report's structure at size: one probe lane per dependency with its regions folded in (each region's
// own state on hover), lanes in collapsible groups, failing groups and dependencies first.
import { describe, expect, it } from 'vitest';
import { foldedBands, renderReport, type SimProbeChange, type Simulation } from '#shared/simulate';

const REGIONS = ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'];

function simulation(n: number, probes: SimProbeChange[]): Simulation {
  return {
    scenario: {
      name: 'size',
      file: 'size.yaml',
      start: '2026-01-05T01:00:00.000Z',
      durationSeconds: 3600,
      monitor: 'scale',
      timeZone: 'UTC',
      intervalSeconds: 60,
      probeRegions: REGIONS,
      dependencies: Array.from({ length: n }, (_, i) => ({
        id: `dep-${i}`,
        name: `Dependency ${i}`,
        tier: i % 3 === 0 ? 'first-party' : 'third-party',
        critical: i === 0,
        ...(i % 3 !== 0 ? { group: `vendor-${Math.floor(i / 30)}` } : {}),
      })),
    },
    alarms: [],
    pages: [],
    held: [],
    probes,
    actions: [],
    pageLog: [],
    alarmCatalog: { alarms: [] },
    notes: [],
    stats: { rounds: 60, probes: 60 * n, alarms: 0, wallMs: 1000 },
  } as Simulation;
}

const change = (atSeconds: number, dependency: string, region: string, status: SimProbeChange['status']) =>
  ({
    atSeconds,
    dependency,
    region,
    status,
    ...(status === 'down' ? { reason: 'CONNECTION_REFUSED' } : {}),
  }) as SimProbeChange;

describe('the report at 1,000 dependencies', () => {
  // dep-500 (group vendor-16) down in one region from 10 to 20 minutes; dep-997 (group vendor-33) down everywhere.
  const probes = [
    change(600, 'dep-500', 'ap-northeast-1', 'down'),
    change(1200, 'dep-500', 'ap-northeast-1', 'up'),
    ...REGIONS.map((r) => change(900, 'dep-997', r, 'down')),
  ];
  const html = renderReport(simulation(1000, probes));

  it('draws one lane per dependency, not one per dependency and region', () => {
    const lanes = html.match(/<svg class="lanes"[\s\S]*?<\/svg>/g) ?? [];
    const labels = lanes.join('').match(/<text class="label"/g) ?? [];
    expect(labels).toHaveLength(1000);
    expect(html).not.toContain('dep-500 @ ');
  });

  it('puts groups with a failing dependency first and open, the others collapsed after them', () => {
    const groups = [...html.matchAll(/<details class="lanes( failing)?" data-group="([^"]+)"( open)?>/g)].map(
      (m) => ({
        name: m[2],
        failing: m[1] !== undefined,
        open: m[3] !== undefined,
      }),
    );
    expect(groups.slice(0, 2).map((g) => g.name)).toEqual(['group vendor-16', 'group vendor-33']);
    expect(groups.slice(0, 2).every((g) => g.failing && g.open)).toBe(true);
    expect(groups.slice(2).every((g) => !g.failing && !g.open)).toBe(true);
    expect(new Set(groups.map((g) => g.name))).toContain('first party');
  });

  it('lists a failing dependency first within its group', () => {
    const group = /data-group="group vendor-16"[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    const first = /<text class="label"[^>]*>([^<]+)/.exec(group)?.[1];
    expect(first).toBe('dep-500');
  });

  it('folds regions: a lane is the worst state any region saw, and its hover names each region', () => {
    const bands = foldedBands(probes.slice(0, 2), REGIONS, 3600);
    expect(bands.map((b) => [b.from, b.to, b.state])).toEqual([
      [0, 600, 'up'],
      [600, 1200, 'down'],
      [1200, 3600, 'up'],
    ]);
    expect(bands[1]?.title).toBe(
      'ap-northeast-2: up; ap-northeast-1: down CONNECTION_REFUSED; ap-northeast-3: up',
    );
    expect(bands[0]?.title).toBe('ap-northeast-2: up; ap-northeast-1: up; ap-northeast-3: up');
  });
});

describe('the report at 1,000 dependencies with a probe region silent', () => {
  // ap-northeast-3 silent for every dependency from 45 to 50 minutes; dep-500 (group vendor-16) down everywhere.
  const probes = [
    ...Array.from({ length: 1000 }, (_, i) => change(2700, `dep-${i}`, 'ap-northeast-3', 'silent')),
    ...Array.from({ length: 1000 }, (_, i) => change(3000, `dep-${i}`, 'ap-northeast-3', 'up')),
    ...REGIONS.map((r) => change(900, 'dep-500', r, 'down')),
  ];
  const html = renderReport(simulation(1000, probes));

  it("opens only the groups of dependencies that failed: a silent region is the monitor's problem", () => {
    const groups = [...html.matchAll(/<details class="lanes( failing)?" data-group="([^"]+)"( open)?>/g)].map(
      (m) => ({ name: m[2], open: m[3] !== undefined }),
    );
    expect(groups[0]).toEqual({ name: 'group vendor-16', open: true });
    expect(groups.slice(1).some((g) => g.open)).toBe(false);
    expect(html).toContain('none down or degraded (a probe region silent at some point)');
  });

  it('still draws the silent minutes in every lane', () => {
    const group = /data-group="first party"[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(group.match(/s-silent/g)?.length).toBe(334);
  });
});
