// The simulator: a local CloudWatch alarm evaluator over a synthesized template, the scenario runner, and the
// renderings of its one result model (`Simulation`): --json, the human timeline, the HTML report, the account.
export * from './datapoints.ts';
export * from './evaluator.ts';
export * from './rehearsal.ts';
export * from './render.ts';
export * from './report.ts';
export * from './result.ts';
export * from './runner.ts';
export * from './scenario.ts';
export * from './standins.ts';
export * from './template.ts';
export * from './timing.ts';
export * from './x509.ts';
