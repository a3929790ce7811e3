/**
 * Per-kind API-server behaviour the Registry applies on every write: defaulting,
 * create-time preparation and validation (apiserver `rest.RESTCreateStrategy`,
 * `RESTUpdateStrategy`). Pure functions of the objects: no store, no clock.
 *
 * The Registry calls, in order:
 *   create: defaultObject → prepareForCreate → validateCreate
 *   update: defaultObject → prepareForUpdate → validateUpdate
 */
import type { FieldError } from './field-errors.js';
import type { KubeObject } from './types.js';

export interface KindStrategy {
  /** Fills defaults as the API server's defaulting functions do. Returns a new object. */
  readonly defaultObject?: (obj: KubeObject) => KubeObject;
  /** Resets what a client may not set on create (e.g. Deployment status). Returns a new object. */
  readonly prepareForCreate?: (obj: KubeObject) => KubeObject;
  /** Carries over what a main-resource update may not change. Returns a new object. */
  readonly prepareForUpdate?: (obj: KubeObject, old: KubeObject) => KubeObject;
  readonly validateCreate?: (obj: KubeObject) => FieldError[];
  /** Validates an update, including immutable fields. */
  readonly validateUpdate?: (obj: KubeObject, old: KubeObject) => FieldError[];
}

const strategies = new Map<string, KindStrategy>();

/** Registers the strategy of a kind. Called by the per-kind modules at import. */
export function registerStrategy(kind: string, strategy: KindStrategy): void {
  strategies.set(kind, { ...strategies.get(kind), ...strategy });
}

/** The strategy of a kind; an empty one for kinds with no special rules. */
export function strategyFor(kind: string): KindStrategy {
  return strategies.get(kind) ?? {};
}
