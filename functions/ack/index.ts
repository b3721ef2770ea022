// The ack function's testable core. The handler is bundled from functions/ack/handler.ts.
export * from './ack.ts';
export * from './vendor.ts';
