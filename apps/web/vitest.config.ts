import { defineConfig } from 'vitest/config';

// Pure logic of the web app (time-zone arithmetic and the like); screens are tested in tests/browser.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
