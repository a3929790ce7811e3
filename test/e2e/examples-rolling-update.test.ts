/**
 * examples/rolling-update/README.md, run against a real emulator: a rolling
 * update under a stream of requests (none fails), rollout status, history and
 * undo. Its own file and address slot because the rollout takes real time
 * (readiness delays, preStop sleeps), so it runs beside the other examples.
 * `NETKUBE_RECORD_EXAMPLES=1` rewrites the README from a fresh run.
 */
import { describe, it } from 'vitest';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { REPO } from '../helpers/cli.js';
import { checkExampleReadme } from './packet-cases.examples-harness.js';

const SLOT = EMULATOR_SLOTS['test/e2e/examples-rolling-update.test.ts'];

describe('example README', () => {
  it('rolling-update', async () => {
    await checkExampleReadme({
      repo: REPO,
      name: 'rolling-update',
      slot: SLOT,
      record: process.env.NETKUBE_RECORD_EXAMPLES === '1',
    });
  }, 120_000);
});
