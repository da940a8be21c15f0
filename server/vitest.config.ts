import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-cli.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start runners and kernels share two cores; running files one after another keeps timings honest.
    fileParallelism: false,
  },
});
