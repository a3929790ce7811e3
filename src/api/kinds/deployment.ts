/**
 * The Deployment strategy (apps/v1): `SetDefaults_Deployment` (1 replica,
 * RollingUpdate 25%/25%, 10 revisions, 600 s progress deadline) and template
 * defaults, an empty status on create, and `ValidateDeployment` with the
 * rolling-update rules; the selector is immutable.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { goIntOrString } from '../validation/go-literals.js';
import { nameIsDNSSubdomain, validateNonnegative, validateObjectMeta } from '../validation/meta.js';
import { isValidPercent } from '../validation/strings.js';
import { child, isRecord, type JsonObject, rec } from '../validation/values.js';
import { defineKind } from './define.js';
import { defaultPodTemplateSpec } from './pod-defaults.js';
import { validateSelectorImmutable, validateWorkloadSpec } from './workload-validation.js';

/** `SetDefaults_Deployment` plus pod-template defaults. */
export function defaultDeployment(d: JsonObject): void {
  if (!isRecord(d.spec)) d.spec = {};
  const spec = d.spec as JsonObject;
  if (spec.replicas === undefined) spec.replicas = 1;
  if (!isRecord(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy as JsonObject;
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isRecord(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate as JsonObject;
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  if (!isRecord(spec.template)) spec.template = {};
  defaultPodTemplateSpec(spec.template as JsonObject);
}

/** `ValidatePositiveIntOrPercent`. */
function validateIntOrPercent(value: unknown, field: string): FieldError[] {
  if (typeof value === 'string') {
    return isValidPercent(value).map((m) => fieldError.invalid(field, goIntOrString(value), m));
  }
  if (typeof value === 'number') return validateNonnegative(value, field);
  return [fieldError.invalid(field, goIntOrString(value), "must be an integer or percentage (e.g '5%%')")];
}

/** The integer or percentage a valid value stands for (`getIntOrPercentValue`). */
function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^[0-9]+%$/.test(value) ? Number(value.slice(0, -1)) : 0;
}

/** `ValidateDeploymentStrategy` and `ValidateRollingUpdateDeployment`. */
function validateStrategy(strategy: unknown, path: string): FieldError[] {
  const s = rec(strategy);
  if (s.type === 'Recreate') {
    return s.rollingUpdate !== undefined
      ? [
          fieldError.forbidden(
            child(path, 'rollingUpdate'),
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        ]
      : [];
  }
  if (s.type !== 'RollingUpdate') return [fieldError.notSupported(path, s, ['Recreate', 'RollingUpdate'])];
  const ruPath = child(path, 'rollingUpdate');
  if (!isRecord(s.rollingUpdate))
    return [fieldError.required(ruPath, 'this should be defaulted and never be nil')];
  const ru = s.rollingUpdate;
  const errs = [
    ...validateIntOrPercent(ru.maxUnavailable, child(ruPath, 'maxUnavailable')),
    ...validateIntOrPercent(ru.maxSurge, child(ruPath, 'maxSurge')),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(
      fieldError.invalid(
        child(ruPath, 'maxUnavailable'),
        goIntOrString(ru.maxUnavailable),
        'may not be 0 when `maxSurge` is 0',
      ),
    );
  }
  if (intOrPercentValue(ru.maxUnavailable) > 100 && typeof ru.maxUnavailable === 'string') {
    errs.push(
      fieldError.invalid(
        child(ruPath, 'maxUnavailable'),
        goIntOrString(ru.maxUnavailable),
        'must not be greater than 100%',
      ),
    );
  }
  return errs;
}

/** `ValidateDeploymentSpec`. */
function validateDeploymentSpec(spec: JsonObject): FieldError[] {
  const errs = [...validateWorkloadSpec(spec, 'spec'), ...validateStrategy(spec.strategy, 'spec.strategy')];
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number') {
    errs.push(...validateNonnegative(deadline, 'spec.progressDeadlineSeconds'));
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (deadline <= minReady) {
      errs.push(
        fieldError.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'),
      );
    }
  }
  return errs;
}

defineKind({
  kind: 'Deployment',
  defaults: defaultDeployment,
  prepareForCreate: (d) => {
    d.status = {};
  },
  validate: (d) => [
    ...validateObjectMeta(d.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validateDeploymentSpec(rec(d.spec)),
  ],
  validateUpdate: validateSelectorImmutable,
});
