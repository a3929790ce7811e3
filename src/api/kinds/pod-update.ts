/**
 * `ValidatePodUpdate`: a pod's spec is immutable except for container
 * images, `activeDeadlineSeconds` (only shortened), added tolerations and
 * removed scheduling gates. The error text is upstream's; where upstream
 * appends a go-cmp diff of the two specs, netkube appends one line per
 * changed field path, since the Go struct diff cannot be reproduced.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { canonicalize, deepClone, jsonEqual } from '../json.js';
import { inclusiveRangeError } from '../validation/strings.js';
import { arr, child, index, isRecord, type JsonObject, rec, recs, str } from '../validation/values.js';
import { validateTolerations } from './pod-spec-validation.js';

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const MAX_INT32 = 2147483647;

/** One `path: old -> new` line per leaf that differs between two canonical values. */
export function describeChanges(oldValue: unknown, newValue: unknown, path: string): string[] {
  if (jsonEqual(oldValue, newValue)) return [];
  const bothObjects = isRecord(oldValue) && isRecord(newValue);
  const bothArrays =
    Array.isArray(oldValue) && Array.isArray(newValue) && oldValue.length === newValue.length;
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
    return keys.flatMap((k) => describeChanges(oldValue[k], newValue[k], child(path, k)));
  }
  if (bothArrays) return oldValue.flatMap((v, i) => describeChanges(v, newValue[i], index(path, i)));
  const show = (v: unknown) => (v === undefined ? '<unset>' : JSON.stringify(v));
  return [`  ${path}: ${show(oldValue)} -> ${show(newValue)}`];
}

function validateContainerCounts(
  spec: JsonObject,
  oldSpec: JsonObject,
): { errs: FieldError[]; stop: boolean } {
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers'] as const) {
    const next = recs(spec[list]);
    if (next.length !== recs(oldSpec[list]).length) {
      errs.push(fieldError.forbidden(child('spec', list), 'pod updates may not add or remove containers'));
      return { errs, stop: true };
    }
    next.forEach((c, i) => {
      const image = str(c.image) ?? '';
      if (!image) errs.push(fieldError.required(child(index(child('spec', list), i), 'image')));
    });
  }
  return { errs, stop: false };
}

function validateActiveDeadline(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const next = spec.activeDeadlineSeconds;
  const prev = oldSpec.activeDeadlineSeconds;
  const field = 'spec.activeDeadlineSeconds';
  if (typeof next === 'number') {
    if (next < 0 || next > MAX_INT32)
      return [fieldError.invalid(field, next, inclusiveRangeError(0, MAX_INT32))];
    if (typeof prev === 'number' && prev < next) {
      return [fieldError.invalid(field, next, 'must be less than or equal to previous value')];
    }
  } else if (prev !== undefined) {
    return [fieldError.invalid(field, null, 'must not update from a positive integer to nil value')];
  }
  return [];
}

/** `validateOnlyAddedTolerations`: existing tolerations may only change `tolerationSeconds`. */
function validateOnlyAddedTolerations(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const next = recs(spec.tolerations);
  for (const old of recs(oldSpec.tolerations)) {
    const found = next.some((t) => jsonEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) {
      return [
        fieldError.forbidden(
          'spec.tolerations',
          'existing toleration can not be modified except its tolerationSeconds',
        ),
      ];
    }
  }
  return validateTolerations(spec.tolerations, 'spec.tolerations');
}

function validateOnlyDeletedGates(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const oldNames = new Set(recs(oldSpec.schedulingGates).map((g) => str(g.name)));
  const errs: FieldError[] = [];
  recs(spec.schedulingGates).forEach((gate, i) => {
    if (!oldNames.has(str(gate.name))) {
      errs.push(
        fieldError.forbidden(
          child(index('spec.schedulingGates', i), 'name'),
          `only deletion is allowed, but found new scheduling gate '${str(gate.name) ?? ''}'`,
        ),
      );
    }
  });
  return errs;
}

/** The new spec with every updatable field set back to the old one's value. */
function mungedSpec(spec: JsonObject, oldSpec: JsonObject): JsonObject {
  const munged = deepClone(spec);
  for (const list of ['containers', 'initContainers'] as const) {
    const oldList = recs(oldSpec[list]);
    munged[list] = arr(munged[list]).map((c, i) => ({ ...rec(c), image: oldList[i]?.image }));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  return munged;
}

/** The update rules of `ValidatePodUpdate` (metadata and spec validity are checked by the caller). */
export function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldError[] {
  const spec = rec(pod.spec);
  const oldSpec = rec(old.spec);
  const { errs, stop } = validateContainerCounts(spec, oldSpec);
  if (stop) return errs;
  const deadline = validateActiveDeadline(spec, oldSpec);
  errs.push(...deadline);
  if (deadline.length && typeof spec.activeDeadlineSeconds === 'number') return errs;
  errs.push(...validateOnlyAddedTolerations(spec, oldSpec));
  errs.push(...validateOnlyDeletedGates(spec, oldSpec));
  const before = canonicalize(oldSpec);
  const after = canonicalize(mungedSpec(spec, oldSpec));
  if (!jsonEqual(before, after)) {
    const changes = describeChanges(before, after, 'spec').join('\n');
    errs.push(
      fieldError.forbidden(
        'spec',
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${changes}`,
      ),
    );
  }
  return errs;
}
