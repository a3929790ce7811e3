/**
 * The frame every kind module fills: defaulting and preparation mutate a
 * private deep copy (store objects are frozen and shared), validation returns
 * field errors. `defineKind` turns that into the registry's `KindStrategy`:
 * it clones, normalises `null`s as Go's decoder would, rejects mistyped fields
 * before semantic checks (which could otherwise misread them), runs the
 * metadata update rules on every update, and drops duplicate errors.
 */
import { type FieldError, formatFieldError } from '../field-errors.js';
import { deepClone } from '../json.js';
import { registerStrategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import { checkFieldTypes, normalizeNulls } from '../unknown-fields.js';
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
  const withDefaults = (obj: KubeObject): KubeObject => {
    const copy = normalizeNulls(copyOf(obj));
    def.defaults?.(copy);
    return asKube(copy);
  };
  const validateCreate = (obj: KubeObject): FieldError[] => {
    const typeErrs = checkFieldTypes(obj);
    if (typeErrs.length) return typeErrs;
    const next = obj as unknown as JsonObject;
    return dedupe([...def.validate(next), ...(def.validateCreateOnly?.(next) ?? [])]);
  };
  const validateUpdate = (obj: KubeObject, old: KubeObject): FieldError[] => {
    const typeErrs = checkFieldTypes(obj);
    if (typeErrs.length) return typeErrs;
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
      const copy = copyOf(obj);
      def.prepareForCreate(copy);
      return asKube(copy);
    },
    prepareForUpdate: (obj: KubeObject, old: KubeObject): KubeObject => {
      if (!def.prepareForUpdate) return obj;
      const copy = copyOf(obj);
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
