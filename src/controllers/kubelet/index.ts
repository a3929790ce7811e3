/** The kubelet: one per emulated node. See `kubelet.ts`; the seams it drives are in `runtime.ts`. */
export { CRASH_LOOP_BACKOFF } from './backoff.js';
export { type NodeRoutesConfig, type NodeStateResponse, nodeExtensionRoutes } from './extension.js';
export { imageID, imageName, parseImage } from './identity.js';
export { Kubelet, type KubeletConfig } from './kubelet.js';
export { Kubelets, type KubeletsConfig } from './kubelets.js';
export { NODE_LEASE_NAMESPACE } from './node-agent.js';
export type { NodeVersions } from './node-status.js';
export { POD_NODE_INDEX, PodDispatcher, podsOnNode, type StoredPod } from './pod-source.js';
export { generatePodStatus, podPhase, qosClass } from './pod-status.js';
export type {
  ContainerHandle,
  ContainerRuntime,
  ContainerStartRequest,
  NetworkPlugin,
  PodNetworkError,
  ProbeKind,
  ProbeOutcome,
  Prober,
} from './runtime.js';
export { DEFAULT_KUBELET_TIMING, type KubeletTiming } from './timing.js';
