// Monitor config: schema, types, defineMonitor() and loaders.

export * from './channels.ts';
export { defineMonitor } from './define.ts';
export { ConfigNotFoundError, type ConfigOrigin, type ConfigRequest, resolveConfigFile } from './discover.ts';
export { ConfigError, type ConfigProblem, problemsFromZod } from './errors.ts';
export { checkHost, checkTimeoutMs, unknownCheck } from './host.ts';
export { type JsonPathSegment, parseJsonPath } from './jsonpath.ts';
export { findConfigFile, type LoadedConfig, loadConfigFile, parseConfig } from './load.ts';
export { MAX_INPUT_FILE_BYTES, plainData, readInputFile } from './read.ts';
export { type AssertionRegex, compileAssertionRegex } from './regex.ts';
export { AWS_REGIONS } from './regions.ts';
export * from './schema.ts';
export * from './secrets.ts';
export { zoneLabel } from './time-zone.ts';
export { configWarnings } from './warnings.ts';
