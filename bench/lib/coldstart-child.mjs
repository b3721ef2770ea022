// Loads one Lambda bundle in a fresh process and serves its first invocation; prints one result line.
// argv: bundle path, event JSON. The handler's own logs go to stdout too: our line is marked.
const bootMs = performance.now();
const [file, eventJson] = process.argv.slice(2);
let importMs = Number.NaN;
let invokeMs = Number.NaN;
let error = null;
let summary = null;
try {
  const t0 = performance.now();
  const mod = await import(file);
  importMs = performance.now() - t0;
  const t1 = performance.now();
  summary = await mod.handler(JSON.parse(eventJson), {});
  invokeMs = performance.now() - t1;
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ bootMs, importMs, invokeMs, error, summary })}\n`);
process.exit(0);
