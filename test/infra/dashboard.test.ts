// The dashboards as synthesized: the overview answers "whose outage is it" first (core-outage, then
// external-outage, then monitor-blind), and the detail pages show each tier by section, not one graph per
// dependency.
import { describe, expect, it } from 'vitest';
import { WHAT_TO_DO_CELL_MAX } from '#infra/dashboard';
import { homeRegionStacks } from '#infra/home-region';
import { type MonitorConfigInput, parseConfig } from '#shared/config';
import { detailPages } from '#shared/runtime';
import bankInput from '../../examples/bank/monitor.config.ts';
import { unbundledApp } from '../helpers/cdk.ts';
import { scaleConfig, scaleConfigInput } from '../scale/configs.ts';
import { type CfnTemplate, dashboardBodies, templateProblems, type Widget } from '../scale/quotas.ts';

const BANK = 'examples/bank/monitor.config.ts';

function dashboards(config = parseConfig(bankInput, BANK)) {
  const app = unbundledApp({ builtinCloudFormationValidation: false });
  const stacks = homeRegionStacks(app, {
    config,
    configFile: BANK,
    env: { region: config.homeRegion },
    stackNamePrefix: 'depmon-bank',
  });
  const assembly = app.synth();
  return dashboardBodies(stacks.dashboards.map((s) => assembly.getStackByName(s.stackName).template));
}

const titles = (widgets: readonly Widget[]) => widgets.map((w) => w.properties.title ?? '');

describe('the overview dashboard', () => {
  it('lists the paging alarms in the order of the question: core-outage, external-outage, monitor-blind', () => {
    // Act
    const overview = dashboards().get('depmon-bank')!;
    // Assess
    const alarmWidgets = overview.widgets.filter((w) => w.type === 'alarm').slice(0, 3);
    expect(titles(alarmWidgets).map((t) => t.split(':')[0])).toEqual([
      '1 · core-outage',
      '2 · external-outage',
      '3 · monitor-blind',
    ]);
    const names = (w: Widget) => (w.properties.alarms as string[]).map((a) => a.split(':alarm:')[1]);
    expect(names(alarmWidgets[0]!)).toEqual(['bank-core-outage']);
    expect(names(alarmWidgets[1]!).every((n) => n!.startsWith('bank-external-outage-'))).toBe(true);
    expect(names(alarmWidgets[2]!).every((n) => n!.startsWith('bank-blind-'))).toBe(true);
    // The headline comes first and links every detail page.
    expect(overview.widgets[0]!.type).toBe('text');
    expect(overview.widgets[0]!.properties.markdown).toContain('whose outage is it?');
    expect(titles(overview.widgets)).toContain(
      'Heartbeat ap-northeast-3 (1 = voting, 0 = abstained, gap = blind)',
    );
    expect(titles(overview.widgets)).toContain('Failing from ap-northeast-1 (probe logs)');
  });
});

