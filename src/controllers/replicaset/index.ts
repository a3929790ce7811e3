export { podFromTemplate, ReplicaSetController, type ReplicaSetControllerConfig } from './controller.js';
export { calculateReplicaSetStatus, planReplicaSet, type ReplicaSetPlan } from './plan.js';
export { POD_DELETION_COST_ANNOTATION, podsToDelete, rankPodsForDeletion } from './ranking.js';
