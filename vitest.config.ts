import { defineConfig } from 'vitest/config';

// CI sets VITEST_JSON_REPORT so .ci/run can print the plain `N passed, N failed` count.
const jsonReport = process.env['VITEST_JSON_REPORT'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/claude-code/ needs the real Claude Code CLI: `npm run test:claude-code` runs it.
    exclude: ['test/**/*.int.test.ts', 'test/claude-code/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
