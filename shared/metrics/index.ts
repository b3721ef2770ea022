// Probe results as CloudWatch metrics: names, dimensions, units, datums and batching.
export * from './datums.ts';
export * from './names.ts';
