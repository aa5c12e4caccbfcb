import { defineConfig } from 'vitest/config';

// The Claude Code end-to-end suite (npm run test:claude-code): one real CLI at a time, each run
// bounded. VITEST_JSON_REPORT lets .ci/run add its counts to the plain `N passed, N failed` line.
const jsonReport = process.env['VITEST_JSON_REPORT'];

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
