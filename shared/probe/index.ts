// The probe engine: HTTP(S), TCP, DNS and TLS checks that never throw.
export * from './types.ts';
