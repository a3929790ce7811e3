export { bindPod } from './binding.js';
export { SchedulerCache } from './cache.js';
export { fitErrorMessage } from './fit-error.js';
export { integerValue, milliCPU, parseQuantity, podRequests } from './resources.js';
export { numFeasibleNodesToFind, type ScheduleResult, schedulePod } from './schedule.js';
export { Scheduler, type SchedulerConfig } from './scheduler.js';
