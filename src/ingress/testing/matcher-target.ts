/**
 * The pure implementation of the shared suite: compile the case's snapshot
 * and answer each request with `matchRequest`, as if every pod answered 200.
 */
import { compileIngress } from '../compile.js';
import { matchRequest } from '../match.js';
import {
  CASE_CLIENT_IP,
  type CaseRequest,
  type IngressCaseTarget,
  type Observed,
  serviceLabel,
} from './run-cases.js';

function observe(table: ReturnType<typeof compileIngress>, r: CaseRequest): Observed {
  const d = matchRequest(table, {
    host: r.host,
    path: r.path,
    scheme: r.scheme ?? 'http',
    headers: r.headers ?? {},
    clientIP: CASE_CLIENT_IP,
    ...(r.body === undefined ? {} : { contentLength: Buffer.byteLength(r.body) }),
  });
  const a = d.action;
  switch (a.kind) {
    case 'proxy':
      return {
        status: 200,
        service: serviceLabel(a.upstream.service.namespace, a.upstream.service.name),
        path: a.target,
      };
    case 'default-backend':
      return { status: 404 };
    case 'redirect':
      return { status: a.status, location: a.location };
    case 'error':
      return { status: a.status };
    default:
      throw new Error(`Unexpected action ${JSON.stringify(a)}`);
  }
}

/** `runIngressCases(MATCHER_TARGET, …)` checks the compiler and matcher alone. */
export const MATCHER_TARGET: IngressCaseTarget = {
  async start(world) {
    const table = compileIngress(world.snapshot);
    return { send: async (r) => observe(table, r), stop: async () => {} };
  },
};
