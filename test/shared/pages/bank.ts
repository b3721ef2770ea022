// The bundled bank example, parsed, with its alarm plan: the fixture of the paging tests.
import { buildAlarmPlan } from '#shared/alarms';
import { type MonitorConfig, parseConfig } from '#shared/config';
import bankInput from '../../../examples/bank/monitor.config.ts';

export const BANK_FILE = 'examples/bank/monitor.config.ts';
export const bank = (): MonitorConfig => parseConfig(bankInput, BANK_FILE);
export const bankPlan = (config = bank()) => buildAlarmPlan(config, { configFile: BANK_FILE });
