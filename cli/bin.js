#!/usr/bin/env node
// The `depmon` command. In the repository it runs the TypeScript sources (cli/main.ts); in the installed
// package, which ships no sources, the compiled JavaScript in dist/. tsx is registered either way: a user's
// monitor.config.ts is TypeScript.
import { existsSync } from 'node:fs';
import { register as registerHook } from 'node:module';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

// Node 20 is supported (README); the AWS SDK's nine-line "will require node >=22" notice would break the
// one-line error contract of `depmon timeline` (e.g. "no AWS credentials found"). A user's own setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fromSource = existsSync(new URL('./main.ts', import.meta.url));
if (fromSource) {
  // package.json maps "#shared/x" (and "depmon") to the .ts sources only under this condition; without it,
  // to dist/, which a checkout need not have built.
  registerHook(
    'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "depmon-source"] }); }',
  );
}
register();
// A monitor.config.ts outside an ESM package (no "type": "module" above it) loads as CommonJS; without
// tsx's require hooks Node refuses it ("Cannot require() ES Module … in a cycle").
registerCjs();
const { main } = await import(fromSource ? './main.ts' : '../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
