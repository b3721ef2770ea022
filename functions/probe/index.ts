// The probe function's testable parts: one invocation's rounds, the egress self-check, the runtime wiring.
// (The handler itself is bundled from functions/probe/handler.ts; what infra hands it lives in shared/runtime.)
export { type CycleRuntime, type InvocationSummary, PublishFailedError, runInvocation } from './cycle.ts';
export { checkEgress, type EgressResult } from './egress.ts';
