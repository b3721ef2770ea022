// The probe engine: HTTP(S), TCP, DNS and TLS checks that never throw.
export { checkJson, parseJsonPath, selectJsonPath, statusMatches } from './assert.ts';
export * from './confirm.ts';
export { checkTimeoutMs, DEFAULT_CONCURRENCY, probeAll, probeOne } from './engine.ts';
export * from './types.ts';
