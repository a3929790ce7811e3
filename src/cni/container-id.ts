/**
 * The container ID CNI sees for a pod's sandbox. The kubelet seam
 * (`NetworkPlugin.setUp(pod, nodeName)`) passes no sandbox ID, so netkube
 * derives a stable 64-hex ID from the pod's uid; the IPAM handle is
 * `k8s-pod-network.<containerID>` as Calico names it (`utils.GetHandleID`).
 * Real sandboxes get a new ID when re-created; here the ID is per pod.
 */
import { createHash } from 'node:crypto';
import type { Pod } from '../api/types.js';

/** The CNI network name of Calico's default config (`10-calico.conflist` `name`). */
export const CALICO_NETWORK_NAME = 'k8s-pod-network';

/** The 64-hex container ID of a pod's sandbox. */
export function containerIdOf(pod: Pod): string {
  const key = pod.metadata?.uid ?? `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
  return createHash('sha256').update(`sandbox/${key}`).digest('hex');
}

/** The IPAM handle of a pod: `k8s-pod-network.<containerID>`. */
export function podHandleID(pod: Pod): string {
  return `${CALICO_NETWORK_NAME}.${containerIdOf(pod)}`;
}
