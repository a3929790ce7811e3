export {
  addServiceAllocationIndexes,
  CLUSTER_IP_INDEX,
  NODE_PORT_INDEX,
  needsHealthCheck,
  nodePortsOf,
  type ServiceAllocationConfig,
  ServiceAllocator,
  serviceAllocationPlugin,
} from './allocation.js';
export {
  endpointPorts,
  findPort,
  HEADLESS_LABEL,
  isPodReady,
  MANAGED_BY_LABEL,
  podToEndpoint,
  SERVICE_NAME_LABEL,
  SLICE_CONTROLLER_NAME,
  shouldPodBeInEndpoints,
} from './endpoint-model.js';
export {
  computeEndpoints,
  EndpointsController,
  type EndpointsControllerConfig,
} from './endpoints-controller.js';
export {
  addSliceIndexes,
  desiredGroups,
  EndpointSliceController,
  type EndpointSliceControllerConfig,
  SLICE_SERVICE_INDEX,
  SLICES_RESOURCE,
} from './endpointslice-controller.js';
export {
  LB_IP_INDEX,
  LoadBalancerController,
  type LoadBalancerControllerConfig,
} from './loadbalancer-controller.js';
export { podsForService, servicesForPod } from './selection.js';
export { type DesiredGroup, planSlices, type SlicePlan } from './slice-planner.js';
