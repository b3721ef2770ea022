// depmon's CDK constructs, for users' own CDK apps: `new DependencyMonitor(app, 'Depmon', { config })`.

export { HomeStack, type HomeStackProps } from './home-stack.ts';
export { DepmonFunction, type DepmonFunctionProps } from './lambda.ts';
export { DependencyMonitor, type DependencyMonitorProps } from './monitor.ts';
export {
  DEFAULT_TARGETS_PER_FUNCTION,
  type ProbeFunction,
  type ProbeShard,
  ProbeStack,
  type ProbeStackProps,
  planShards,
  probeTimeoutSeconds,
} from './probe-stack.ts';
