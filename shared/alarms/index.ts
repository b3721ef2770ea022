// The alarm vocabulary and the alarm plan: every CloudWatch alarm depmon creates, built from a config.
//
// cloudwatch.ts  CloudWatch's alarm states, enums and limits (one place)
// rule.ts        composite rules: builders, parser, limit checks, evaluator
// plan.ts        buildAlarmPlan(config, { configFile }) → AlarmPlan
//   alarms (names are `<config.name>-<role>-<subject>`, stable across deploys):
//   - `<name>-down-<dep>`        metric: Down Sum >= quorum × roundsPerPeriod, M of N, missing = notBreaching
//                                (no actions; a non-critical first-party one pages as `degraded`, SEV3)
//   - `<name>-degraded-<dep>`    metric: Degraded Sum >= quorum × roundsPerPeriod, M of N (page kind `degraded`)
//   - `<name>-heartbeat-<region>-<tier>-<shard>`  metric: Heartbeat Maximum < 1 over 60 s, missing = breaching (no actions)
//   - `<name>-blind-<region>`    composite: any heartbeat of that region in ALARM (page kind `monitor-blind`)
//   - `<name>-blind-third-party` composite: for some third-party shard, AT_LEAST(regions − quorum + 1) heartbeats in ALARM (no actions)
//   - `<name>-core-outage`       composite: any critical first-party down alarm in ALARM (page kind `core-outage`)
//   - `<name>-external-outage-<group>` composite: (any member down) AND NOT core-outage AND NOT blind-third-party,
//                                ActionsSuppressor = core-outage, wait half a period, extension 120 s
//                                (page kind `external-outage`)
//   - `…-part-<n>`               composites an over-limit OR was split into (no actions)
// No metric-math alarms: the simulator's template reader refuses them.
export * from './cloudwatch.ts';
export * from './plan.ts';
export * from './rule.ts';
