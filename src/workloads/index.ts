/**
 * The workloads part: simulated images fed connections by the dataplane, the
 * container runtime and prober the kubelet drives, pod sandboxes (the
 * dataplane's delivery table), container logs, fault injection and the
 * `netkube exec|kill|fail-readiness` routes.
 */
export type { AppExtras, ExecResult } from './app-extras.js';
export {
  createApp,
  createAppFactory,
  effectiveArgv,
  FALLBACK_PROFILE,
  type ImageProfile,
  type ProfiledAppFactory,
  profileFor,
  resolveProfile,
} from './catalogue.js';
export { SimulatedContainer } from './container.js';
export { expandReferences, type ObjectLookup, resolveContainerEnv, serviceEnv } from './env.js';
export { CALICO_POD_IP_FORMATTER } from './exec/commands/ip.js';
export type { DnsConfig, ExecPod, IpFormatter } from './exec/context.js';
export { type ExecHost, type RunResult, runInContainer } from './exec/run.js';
export type { ToolSet } from './exec/toolset.js';
export { NO_TOOLS } from './exec/toolset.js';
export { FaultInjector } from './fault-injector.js';
export {
  FAULT_ANNOTATION_PREFIX,
  type FaultPlan,
  parseFaultAnnotations,
  readinessForcedDown,
} from './faults.js';
export { type ImageRef, parseImageRef } from './image-ref.js';
export { SimulatedApp, startFailure } from './images/base.js';
export { containerLogKey, type LogLine, type LogReadOptions, LogStore, type LogStoreConfig } from './logs.js';
export { podLogsFromStore } from './pod-logs.js';
export { probePort, SimulatedProber, type SimulatedProberConfig } from './prober.js';
export { workloadRoutes } from './routes.js';
export {
  ContainerNotFoundError,
  type PodNetworkRequest,
  SimulatedContainerRuntime,
  type SimulatedRuntimeConfig,
} from './runtime.js';
export {
  type DeliverResult,
  PodSandbox,
  PodSandboxRegistry,
  type PortBinding,
  type SandboxPod,
} from './sandbox.js';
export type * from './types.js';
