/**
 * The ReplicaSet strategy (apps/v1): `replicas: 1` and template defaults,
 * status reset on create (`replicas: 0`: that field has no `omitempty`),
 * `ValidateReplicaSet`, and an immutable selector on update.
 */
import { nameIsDNSSubdomain, validateObjectMeta } from '../validation/meta.js';
import { isRecord, type JsonObject, rec } from '../validation/values.js';
import { defineKind } from './define.js';
import { defaultPodTemplateSpec } from './pod-defaults.js';
import { validateSelectorImmutable, validateWorkloadSpec } from './workload-validation.js';

/** `SetDefaults_ReplicaSet` plus pod-template defaults. */
export function defaultReplicaSet(rs: JsonObject): void {
  if (!isRecord(rs.spec)) rs.spec = {};
  const spec = rs.spec as JsonObject;
  if (spec.replicas === undefined) spec.replicas = 1;
  if (!isRecord(spec.template)) spec.template = {};
  defaultPodTemplateSpec(spec.template as JsonObject);
}

defineKind({
  kind: 'ReplicaSet',
  defaults: defaultReplicaSet,
  prepareForCreate: (rs) => {
    rs.status = { replicas: 0 };
  },
  validate: (rs) => [
    ...validateObjectMeta(rs.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validateWorkloadSpec(rec(rs.spec), 'spec'),
  ],
  validateUpdate: validateSelectorImmutable,
});
