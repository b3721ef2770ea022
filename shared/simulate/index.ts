// The simulator: a local CloudWatch alarm evaluator over a synthesized template, and the scenario runner.
export * from './datapoints.ts';
export * from './evaluator.ts';
export * from './report.ts';
export * from './runner.ts';
export * from './scenario.ts';
export * from './standins.ts';
export * from './template.ts';
export * from './x509.ts';
