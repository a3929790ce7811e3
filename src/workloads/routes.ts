/**
 * netkube extension routes served by the workloads part (docs/netkube-api.md):
 * `POST /namespaces/:ns/pods/:pod/exec|kill|fail-readiness`. Errors are
 * Kubernetes Status bodies (404 for an unknown pod, 400 for a bad container or
 * body), as the server renders thrown `StatusError`s.
 */
import { badRequest, notFound } from '../api/errors.js';
import type { Pod, Typed } from '../api/types.js';
import type { ExtensionRequest, ExtensionRoute, PodExec } from '../server/index.js';
import type { ObjectStore } from '../store/object-store.js';
import { ContainerNotFoundError, type SimulatedContainerRuntime } from './runtime.js';

const PODS = { group: '', resource: 'pods' };

function body(req: ExtensionRequest): Record<string, unknown> {
  if (req.body === undefined || req.body === null) return {};
  if (typeof req.body !== 'object' || Array.isArray(req.body))
    throw badRequest('the request body must be a JSON object');
  return req.body as Record<string, unknown>;
}

function containerOf(b: Record<string, unknown>): string | undefined {
  if (b.container === undefined || b.container === '') return undefined;
  if (typeof b.container !== 'string') throw badRequest('container must be a string');
  return b.container;
}

function translate(err: unknown, pod: string): never {
  if (err instanceof ContainerNotFoundError) {
    if (err.reason === 'pod') throw notFound(PODS, pod);
    throw badRequest(err.message);
  }
  throw err;
}

/**
 * `kubectl exec` through the API server (`ApiServerConfig.podExec`): the same
 * safe commands as `netkube exec`, with the same errors (404 for an unknown
 * pod, 400 for an unknown or stopped container).
 */
export function podExec(runtime: SimulatedContainerRuntime): PodExec {
  return {
    check(request) {
      try {
        runtime.checkExec(request);
      } catch (err) {
        translate(err, request.pod);
      }
    },
    async run(request) {
      try {
        const r = await runtime.exec(request);
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
      } catch (err) {
        return translate(err, request.pod);
      }
    },
  };
}

/**
 * The API server's check before exec (`streamLocation`): a pod the scheduler
 * has not placed has no container to run in, and the answer says so (400
 * `pod x does not have a host assigned`) rather than that the pod is unknown.
 */
function checkHost(store: ObjectStore | undefined, namespace: string, pod: string): void {
  if (!store) return;
  const obj = store.get<Typed<Pod>>('pods', namespace, pod);
  if (!obj) throw notFound(PODS, pod);
  if (!obj.spec?.nodeName) throw badRequest(`pod ${pod} does not have a host assigned`);
}

/**
 * The routes, bound to a runtime. Register them with the API server at
 * start-up; with `store`, exec answers for unscheduled pods as kubectl exec does.
 */
export function workloadRoutes(
  runtime: SimulatedContainerRuntime,
  options: { readonly store?: ObjectStore } = {},
): ExtensionRoute[] {
  return [
    {
      method: 'POST',
      path: '/namespaces/:ns/pods/:pod/exec',
      async handle(req) {
        const { ns = 'default', pod = '' } = req.params;
        const b = body(req);
        const command = b.command;
        if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
          throw badRequest('command must be a non-empty array of strings');
        }
        const container = containerOf(b);
        checkHost(options.store, ns, pod);
        try {
          const r = await runtime.exec({
            namespace: ns,
            pod,
            command: command as string[],
            ...(container ? { container } : {}),
          });
          return { kind: 'json', body: { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode } };
        } catch (err) {
          return translate(err, pod);
        }
      },
    },
    {
      method: 'POST',
      path: '/namespaces/:ns/pods/:pod/kill',
      handle(req) {
        const { ns = 'default', pod = '' } = req.params;
        try {
          runtime.kill(ns, pod, containerOf(body(req)));
        } catch (err) {
          translate(err, pod);
        }
        return { kind: 'json', body: {} };
      },
    },
    {
      method: 'POST',
      path: '/namespaces/:ns/pods/:pod/fail-readiness',
      handle(req) {
        const { ns = 'default', pod = '' } = req.params;
        const b = body(req);
        const seconds = b.seconds === undefined ? 30 : b.seconds;
        if (typeof seconds !== 'number' || !(seconds > 0))
          throw badRequest('seconds must be a positive number');
        try {
          runtime.failReadiness(ns, pod, seconds, containerOf(b));
        } catch (err) {
          translate(err, pod);
        }
        return { kind: 'json', body: {} };
      },
    },
  ];
}
