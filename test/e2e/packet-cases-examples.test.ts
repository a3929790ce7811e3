/**
 * Every example README's commands run against a real emulator, and each
 * prints what the README shows (after the normalisation documented in
 * examples/README.md). `NETKUBE_RECORD_EXAMPLES=1` rewrites the READMEs with
 * what a run prints instead (the addresses of slot 0, as a developer's first
 * `netkube up` has them), as `vitest -u` does for golden files.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { REPO } from '../helpers/cli.js';
import { checkExampleReadme } from './packet-cases.examples-harness.js';

const SLOT = EMULATOR_SLOTS['test/e2e/packet-cases-examples.test.ts'];
const RECORD = process.env.NETKUBE_RECORD_EXAMPLES === '1';

/**
 * Examples this file does not run: demo (no README), and those with their own
 * test file (and address slot), so they run in parallel with this one:
 * rolling-update (examples-rolling-update.test.ts), node-failure
 * (examples-node-failure.test.ts) and the ingress examples
 * (examples-ingress.test.ts).
 */
const OWN_TEST = new Set([
  'demo',
  'rolling-update',
  'node-failure',
  'ingress-fanout',
  'ingress-host',
  'ingress-tls',
]);

/** The examples this suite owns. */
const EXAMPLES = readdirSync(join(REPO, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !OWN_TEST.has(d.name))
  .map((d) => d.name)
  .filter((name) => readdirSync(join(REPO, 'examples', name)).includes('README.md'))
  .sort();

describe('example READMEs', () => {
  it('cover the scenarios', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(EXAMPLES)(
    '%s',
    async (name) => {
      await checkExampleReadme({ repo: REPO, name, slot: SLOT, record: RECORD });
    },
    90_000,
  );
});
