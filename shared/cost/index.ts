// The monthly AWS bill of a monitor config, and what the same coverage costs with Synthetics and Route 53.
export * from './alarms.ts';
export * from './alternatives.ts';
export * from './bill.ts';
export * from './deployment.ts';
export * from './prices.ts';
export * from './render.ts';
export * from './report.ts';
export * from './usage.ts';
