/**
 * What ReplicaSets and Deployments share (`pkg/apis/apps/validation`): a
 * required, non-empty, immutable selector that matches the template's labels,
 * and a pod template whose restart policy is Always.
 */
import { type FieldError, fieldError, goLiteral } from '../field-errors.js';
import { selectorFromLabelSelector } from '../labels.js';
import type { LabelSelector } from '../types.js';
import { goLabelSelector, goStringMap } from '../validation/go-literals.js';
import { validateImmutable, validateLabelSelector, validateNonnegative } from '../validation/meta.js';
import { arr, child, isRecord, type JsonObject, rec, strMap } from '../validation/values.js';
import { validatePodTemplateSpec } from './pod-spec-validation.js';

/**
 * `ValidateReplicaSetSpec` / the selector and template half of
 * `ValidateDeploymentSpec`: replicas, selector, template. `path` is `spec`.
 */
export function validateWorkloadSpec(spec: JsonObject, path: string): FieldError[] {
  const errs = [...validateNonnegative(spec.replicas, child(path, 'replicas'))];
  errs.push(...validateNonnegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  const selector = spec.selector;
  const selectorPath = child(path, 'selector');
  if (!isRecord(selector)) {
    errs.push(fieldError.required(selectorPath));
  } else {
    errs.push(...validateLabelSelector(selector, selectorPath));
    if (Object.keys(rec(selector.matchLabels)).length + arr(selector.matchExpressions).length === 0) {
      errs.push(
        fieldError.invalid(
          selectorPath,
          goLabelSelector(selector),
          'empty selector is invalid for deployment',
        ),
      );
    }
  }
  errs.push(...validateTemplateForSelector(spec, path));
  return errs;
}

/** `ValidatePodTemplateSpecForReplicaSet`. */
function validateTemplateForSelector(spec: JsonObject, path: string): FieldError[] {
  const templatePath = child(path, 'template');
  if (!isRecord(spec.template)) return [fieldError.required(templatePath)];
  const template = spec.template;
  const errs: FieldError[] = [];
  const labels = strMap(rec(template.metadata).labels);
  if (isRecord(spec.selector)) {
    const selector = selectorFromLabelSelector(spec.selector as LabelSelector);
    if (!selector.empty && !selector.matches(labels)) {
      errs.push(
        fieldError.invalid(
          child(templatePath, 'metadata', 'labels'),
          goLiteral(goStringMap(rec(template.metadata).labels)),
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  errs.push(...validatePodTemplateSpec(template, templatePath));
  const podSpec = rec(template.spec);
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(
      fieldError.notSupported(child(templatePath, 'spec', 'restartPolicy'), podSpec.restartPolicy ?? '', [
        'Always',
      ]),
    );
  }
  if (podSpec.activeDeadlineSeconds !== undefined) {
    errs.push(
      fieldError.forbidden(
        child(templatePath, 'spec', 'activeDeadlineSeconds'),
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  }
  return errs;
}

/** apps/v1: `spec.selector` may not change (`field is immutable`, with the Go rendering of the new selector). */
export function validateSelectorImmutable(obj: JsonObject, old: JsonObject): FieldError[] {
  const next = rec(obj.spec).selector;
  const prev = rec(old.spec).selector;
  return validateImmutable(next, prev, 'spec.selector', goLabelSelector(next));
}
