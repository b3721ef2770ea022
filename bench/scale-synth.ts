// Synth at size: the whole app (home region stacks and 3 probe stacks) for bank-sized configs, as `cdk synth`
// builds it but with asset bundling skipped (the bundles do not depend on the config's size: see
// test/infra/bundle.test.ts). CDK's built-in template validation stays on, as in `cdk synth`.
// Run: `npx tsx bench/scale-synth.ts [SIZES…]` (default 100 1000 3000). Prints a markdown table.
import { App } from 'aws-cdk-lib';
import { DependencyMonitor } from '#infra/monitor';
import { scaleConfig } from '../test/scale/configs.ts';

const sizes = process.argv.slice(2).map(Number);
const rows: string[] = [];
for (const n of sizes.length > 0 ? sizes : [100, 1000, 3000]) {
  const config = scaleConfig(n);
  const t0 = performance.now();
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new DependencyMonitor(app, 'Depmon', { config });
  const stacks = app.synth().stacks;
  const ms = performance.now() - t0;
  const sized = stacks.map((s) => ({
    name: s.stackName,
    resources: Object.keys((s.template as { Resources: object }).Resources).length,
    kb: Buffer.byteLength(JSON.stringify(s.template)) / 1024,
  }));
  const most = sized.reduce((a, b) => (b.resources > a.resources ? b : a));
  const largest = sized.reduce((a, b) => (b.kb > a.kb ? b : a));
  rows.push(
    `| ${n.toLocaleString('en-US')} | ${(ms / 1000).toFixed(1)} s | ${stacks.length} | ${most.resources} (${most.name}) | ${largest.kb.toFixed(0)} KB (${largest.name}) |`,
  );
}
process.stdout.write(
  [
    '| dependencies | synth (bundling skipped) | stacks | most resources in a stack | largest template |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
