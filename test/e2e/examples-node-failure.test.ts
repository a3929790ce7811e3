/**
 * examples/node-failure/README.md, run against a real emulator: a worker
 * stopped, marked NotReady by the node lifecycle controller, its pods evicted
 * and replaced on the other worker, then started again. Its own file and
 * address slot because it waits for real heartbeats, grace periods and
 * toleration seconds, so it runs beside the other examples.
 * `NETKUBE_RECORD_EXAMPLES=1` rewrites the README from a fresh run.
 */
import { describe, it } from 'vitest';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { REPO } from '../helpers/cli.js';
import { checkExampleReadme } from './packet-cases.examples-harness.js';

const SLOT = EMULATOR_SLOTS['test/e2e/examples-node-failure.test.ts'];

describe('example README', () => {
  it('node-failure', async () => {
    await checkExampleReadme({
      repo: REPO,
      name: 'node-failure',
      slot: SLOT,
      record: process.env.NETKUBE_RECORD_EXAMPLES === '1',
    });
  }, 120_000);
});
