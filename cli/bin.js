#!/usr/bin/env node
// The `depmon` command: loads the TypeScript CLI through tsx so the repository runs without a build step.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

// Node 20 is supported (README); the AWS SDK's nine-line "will require node >=22" notice would break the
// one-line error contract of `depmon timeline` (e.g. "no AWS credentials found"). A user's own setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
// A monitor.config.ts outside an ESM package (no "type": "module" above it) loads as CommonJS; without
// tsx's require hooks Node refuses it ("Cannot require() ES Module … in a cycle").
registerCjs();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
