/**
 * NetworkPolicy (reference calico.md §4): compile policies once, evaluate a
 * connection's egress and ingress against them, explain the verdict, and keep
 * the tables current from the store. The path planner (dataplane/path.ts)
 * asks through `PathWorld.policy`; the tracer prints `explainPolicy`.
 */
export { compilePolicy, effectivePolicyTypes, labelSelectorText } from './compile.js';
export { evaluateConnection, evaluateEgress, evaluateIngress, selectingPolicies } from './evaluate.js';
export { explainConnection, explainPolicy } from './explain.js';
export { NETWORK_POLICIES_KEY, PolicyIndex, type PolicyIndexConfig } from './store-index.js';
export {
  type NamespaceObject,
  type NetworkPolicyObject,
  type PodObject,
  type PolicySnapshotInput,
  PolicyTables,
  type PolicyTablesOptions,
  policyPodOf,
  policySnapshot,
} from './tables.js';
export type {
  CompiledPeer,
  CompiledPolicy,
  CompiledPort,
  CompiledRule,
  ConnectionVerdict,
  NamedPort,
  ObjectRef,
  PolicyConnection,
  PolicyDirection,
  PolicyPod,
  PolicyProtocol,
  PolicyReason,
  PolicyVerdict,
  PolicyView,
} from './types.js';