describe('the detail dashboards', () => {
  it('are the overview itself for a small config: each partner group one section, a line per member', () => {
    // Act
    const config = parseConfig(bankInput, BANK);
    const all = dashboards(config);
    const page = all.get('depmon-bank')!;
    expect([...all.keys()]).toEqual(['depmon-bank']);
    // Assess: one row of three widgets per group, not one graph per dependency
    const groups = new Set(config.dependencies.flatMap((d) => (d.group ? [d.group] : [])));
    const graphs = page.widgets.filter(
      (w) => w.type === 'metric' && !(w.properties.title as string).startsWith('Heartbeat'),
    );
    expect(graphs.length).toBeLessThan(2 * config.dependencies.length);
    // Each line is the member's down votes, FLOOR(Sum / 1000) of its Status (the metric itself hidden).
    const lines = graphs
      .filter((w) => (w.properties.title as string).includes('regions failing'))
      .flatMap((w) => (w.properties.metrics as unknown[][]).map((m) => m[0]))
      .filter((m): m is { expression: string; label: string } => typeof m === 'object');
    expect(lines.map((l) => l.label).sort()).toEqual(config.dependencies.map((d) => d.id).sort());
    expect(lines.every((l) => /^FLOOR\(s\d+ \/ 1000\)$/.test(l.expression))).toBe(true);
    // Latency is not a metric: each section reads it from the probe logs of the home region.
    const latency = page.widgets.filter((w) => String(w.properties.title).includes(': latency from'));
    expect(latency.length).toBeGreaterThan(0);
    expect(latency.every((w) => w.type === 'log' && w.properties.region === 'ap-northeast-2')).toBe(true);
    expect(String(latency[0]!.properties.query)).toContain('pct(latencyMs, 99)');
    const sectionTitles = titles(page.widgets.filter((w) => w.type === 'alarm'));
    for (const g of groups) expect(sectionTitles).toContain(`Group ${g}: alarms`);
  });

  it('are linked from the overview once the config outgrows it', () => {
    // Act
    const all = dashboards(scaleConfig(100));
    // Assess
    expect([...all.keys()].sort()).toEqual([
      'depmon-bank',
      'depmon-bank-first-party-1',
      'depmon-bank-third-party-1',
    ]);
    const legend = all.get('depmon-bank')!.widgets[0]!.properties.markdown!;
    expect(legend).toContain('[first-party-1](#dashboards/dashboard/depmon-bank-first-party-1)');
    expect(legend).toContain('[third-party-1](#dashboards/dashboard/depmon-bank-third-party-1)');
  });

  it('at 3,000 dependencies, pages of at most 240 dependencies, critical core first', () => {
    // Act
    const config = scaleConfig(3000);
    const pages = detailPages(config);
    // Assess
    const first = pages.filter((p) => p.tier === 'first-party');
    expect(first[0]!.sections[0]!.title).toBe(
      'First party (core platform): critical, pages core-outage (1 of 3)',
    );
    for (const p of pages) {
      const n = p.sections.reduce((k, s) => k + s.dependencies.length, 0);
      expect(n).toBeLessThanOrEqual(240);
    }
    const all = pages.flatMap((p) => p.sections.flatMap((s) => s.dependencies));
    expect(all.sort()).toEqual(config.dependencies.map((d) => d.id).sort());
  });
});

describe('latency on the detail sections', () => {
  /** The bank example with metrics.latency as given and kakao-login saying otherwise when `kakaoLogin` is set. */
  function bankWith(latency: boolean, kakaoLogin?: boolean) {
    const input: MonitorConfigInput = { ...structuredClone(bankInput), metrics: { latency } };
    if (kakaoLogin !== undefined)
      Object.assign(input.dependencies.find((d) => d.id === 'kakao-login')!, { latencyMetric: kakaoLogin });
    return parseConfig(input, BANK);
  }
  const width = (w: Widget) => (w as Widget & { width: number }).width;
  const latencyWidgets = (widgets: readonly Widget[]) =>
    widgets.filter((w) => /: latency (p99|from)/.test(String(w.properties.title)));
  /** Each line of a metric widget as [metric name, dependency, stat, label]. */
  const lines = (w: Widget) =>
    (w.properties.metrics as unknown[][]).map((m) => {
      const opts = m.at(-1) as { stat: string; label: string };
      return [m[1], m[3], opts.stat, opts.label];
    });

  it('without the Latency metric: the probe-log table only, and no widget reads Latency', () => {
    // Act
    const page = dashboards(bankWith(false)).get('depmon-bank')!;
    // Assess
    expect(latencyWidgets(page.widgets).every((w) => w.type === 'log')).toBe(true);
    expect(JSON.stringify(page.widgets)).not.toContain('"Latency"');
  });

  it("with it: p99 of each member's Latency, one line each, instead of the probe-log table", () => {
    // Prepare
    const config = bankWith(true);
    // Act
    const page = dashboards(config).get('depmon-bank')!;
    // Assess
    const latency = latencyWidgets(page.widgets);
    expect(latency.length).toBeGreaterThan(0);
    expect(latency.every((w) => w.type === 'metric' && width(w) === 8)).toBe(true);
    const all = latency.flatMap(lines);
    expect(all.map((l) => l[1]).sort()).toEqual(config.dependencies.map((d) => d.id).sort());
    expect(
      all.every(([name, dep, stat, label]) => name === 'Latency' && stat === 'p99' && label === dep),
    ).toBe(true);
    // Per minute: all regions' rounds of the minute in one p99.
    const periods = latency.flatMap((w) => (w.properties.metrics as unknown[][]).map((m) => m.at(-1)));
    expect(periods.every((o) => (o as { period: number }).period === 60)).toBe(true);
    expect(titles(latency)).toContain('Group kakao: latency p99 (ms)');
  });

  it('a section with both: the graph for members with the metric, the table for the rest, half the column each', () => {
    // Act: on for all but kakao-login
    const page = dashboards(bankWith(true, false)).get('depmon-bank')!;
    // Assess
    const kakao = latencyWidgets(page.widgets).filter((w) =>
      String(w.properties.title).startsWith('Group kakao'),
    );
    expect(kakao.map((w) => [w.type, width(w)])).toEqual([
      ['metric', 4],
      ['log', 4],
    ]);
    expect(lines(kakao[0]!).map((l) => l[1])).toEqual(['kakaotalk-message-api', 'kakaotalk-alimtalk-api']);
    expect(String(kakao[1]!.properties.query)).toContain('dependency in ["kakao-login"]');
  });
});

