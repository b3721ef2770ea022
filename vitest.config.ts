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
    // A timeout here catches a hang, not slowness (speed lives in bench/). CDK synth tests take seconds on an
    // idle machine but went past 30 s at a load of 28 on 2 cores: the bound leaves room for a busy machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
