/**
 * Registers the strategy of every kind netkube serves. Importing this module
 * (through `src/api/index.ts`) is what gives the Registry its defaulting and
 * validation; the registry itself never imports a kind module.
 */
import './calico.js';
import './config.js';
import './coordination.js';
import './deployment.js';
import './endpoints.js';
import './endpointslice.js';
import './ingress.js';
import './namespace.js';
import './networkpolicy.js';
import './node.js';
import './pod.js';
import './replicaset.js';
import './service.js';

export { defaultDeployment } from './deployment.js';
export { NAMESPACE_NAME_LABEL } from './namespace.js';
export { podQOSClass } from './pod.js';
export {
  canonicalPodTemplate,
  defaultPodTemplate,
  imageTag,
  POD_TEMPLATE_HASH_LABEL,
} from './pod-defaults.js';
export { defaultReplicaSet } from './replicaset.js';
export { defaultService } from './service.js';
