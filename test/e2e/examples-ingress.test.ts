/**
 * The ingress examples' READMEs (examples/ingress-fanout, ingress-host,
 * ingress-tls), run against a real emulator: requests through the
 * ingress-nginx-like controller on NodePorts 30080/30443 of a node, with curl's
 * `-i`, `-k`, `--resolve` and TLS by SNI, and `trace --via ingress`. Their own
 * file and address slot because each starts the ingress addon and waits for
 * its controller, so they run beside the other examples.
 * `NETKUBE_RECORD_EXAMPLES=1` rewrites the READMEs from a fresh run.
 */
import { describe, it } from 'vitest';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { REPO } from '../helpers/cli.js';
import { checkExampleReadme } from './packet-cases.examples-harness.js';

const SLOT = EMULATOR_SLOTS['test/e2e/examples-ingress.test.ts'];

describe('example README', () => {
  it.each(['ingress-fanout', 'ingress-host', 'ingress-tls'])(
    '%s',
    async (name) => {
      await checkExampleReadme({
        repo: REPO,
        name,
        slot: SLOT,
        record: process.env.NETKUBE_RECORD_EXAMPLES === '1',
        // The controller runs on the control plane (topologies/kind-ingress.yaml);
        // which worker each backend pod lands on is a scheduler tie.
        anyWorker: true,
      });
    },
    60_000,
  );
});
