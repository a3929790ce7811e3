/**
 * Object metadata, labels, annotations and label selectors, validated as
 * apimachinery does (`pkg/api/validation/objectmeta.go`,
 * `pkg/apis/meta/v1/validation`). Pure: objects in, field errors out.
 */

import { type FieldError, fieldError } from '../field-errors.js';
import { jsonEqual } from '../json.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  IS_NEGATIVE_ERROR_MSG,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from './strings.js';
import { arr, child, index, isRecord, type JsonObject, rec, str } from './values.js';

/** Validates a name; `prefix` is true for a `generateName` (a trailing dash is allowed). */
export type NameFn = (name: string, prefix: boolean) => string[];

/** apimachinery's `maskTrailingDash`, bug for bug: `abc-` is checked as `aa`. */
function maskTrailingDash(name: string): string {
  return name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameFn = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameFn = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameFn = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** `must be greater than or equal to 0` when negative. */
export function validateNonnegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0
    ? [fieldError.invalid(field, value, IS_NEGATIVE_ERROR_MSG)]
    : [];
}

/** `field is immutable` when the values differ; `shown` is what the message prints (default: the new value). */
export function validateImmutable(
  newValue: unknown,
  oldValue: unknown,
  field: string,
  shown: unknown = newValue,
): FieldError[] {
  return jsonEqual(newValue ?? null, oldValue ?? null)
    ? []
    : [fieldError.invalid(field, shown, FIELD_IMMUTABLE_ERROR_MSG)];
}

/** A label key (`ValidateLabelName`). */
export function validateLabelName(name: string, field: string): FieldError[] {
  return isQualifiedName(name).map((m) => fieldError.invalid(field, name, m));
}

/** A label map: keys and values, errors reported at the map's path (`ValidateLabels`). */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(rec(labels))) {
    errs.push(...validateLabelName(k, field));
    const value = typeof v === 'string' ? v : String(v ?? '');
    for (const m of isValidLabelValue(value)) errs.push(fieldError.invalid(field, value, m));
  }
  return errs;
}

/** Annotations: case-insensitive qualified keys, 256 KiB in total (`ValidateAnnotations`). */
export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(rec(annotations))) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid(field, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  }
  if (total > 256 * 1024) {
    errs.push({ type: 'FieldValueTooLong', field, detail: `must have at most ${256 * 1024} bytes` });
  }
  return errs;
}

/** A `LabelSelector` (`ValidateLabelSelector`, strict label values). */
export function validateLabelSelector(selector: unknown, field: string): FieldError[] {
  if (!isRecord(selector)) return [];
  const errs = validateLabels(selector.matchLabels, child(field, 'matchLabels'));
  arr(selector.matchExpressions).forEach((raw, i) => {
    const path = index(child(field, 'matchExpressions'), i);
    const expr = rec(raw);
    const values = arr(expr.values);
    const operator = expr.operator;
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) {
        errs.push(
          fieldError.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(
          fieldError.forbidden(
            child(path, 'values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
    } else {
      errs.push(fieldError.invalid(child(path, 'operator'), operator ?? '', 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(expr.key) ?? '', child(path, 'key')));
    values.forEach((value, j) => {
      const text = String(value ?? '');
      for (const m of isValidLabelValue(text)) {
        errs.push(fieldError.invalid(index(child(path, 'values'), j), text, m));
      }
    });
  });
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Finalizer names: qualified, and unqualified ones must be standard. */
export function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of arr(finalizers)) {
    const name = String(f ?? '');
    errs.push(...isQualifiedName(name).map((m) => fieldError.invalid(field, name, m)));
    if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
      errs.push(
        fieldError.invalid(
          field,
          name,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  }
  return errs;
}

function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let controller = '';
  for (const raw of arr(refs)) {
    const ref = rec(raw);
    const apiVersion = str(ref.apiVersion) ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version)
      errs.push(fieldError.invalid(child(field, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!str(ref.kind))
      errs.push(fieldError.invalid(child(field, 'kind'), ref.kind ?? '', 'must not be empty'));
    if (!str(ref.name))
      errs.push(fieldError.invalid(child(field, 'name'), ref.name ?? '', 'must not be empty'));
    if (!str(ref.uid)) errs.push(fieldError.invalid(child(field, 'uid'), ref.uid ?? '', 'must not be empty'));
    if (ref.controller === true) {
      const current = `${str(ref.kind) ?? ''}/${str(ref.name) ?? ''}`;
      if (controller) {
        errs.push(
          fieldError.invalid(
            field,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`,
          ),
        );
      } else controller = current;
    }
  }
  return errs;
}

export interface ObjectMetaOptions {
  /** Namespaced kinds require `metadata.namespace`; cluster-scoped ones forbid it. */
  readonly namespaced: boolean;
  readonly nameFn: NameFn;
}

/** `ValidateObjectMeta` for a create, at `metadata`. */
export function validateObjectMeta(metadata: unknown, options: ObjectMetaOptions): FieldError[] {
  const meta = rec(metadata);
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName) ?? '';
  if (generateName) {
    for (const m of options.nameFn(generateName, true)) {
      errs.push(fieldError.invalid('metadata.generateName', generateName, m));
    }
  }
  const name = str(meta.name) ?? '';
  if (!name) errs.push(fieldError.required('metadata.name', 'name or generateName is required'));
  else for (const m of options.nameFn(name, false)) errs.push(fieldError.invalid('metadata.name', name, m));
  const namespace = str(meta.namespace) ?? '';
  if (options.namespaced) {
    if (!namespace) errs.push(fieldError.required('metadata.namespace'));
    else
      for (const m of isDNS1123Label(namespace))
        errs.push(fieldError.invalid('metadata.namespace', namespace, m));
  } else if (namespace) {
    errs.push(fieldError.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(meta.generation, 'metadata.generation'));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}

/** `ValidateObjectMetaUpdate`: name and namespace are immutable; labels and annotations re-checked. */
export function validateObjectMetaUpdate(newMeta: unknown, oldMeta: unknown): FieldError[] {
  const next: JsonObject = rec(newMeta);
  const prev: JsonObject = rec(oldMeta);
  const errs: FieldError[] = [];
  if (prev.deletionTimestamp) {
    const added = arr(next.finalizers).filter((f) => !arr(prev.finalizers).includes(f));
    if (added.length > 0) {
      errs.push(
        fieldError.forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  if (
    typeof next.generation === 'number' &&
    typeof prev.generation === 'number' &&
    next.generation < prev.generation
  ) {
    errs.push(fieldError.invalid('metadata.generation', next.generation, 'must not be decremented'));
  }
  errs.push(...validateImmutable(next.name ?? '', prev.name ?? '', 'metadata.name'));
  errs.push(...validateImmutable(next.namespace ?? '', prev.namespace ?? '', 'metadata.namespace'));
  errs.push(...validateLabels(next.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(next.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(next.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(next.finalizers, 'metadata.finalizers'));
  return errs;
}
