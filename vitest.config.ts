import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // package.json maps "#shared/x" and "depmon" to the TypeScript sources under this condition (dist/ without).
  // Vitest's own default drops "module" (packages' bundler-only builds, e.g. the AWS SDK's dist-es); so do we.
  ssr: {
    resolve: { conditions: [...defaultServerConditions.filter((c) => c !== 'module'), 'depmon-source'] },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Probe tests start real servers and wait on real timeouts; CDK synth tests take a second each.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
