/**
 * Node lifecycle: the node lifecycle controller (heartbeats → Ready=Unknown,
 * taints, pods not ready) and the taint eviction controller it starts.
 */
export { NodeLifecycleController, type NodeLifecycleControllerConfig } from './node-lifecycle-controller.js';
export { TaintEvictionController, type TaintEvictionControllerConfig } from './taint-eviction.js';
export {
  matchingTolerations,
  minTolerationSeconds,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  toleratesTaint,
} from './taints.js';
