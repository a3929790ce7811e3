/**
 * The server's pipeline without the store, for client-side checks (the
 * manifest loader validates before anything is sent, so errors carry
 * file:line) and for tests: decoding as the server decodes a JSON body
 * (`null`s dropped, mistyped values rejected), then defaulting, create/update
 * preparation and validation, exactly as `Registry.create`/`update` run them.
 */
import type { FieldError } from './field-errors.js';
import { strategyFor } from './strategy.js';
import type { KubeObject } from './types.js';
import { checkFieldTypes, normalizeNulls } from './unknown-fields.js';

export interface DryRunResult {
  /** The object as the server would store it (before allocation and metadata stamping). */
  readonly object: KubeObject;
  readonly errors: readonly FieldError[];
}

/** Defaults, prepares and validates `obj` as a create. The caller sets `metadata.namespace` for namespaced kinds. */
export function dryRunCreate(input: KubeObject): DryRunResult {
  const obj = normalizeNulls(input);
  const typeErrors = checkFieldTypes(obj);
  if (typeErrors.length > 0) return { object: obj, errors: typeErrors };
  const strategy = strategyFor(obj.kind);
  let object = strategy.defaultObject ? strategy.defaultObject(obj) : obj;
  if (strategy.prepareForCreate) object = strategy.prepareForCreate(object);
  return { object, errors: strategy.validateCreate?.(object) ?? [] };
}

/** Defaults, prepares and validates `obj` as an update of `old` (a stored, defaulted object). */
export function dryRunUpdate(input: KubeObject, old: KubeObject): DryRunResult {
  const obj = normalizeNulls(input);
  const typeErrors = checkFieldTypes(obj);
  if (typeErrors.length > 0) return { object: obj, errors: typeErrors };
  const strategy = strategyFor(obj.kind);
  let object = strategy.defaultObject ? strategy.defaultObject(obj) : obj;
  if (strategy.prepareForUpdate) object = strategy.prepareForUpdate(object, old);
  return { object, errors: strategy.validateUpdate?.(object, old) ?? [] };
}
