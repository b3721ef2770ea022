// Paging: a CloudWatch alarm state change in, pages out (subject, text per protocol, attributes), with
// the hold rules (core outage, maintenance, duplicates, flapping) and the page log record for each.
//
// The entry points (the notify function and the simulator call exactly these):
//
//   handleAlarmStateChange(event: AlarmStateChangeMessage, ctx: PagingContext): Promise<PagingResult>
//   handlePagingTick(ctx: PagingContext): Promise<PagingResult>     // due resolves; call every minute
//
//   event: the JSON `Message` CloudWatch publishes to SNS (AlarmName, NewStateValue, OldStateValue,
//          StateChangeTime "2026-11-26T02:06:13.145+0000", NewStateReason, Trigger | AlarmRule, ...).
//   ctx:   { config: MonitorConfig,
//            plan: AlarmPlan                      // buildAlarmPlan(config): the same plan the stack renders
//            store: PageStateStore                // get/put/list of SubjectState; MemoryPageStateStore here
//            now: Date                            // the clock (simulated time in the simulator)
//            alarmState(name) → 'OK'|'ALARM'|'INSUFFICIENT_DATA'|undefined   // every depmon alarm's state now
//            failing?(dependencyId) → { regions?: string[]; count?: number } // who sees it down, if known }
//   result.records: PageLogRecord[] — outcome 'sent' (one per route; the caller publishes to the route's
//          topic: Subject = record.subject, Message = JSON.stringify(record.messages) with
//          MessageStructure 'json', MessageAttributes from record.attributes; then fills topicArn and
//          messageId and writes the record to the page log) or 'held' (heldReason + heldDetail; log it).
//
// Call handleAlarmStateChange for every ALARM/OK transition of every alarm (it ignores alarms that do not
// page), in time order, with ctx.alarmState reflecting the states *after* the transition.
export * from './channels.ts';
export * from './core.ts';
export * from './core-evidence.ts';
export * from './format.ts';
export * from './log.ts';
export * from './maintenance.ts';
export * from './memory-store.ts';
export * from './response.ts';
export * from './types.ts';
export * from './vendor-ack.ts';
