// The simulator: a local CloudWatch alarm evaluator over a synthesized template, and the scenario runner.
export * from './datapoints.ts';
export * from './evaluator.ts';
export * from './math.ts';
export * from './rule.ts';
export * from './template.ts';
