// The notify function's contract with infra/ and tests: settings, the testable core of the handler.
// (The handler itself is bundled from functions/notify/handler.ts.)
export * from './notify.ts';
export * from './settings.ts';
export { DynamoPageStateStore, MARKER_TTL_DAYS, marshallRecord, writePageLog } from './store.ts';
