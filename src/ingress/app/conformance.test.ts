/**
 * The shared ingress cases through the proxy app on real loopback sockets:
 * the same table as ../conformance.test.ts (the pure matcher), so the two can
 * never disagree. Run twice: through the lean front (the default) and with
 * every request on Node's `http.Server`.
 */
import { describe } from 'vitest';
import { INGRESS_CASES } from '../testing/cases.js';
import { httpTarget } from '../testing/http-target.js';
import { runIngressCases } from '../testing/run-cases.js';

describe('lean front', () => runIngressCases(httpTarget({ leanFront: true }), INGRESS_CASES));
describe("Node's http.Server", () => runIngressCases(httpTarget({ leanFront: false }), INGRESS_CASES));
