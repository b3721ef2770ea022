// The probe function's contract with infra/: embedded data, environment variable names, round timing.
// (The handler itself is bundled from functions/probe/handler.ts.)
export { type InvocationSummary, ROUND_GUARD_MS, roundsPerInvocation } from './cycle.ts';
export * from './embed.ts';
