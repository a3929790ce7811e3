/**
 * The shared ingress cases through the proxy app on real loopback sockets:
 * the same table as ../conformance.test.ts (the pure matcher), so the two can
 * never disagree.
 */
import { INGRESS_CASES } from '../testing/cases.js';
import { HTTP_TARGET } from '../testing/http-target.js';
import { runIngressCases } from '../testing/run-cases.js';

runIngressCases(HTTP_TARGET, INGRESS_CASES);
