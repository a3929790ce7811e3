import { defineConfig } from 'vitest/config';

// One config for every test: unit tests sit beside the code (src/**/*.test.ts),
// end-to-end tests under test/. Tests that open sockets pick their own loopback
// addresses (see test/helpers/addresses.ts) so files can run in parallel.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
