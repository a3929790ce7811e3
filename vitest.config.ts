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
    // Vitest's default on a 2-core machine is one worker, and the end-to-end files spend
    // most of their time waiting (rollouts, node heartbeats, probes): four files at a time
    // keep both cores busy. Each file owns its addresses (test/helpers/addresses.ts).
    maxWorkers: 4,
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
