import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Browser tests: the built web app served by the real server, driven in Debian's Chromium. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['tests/browser/**/*.browser.test.ts'],
    globalSetup: ['tests/browser/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two files at a time: each has its own server, data dir and Chromium, and spends much of its
    // time waiting on them, so two overlap well on two cores (the phase took ~14 minutes one by one).
    maxWorkers: 2,
  },
});
