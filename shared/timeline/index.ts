// The incident account (DESIGN.md "Incident timeline"): what happened, minute by minute, for a real
// incident (`depmon timeline`, from what AWS recorded) and for a rehearsal (`depmon simulate --timeline`).
//
// Inputs
// ------
// `buildAccount(input: AccountInput)` is the core; every instant is a `Date`:
//   - config      { name, timeZone, probeRegions } of the monitor config
//   - window      { from, to }: evidence outside it is left out
//   - origin      'aws' | 'rehearsal'; start (t = 0 for `atSeconds`, rehearsals only)
//   - alarms      AlarmTransition[] { alarm, at, from, to, reason? }  (CloudWatch StateUpdate history)
//   - alarmPlan?  buildAlarmPlan(config) (or any { alarms: [{ name, dependencies, pageKind?, region? }] }):
//                 names what each alarm is about on its transitions
//   - pages       PageEvidence[]: page log records through `pageFromLogRecord`, sent and held
//   - onsets      ProbeOnset[] { dependency, region?, at, state: down|degraded|silent, failingRegions?,
//                 reportingRegions?, reason?, detail? }: the first failing probe of an episode; `region`
//                 is known in a rehearsal, not from AWS metrics (they hold a count of failing regions)
//   - recoveries  ProbeRecovery[] { dependency, region?, at }: the first passing probe after an episode
//   - responses?  ResponseEvidence[] { at, kind: ack|note|drill-start|drill-stop, by, incident?, text?, via?,
//                 dependency?, regions?, until? }: what people did (page log, or a scenario's `response:`)
//   - notes       caveats the reader must see (incomplete data, …)
//
// A rehearsal's account is built in shared/simulate (`accountFromSimulation`, from the simulation result);
// it walks the per-region probe changes with `walkSamples`, the walk behind `onsetsFromSamples`.
// Either account then goes to `writeTimeline(account, file)` (format from the extension) or
// `renderTimeline(account, format)`.
//
// Output
// ------
// `Account`: title, monitor, origin, timeZone (+ label such as KST), window, figures { onset, detection,
// firstPage, resolution } (each { at, local, minutesFromOnset, detail } or null), incidents (first page,
// acknowledgement, first action, resolution, each with its source; minutes to acknowledge and to first
// action), events in time order
// (each { at, local, atSeconds?, minutesFromOnset, kind, source, summary, … }), notes. The `.json` form
// starts with `{"events":[…]}` per DESIGN.md, each event with its `hash`, then `chain` (chain.ts).
//
// Pure except `writeTimeline` (file system); no AWS SDK, no environment.
export { buildAccount } from './build.ts';
export {
  CHAIN_ALGORITHM,
  CHAIN_CANONICALIZATION,
  type ChainedEvent,
  type ChainInfo,
  type ChainVerdict,
  canonicalJson,
  chainAccount,
  verifyChain,
} from './chain.ts';
export {
  onsetsFromSamples,
  type ProbeSample,
  pageFromLogRecord,
  responseFromLogRecord,
  walkSamples,
} from './evidence.ts';
export * from './recorded.ts';
export {
  escapeHtml,
  formatForFile,
  renderCsv,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderTimeline,
  type TimelineFormat,
} from './render.ts';
export { localTime, minutesBetween, zoneLabel } from './time.ts';
export * from './types.ts';
export { makeParentDirs, TimelineFormatError, writeTimeline } from './write.ts';
