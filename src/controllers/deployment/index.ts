export { DeploymentController, type DeploymentControllerConfig } from './controller.js';
export { type DeploymentPlan, type DeploymentSyncInput, planDeploymentSync } from './plan.js';
export type { DeploymentAction } from './plan-state.js';
export { canonicalTemplate, computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './template.js';
export {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
} from './util.js';
