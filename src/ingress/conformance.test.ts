/**
 * The shared ingress cases against the pure compiler and matcher. The same
 * table runs through the proxy app over real sockets in app/conformance.test.ts.
 */
import { INGRESS_CASES } from './testing/cases.js';
import { MATCHER_TARGET } from './testing/matcher-target.js';
import { runIngressCases } from './testing/run-cases.js';

runIngressCases(MATCHER_TARGET, INGRESS_CASES);
