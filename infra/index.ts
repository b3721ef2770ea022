// depmon's CDK constructs, for users' own CDK apps: `new DependencyMonitor(app, 'Depmon', { config })`.

export { type ProbeShard, planShards, probeTimeoutSeconds } from '#shared/runtime';
export { AlarmStack, type AlarmStackProps } from './alarms.ts';
export { DashboardStack, type DashboardStackProps } from './dashboard.ts';
export {
  type HomeRegionProps,
  type HomeRegionStacks,
  type HomeRegionSynth,
  homeRegionStacks,
  synthHomeRegion,
} from './home-region.ts';
export { HomeStack, type HomeStackProps } from './home-stack.ts';
export { DepmonFunction, type DepmonFunctionProps } from './lambda.ts';
export { DependencyMonitor, type DependencyMonitorProps } from './monitor.ts';
export { type ProbeFunction, ProbeStack, type ProbeStackProps } from './probe-stack.ts';
