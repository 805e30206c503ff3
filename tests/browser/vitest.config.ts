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
    // expect.poll's own default (1 s) is shorter than a page may take to draw on this loaded
    // two-core machine; a poll that names its timeout keeps it.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    // Two files at a time: each has its own server, data dir and Chromium, and spends much of its
    // time waiting on them, so two overlap well on two cores (the phase took ~14 minutes one by one).
    maxWorkers: 2,
  },
});
