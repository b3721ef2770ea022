// The notify function's testable parts: the core of the handler and the page log's storage.
// (The handler itself is bundled from functions/notify/handler.ts; what infra hands it lives in shared/runtime.)
export * from './notify.ts';
export { DynamoPageStateStore, MARKER_TTL_DAYS, marshallRecord, writePageLog } from './store.ts';
