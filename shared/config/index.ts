// Monitor config: schema, types, defineMonitor() and loaders.
export { defineMonitor } from './define.ts';
export { ConfigError, type ConfigProblem, formatPath, formatProblems, problemsFromZod } from './errors.ts';
export { checkHost, checkTimeoutMs, safeHost, unknownCheck } from './host.ts';
export { CONFIG_FILE_NAMES, findConfigFile, type LoadedConfig, loadConfigFile, parseConfig } from './load.ts';
export { AWS_REGIONS, type AwsRegion } from './regions.ts';
export * from './schema.ts';
export * from './secrets.ts';
