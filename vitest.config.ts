// Test projects: plain Node, and workerd through @cloudflare/vitest-plugin. The plugin's test
// runner needs Node compatibility itself, so code that must run *without* `nodejs_compat` is
// tested in a separate workerd started through Miniflare (see test-support/miniflare.ts).
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** The Workers compatibility date every workerd project and app uses. */
export const COMPATIBILITY_DATE = '2026-11-01';

const NODE_TESTS = ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'];
const WORKERD_TESTS = ['packages/*/src/**/*.workerd.test.ts', 'test/**/*.workerd.test.ts'];

const workerd: TestProjectInlineConfiguration = {
  plugins: [
    cloudflareTest({
      miniflare: { compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: ['nodejs_compat'] },
    }),
  ],
  test: { name: 'workerd', include: WORKERD_TESTS, globalSetup: ['test/support/receiver-setup.ts'] },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          // The reliability suite measures the heap after a forced collection.
          execArgv: ['--expose-gc'],
          include: NODE_TESTS,
          exclude: [...WORKERD_TESTS, '**/node_modules/**'],
        },
      },
      workerd,
    ],
  },
});
