// Loads the notify bundle in a fresh process (Node 22, as Lambda) and runs a list of invocations against the
// local fake AWS (fake-notify-aws.ts), telling the fake where each step starts. Prints one result line: the
// import time, and per step its wall time, outcome and the process's memory after it.
// argv: bundle path, fake endpoint, steps JSON ([{ label, event }], or { label, burst: true, event: [events] }
// for invocations at once).
const bootMs = performance.now();
const [file, endpoint, stepsJson] = process.argv.slice(2);
const steps = JSON.parse(stepsJson);
const out = { bootMs, importMs: Number.NaN, steps: [], error: null };
const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
};
try {
  const t0 = performance.now();
  const mod = await import(file);
  out.importMs = performance.now() - t0;
  out.afterImport = mem();
  for (const step of steps) {
    await fetch(`${endpoint}/__bench/step`, { method: 'POST', body: step.label });
    const t1 = performance.now();
    let error = null;
    let burst = null;
    if (step.burst) {
      // Concurrent invocations, as Lambda runs one per SNS message (the paging lease serialises their work).
      const settled = await Promise.allSettled(step.event.map((e) => mod.handler(e, {})));
      const failed = settled.filter((r) => r.status === 'rejected');
      burst = {
        invocations: settled.length,
        failed: failed.length,
        firstError: failed[0] ? String(failed[0].reason?.message ?? failed[0].reason) : null,
      };
    } else {
      try {
        await mod.handler(step.event, {});
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    out.steps.push({ label: step.label, ms: performance.now() - t1, error, burst, memory: mem() });
  }
} catch (e) {
  out.error = e instanceof Error ? e.message : String(e);
}
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(out)}\n`);
process.exit(0);
