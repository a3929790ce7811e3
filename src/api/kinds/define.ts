/**
 * The frame every kind module fills: defaulting and preparation mutate a
 * private deep copy (store objects are frozen and shared), validation returns
 * field errors. `defineKind` turns that into the registry's `KindStrategy`:
 * it clones, runs the metadata update rules on every update, and drops
 * duplicate errors.
 *
 * Decoding is not the strategy's job, as upstream's codec is not the
 * registry's: `null`s, mistyped values and unknown fields are dealt with where
 * JSON or YAML comes in (the server's request decoding and PATCH, the atomic
 * apply, the manifest loader, all through `unknown-fields.ts`). In-process
 * writers (controllers, the kubelet) build typed objects, like upstream's
 * typed clients, and do not pay for a schema walk on every write.
 */
import { type FieldError, formatFieldError } from '../field-errors.js';
import { deepClone } from '../json.js';
import { registerStrategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { validateObjectMetaUpdate } from '../validation/meta.js';
import type { JsonObject } from '../validation/values.js';

export interface KindDefinition {
  readonly kind: string;
  /** Fills defaults into the object (a private copy). Must be idempotent. */
  readonly defaults?: (obj: JsonObject) => void;
  /** Create-time preparation and admission defaults, on the private copy. */
  readonly prepareForCreate?: (obj: JsonObject) => void;
  /** Update-time preparation, on the private copy of the new object. */
  readonly prepareForUpdate?: (obj: JsonObject, old: JsonObject) => void;
  /** Validates a whole object (run on create and update). */
  readonly validate: (obj: JsonObject) => FieldError[];
  /** Extra rules for a create only (e.g. fields that may be set only through a subresource). */
  readonly validateCreateOnly?: (obj: JsonObject) => FieldError[];
  /** Extra update rules (immutable fields), beyond metadata and `validate`. */
  readonly validateUpdate?: (obj: JsonObject, old: JsonObject) => FieldError[];
}

function dedupe(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const text = formatFieldError(e);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

function copyOf(obj: KubeObject): JsonObject {
  return deepClone(obj) as unknown as JsonObject;
}

function asKube(obj: JsonObject): KubeObject {
  return obj as unknown as KubeObject;
}

/** Builds the strategy functions of a kind without registering them (for tests and client-side checks). */
export function strategyOf(def: KindDefinition) {
  // The defaulted copies not yet handed on: preparation, which always follows
  // defaulting in the registry, may work on them in place instead of copying again.
  const fresh = new WeakSet<object>();
  const privateCopy = (obj: KubeObject): JsonObject => {
    if (!fresh.delete(obj)) return copyOf(obj);
    return obj as unknown as JsonObject;
  };
  const withDefaults = (obj: KubeObject): KubeObject => {
    const copy = copyOf(obj);
    def.defaults?.(copy);
    fresh.add(copy);
    return asKube(copy);
  };
  const validateCreate = (obj: KubeObject): FieldError[] => {
    const next = obj as unknown as JsonObject;
    return dedupe([...def.validate(next), ...(def.validateCreateOnly?.(next) ?? [])]);
  };
  const validateUpdate = (obj: KubeObject, old: KubeObject): FieldError[] => {
    const next = obj as unknown as JsonObject;
    const prev = old as unknown as JsonObject;
    return dedupe([
      ...validateObjectMetaUpdate(next.metadata, prev.metadata),
      ...def.validate(next),
      ...(def.validateUpdate?.(next, prev) ?? []),
    ]);
  };
  return {
    defaultObject: withDefaults,
    prepareForCreate: (obj: KubeObject): KubeObject => {
      if (!def.prepareForCreate) return obj;
      const copy = privateCopy(obj);
      def.prepareForCreate(copy);
      return asKube(copy);
    },
    prepareForUpdate: (obj: KubeObject, old: KubeObject): KubeObject => {
      if (!def.prepareForUpdate) return obj;
      const copy = privateCopy(obj);
      def.prepareForUpdate(copy, old as unknown as JsonObject);
      return asKube(copy);
    },
    validateCreate,
    validateUpdate,
  };
}

/** Registers a kind's strategy with the registry (`src/api/strategy.ts`). Called once per kind at import. */
export function defineKind(def: KindDefinition): void {
  registerStrategy(def.kind, strategyOf(def));
}