describe('latency graphs at scale', () => {
  it('at 3,000 dependencies with the Latency metric, every dashboard stays inside its quotas', () => {
    // Prepare
    const config = parseConfig({ ...scaleConfigInput(3000), metrics: { latency: true } });
    const app = unbundledApp({ builtinCloudFormationValidation: false });
    const stacks = homeRegionStacks(app, {
      config,
      configFile: 'scale.json',
      env: { region: config.homeRegion },
      stackNamePrefix: 'depmon-bank',
    });
    // Act
    const assembly = app.synth();
    // Assess: bodies, metrics per dashboard and per widget, template sizes
    const templates = stacks.dashboards.map((s) => assembly.getStackByName(s.stackName));
    const problems = templates.flatMap((t) => templateProblems(t.stackName, t.template as CfnTemplate));
    expect(problems).toEqual([]);
    const graphed = [...dashboardBodies(templates.map((t) => t.template)).values()]
      .flatMap((d) => d.widgets)
      .filter((w) => String(w.properties.title).endsWith(': latency p99 (ms)'))
      .reduce((n, w) => n + (w.properties.metrics as unknown[]).length, 0);
    expect(graphed).toBe(3000);
  });
});

describe('what to do, beside the alarms that page', () => {
  const markdowns = (widgets: readonly Widget[]) =>
    widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown as string);

  it('lists owner, fallback and runbook of each core dependency under core-outage, and of each group under its section', () => {
    // Act
    const config = parseConfig(bankInput, BANK);
    const overview = dashboards(config).get('depmon-bank')!;
    // Assess: the core table comes right after the core-outage alarms
    const coreAt = overview.widgets.findIndex((w) =>
      (w.properties.title ?? '').startsWith('1 · core-outage'),
    );
    const core = overview.widgets[coreAt + 1]!;
    expect(core.type).toBe('text');
    const critical = config.dependencies.filter((d) => d.tier === 'first-party' && d.critical);
    for (const d of critical.filter((x) => x.owner || x.fallback || x.runbook)) {
      const row = (core.properties.markdown as string).split('\n').find((l) => l.startsWith(`| ${d.id} |`));
      expect(row, d.id).toBeDefined();
      if (d.owner) expect(row).toContain(d.owner);
    }
    // every dependency naming a fallback has it in some section's table
    const tables = markdowns(overview.widgets).join('\n');
    for (const d of config.dependencies.filter((x) => x.fallback)) {
      expect(tables).toContain(`| ${d.id} |`);
      expect(tables).toContain(d.fallback.replace(/\s+/g, ' ').slice(0, 40));
    }
  });

  it('keeps each table cell on one line, pipes escaped, and cut to its maximum', () => {
    // Arrange
    const input = structuredClone(bankInput) as typeof bankInput;
    const dep = input.dependencies.find((d) => d.tier === 'first-party' && d.critical)!;
    Object.assign(dep, {
      owner: 'team | core\nbanking',
      fallback: 'x'.repeat(500),
      runbook: 'https://wiki.example/rb',
    });
    // Act
    const overview = dashboards(parseConfig(input, BANK)).get('depmon-bank')!;
    // Assess
    const row = markdowns(overview.widgets)
      .join('\n')
      .split('\n')
      .find((l) => l.startsWith(`| ${dep.id} |`))!;
    expect(row).toContain('team \\| core banking');
    expect(row).toContain(`${'x'.repeat(WHAT_TO_DO_CELL_MAX - 1)}…`);
    expect(row).not.toContain('x'.repeat(WHAT_TO_DO_CELL_MAX));
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });
});
