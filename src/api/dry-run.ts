/**
 * The registry's strategy pipeline without the store, for client-side checks
 * (the manifest loader validates before anything is sent, so errors carry
 * file:line) and for tests: defaulting, create/update preparation and
 * validation, exactly as `Registry.create`/`update` run them.
 */
import type { FieldError } from './field-errors.js';
import { strategyFor } from './strategy.js';
import type { KubeObject } from './types.js';

export interface DryRunResult {
  /** The object as the server would store it (before allocation and metadata stamping). */
  readonly object: KubeObject;
  readonly errors: readonly FieldError[];
}

/** Defaults, prepares and validates `obj` as a create. The caller sets `metadata.namespace` for namespaced kinds. */
export function dryRunCreate(obj: KubeObject): DryRunResult {
  const strategy = strategyFor(obj.kind);
  let object = strategy.defaultObject ? strategy.defaultObject(obj) : obj;
  if (strategy.prepareForCreate) object = strategy.prepareForCreate(object);
  return { object, errors: strategy.validateCreate?.(object) ?? [] };
}

/** Defaults, prepares and validates `obj` as an update of `old` (a stored, defaulted object). */
export function dryRunUpdate(obj: KubeObject, old: KubeObject): DryRunResult {
  const strategy = strategyFor(obj.kind);
  let object = strategy.defaultObject ? strategy.defaultObject(obj) : obj;
  if (strategy.prepareForUpdate) object = strategy.prepareForUpdate(object, old);
  return { object, errors: strategy.validateUpdate?.(object, old) ?? [] };
}
