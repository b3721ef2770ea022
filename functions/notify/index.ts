// The notify function's testable core. The handler itself is bundled from functions/notify/handler.ts; what
// infra hands it lives in shared/runtime, and its AWS calls live in aws/.

export * from './ack-link.ts';
export * from './clients.ts';
export * from './delivery.ts';
export * from './drill-mark.ts';
export * from './notify.ts';
export * from './vendors.ts';
