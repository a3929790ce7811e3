/**
 * The pod checks the API server makes itself before it contacts a kubelet
 * for `pods/<name>/log`, `exec` and `attach` (upstream `LogLocation` and
 * `streamLocation` in pkg/registry/core/pod/strategy.go): the pod must exist,
 * the container must be one of its own (or the only one), and, for exec and
 * attach, the pod must have a node. Logs of a pod with no node are empty
 * (`LogLocation` returns no location, so the response has no body).
 */
import { badRequest, notFound, type Pod, StatusError, type Typed } from '../../api/index.js';
import type { ObjectStore } from '../../store/object-store.js';

const PODS = { group: '', resource: 'pods' };

function allContainerNames(pod: Typed<Pod>): string[] {
  const spec = pod.spec;
  return [
    ...(spec?.initContainers ?? []).map((c) => c.name),
    ...(spec?.containers ?? []).map((c) => c.name),
    ...(spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
}

/** The container a request is for (`validateContainer`), or the apiserver's 400. */
export function validateContainer(pod: Typed<Pod>, requested: string | null | undefined): string {
  const podName = pod.metadata.name ?? '';
  if (requested) {
    if (!allContainerNames(pod).includes(requested)) {
      throw new StatusError('BadRequest', 400, `container ${requested} is not valid for pod ${podName}`);
    }
    return requested;
  }
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 1) return containers[0]?.name ?? '';
  if (containers.length === 0)
    throw new StatusError('BadRequest', 400, `a container name must be specified for pod ${podName}`);
  throw new StatusError(
    'BadRequest',
    400,
    `a container name must be specified for pod ${podName}, choose one of: [${allContainerNames(pod).join(' ')}]`,
  );
}

/** Whether the scheduler has bound the pod to a node (`spec.nodeName`). */
export function hasHost(pod: Typed<Pod>): boolean {
  return (pod.spec?.nodeName ?? '') !== '';
}

/** 400 for exec, attach and port-forward on a pod the scheduler has not placed (`streamLocation`). */
export function noHostError(podName: string): StatusError {
  return badRequest(`pod ${podName} does not have a host assigned`);
}

/**
 * `streamLocation` for exec and attach: the stored pod and the container,
 * or the StatusError the API server answers (404 unknown pod, 400 bad
 * container, 400 no node) before the kubelet is ever asked.
 */
export function streamLocation(
  store: ObjectStore,
  target: { readonly namespace: string; readonly pod: string },
  container: string | undefined,
): { pod: Typed<Pod>; container: string } {
  const pod = store.get<Typed<Pod>>('pods', target.namespace, target.pod);
  if (!pod) throw notFound(PODS, target.pod);
  const resolved = validateContainer(pod, container);
  if (!hasHost(pod)) throw noHostError(target.pod);
  return { pod, container: resolved };
}
