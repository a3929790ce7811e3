/**
 * The Namespace strategy: the `kubernetes.io/metadata.name` label
 * (`SetDefaults_Namespace`), the `kubernetes` finalizer and phase Active on
 * create, DNS-1123 label names. The phase is the registry's to change (to
 * Terminating on delete); spec finalizers only through `/finalize`.
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { nameIsDNSLabel, validateObjectMeta } from '../validation/meta.js';
import { isQualifiedName } from '../validation/strings.js';
import { arr, index, isRecord, type JsonObject, rec, str } from '../validation/values.js';
import { defineKind } from './define.js';

/** The label every namespace carries with its own name (since Kubernetes 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function defaultNamespace(ns: JsonObject): void {
  const metadata = rec(ns.metadata);
  const name = str(metadata.name);
  if (!name) return;
  metadata.labels = { ...rec(metadata.labels), [NAMESPACE_NAME_LABEL]: name };
  ns.metadata = metadata;
  if (!isRecord(ns.status)) ns.status = {};
  const status = ns.status as JsonObject;
  if (!status.phase) status.phase = 'Active';
}

function validateNamespace(ns: JsonObject): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameFn: nameIsDNSLabel });
  arr(rec(ns.spec).finalizers).forEach((f, i) => {
    const name = String(f);
    const path = index('spec.finalizers', i);
    errs.push(...isQualifiedName(name).map((m) => fieldError.invalid(path, name, m)));
    if (!name.includes('/') && name !== 'kubernetes') {
      errs.push(
        fieldError.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'),
      );
    }
  });
  return errs;
}

defineKind({
  kind: 'Namespace',
  defaults: defaultNamespace,
  prepareForCreate: (ns) => {
    const finalizers = arr(rec(ns.spec).finalizers);
    ns.spec = {
      ...rec(ns.spec),
      finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'],
    };
    ns.status = { phase: 'Active' };
  },
  prepareForUpdate: (ns, old) => {
    ns.spec = old.spec;
  },
  validate: validateNamespace,
});
