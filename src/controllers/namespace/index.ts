export { NamespaceController, type NamespaceControllerConfig } from './controller.js';
export { deletionConditions } from './plan.js';
