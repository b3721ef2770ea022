// The runtime contract between infra/ and functions/: the probe clock (schedule, rounds, guard, budgets,
// function timeout and memory), the shard split, and what each function receives (entry file, embedded
// data, environment variables and their parsers). infra/, functions/, the simulator and the bill import
// these from here, so a number changed here changes everywhere at once. Pure: no AWS SDK, no process.env.
export * from './ack.ts';
export * from './drill.ts';
export * from './embed.ts';
export * from './env.ts';
export * from './layout.ts';
export * from './notify.ts';
export * from './probe.ts';
export * from './shards.ts';
export * from './timing.ts';
