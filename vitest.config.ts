import { defineConfig } from 'vitest/config';

// Unit and medium tests (real database: PGlite by default, PostgreSQL when TEST_DATABASE_URL is set).
// Browser tests have their own config: tests/browser/vitest.config.ts.
export default defineConfig({
  test: {
    include: [
      'apps/server/src/**/*.test.ts',
      'apps/server/test/**/*.test.ts',
      'packages/contracts/src/**/*.test.ts',
      'apps/web/src/**/*.test.ts',
    ],
    globalSetup: ['apps/server/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: two files at a time keeps PGlite instances from starving each other.
    maxWorkers: 2,
    // The files of a worker share its loaded modules: each file otherwise loaded the server's
    // ~600 modules again (about 4 of the run's 10 minutes). Nothing here depends on a fresh
    // module: every file opens its own database, and no test mocks a module or the clock.
    isolate: false,
  },
});
