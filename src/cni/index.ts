/**
 * Pod attach (reference calico.md §2): the NetworkPlugin implementations, the
 * network read model (pods, blocks, routes per node), route rendering and
 * lookup, in-pod views, and the wired stack. The public surface other parts use.
 */
export {
  CalicoNetworkPlugin,
  type CalicoNetworkPluginConfig,
  goTimeString,
  IP_ADDRS_ANNOTATION,
  IPV4_POOLS_ANNOTATION,
} from './calico-plugin.js';
export { CALICO_NETWORK_NAME, containerIdOf, podHandleID } from './container-id.js';
export { PodNetworkSetupError } from './errors.js';
export {
  type CniRoutesConfig,
  closeMatches,
  cniExtensionRoutes,
  nodeNotFound,
  nodeRoutesText,
} from './extension.js';
export { HostLocalNetworkPlugin, type HostLocalNetworkPluginConfig } from './host-local-plugin.js';
export {
  type BlockState,
  CALICO_POD_GATEWAY,
  type NetworkMode,
  NetworkReadModel,
  type NetworkReadModelConfig,
  type NodeNetwork,
  type PodAttachment,
} from './network-model.js';
export { renderPodIpAddr, renderPodIpRoute } from './pod-view.js';
export { type PoolMode, podMtu } from './route-rules.js';
export {
  compareRoutes,
  type Encapsulation,
  formatDestination,
  lookupRoute,
  type RemoteTarget,
  type Route,
  renderRoute,
  renderRoutes,
} from './routes.js';
export { PodNetworkStack, type PodNetworkStackConfig } from './stack.js';
export { internalIP, type NetworkSyncConfig, syncNetworkModel } from './sync.js';
export { bridgeVethName, podMac, vethNameForWorkload } from './veth.js';
