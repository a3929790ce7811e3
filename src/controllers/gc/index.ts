export { GarbageCollector, type GarbageCollectorConfig } from './controller.js';
export { classifyOwners, decide, type GcDecision } from './plan.js';
