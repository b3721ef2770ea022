// The alarm topology's price, itemised by role, and its agreement with the bill's alarm lines.
import { describe, expect, it } from 'vitest';
import { buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfigInput, parseConfig } from '#shared/config';
import { alarmCostLines, alarmLinesUsd, billOf } from '#shared/cost';
import bankInput from '../../../examples/bank/monitor.config.ts';

const BANK = 'examples/bank/monitor.config.ts';
const bank = (over: Partial<MonitorConfigInput> = {}) =>
  parseConfig({ ...(bankInput as MonitorConfigInput), ...over }, BANK);

describe('alarmCostLines', () => {
  it('prices the topology: 26 standard alarms and 9 composites = $7.10 a month', () => {
    // Act
    const lines = alarmCostLines(buildAlarmPlan(bank(), { configFile: BANK }));
    // Assess
    expect(alarmLinesUsd(lines)).toBe(7.1);
    expect(lines.find((l) => l.item === 'external-outage (composite)')).toEqual({
      item: 'external-outage (composite)',
      count: 4,
      unitUsd: 0.5,
      monthlyUsd: 2,
    });
  });

  it('prices sub-minute down alarms at the high-resolution rate', () => {
    // Act
    const lines = alarmCostLines(buildAlarmPlan(bank({ intervalSeconds: 15 }), { configFile: BANK }));
    // Assess
    expect(lines.find((l) => l.item.startsWith('down alarms'))).toMatchObject({
      item: 'down alarms (high resolution, 30 s)',
      unitUsd: 0.3,
      count: 10,
    });
  });

  it("adds up to the bill's lines for the same plan's alarms", () => {
    // Prepare
    const config = bank({ intervalSeconds: 15 });
    // Act
    const itemised = alarmLinesUsd(alarmCostLines(buildAlarmPlan(config, { configFile: BANK })));
    const billed = billOf(config, { configFile: BANK })
      .lines.filter((l) => / alarms \(alarm plan\)$/.test(l.item))
      .reduce((a, l) => a + l.monthlyUsd, 0);
    // Assess
    expect(billed).toBeCloseTo(itemised, 6);
  });
});
