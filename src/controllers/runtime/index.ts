export { Controller, type ControllerConfig } from './controller.js';
export {
  applyClaims,
  type ClaimPlan,
  controllerRefOf,
  newControllerRef,
  ORPHAN_INDEX,
  orphanIndex,
  planClaims,
} from './controller-ref.js';
export { EventRecorder, type EventRecorderConfig, type EventSource, type EventType } from './events.js';
export { type InformerHandlers, type InformOptions, inform } from './informer.js';
export { ControllerManager, type ControllerManagerConfig, type ManagedController } from './manager.js';
export {
  isPodActive,
  isPodAvailable,
  isPodReady,
  type PodObject,
  podReadyCondition,
  podReadyTime,
} from './pods.js';
export { compiledSelector } from './selectors.js';
export { timestamp } from './time.js';
