// The HTML report of a simulation (placeholder, replaced below).
import type { SimulationResult } from './runner.ts';
export function renderReport(r: SimulationResult): string {
  return `<!doctype html><title>${r.scenario.name}</title>`;
}
