/**
 * Event (core/v1) and Lease (coordination.k8s.io/v1): written by netkube's
 * own components far more than by users, so only their shape is checked
 * (`ValidateEventCreate` and `ValidateLeaseSpec`, lightly).
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { nameIsDNSSubdomain, validateNonnegative, validateObjectMeta } from '../validation/meta.js';
import { type JsonObject, rec, str } from '../validation/values.js';
import { defineKind } from './define.js';

function validateEvent(ev: JsonObject): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const involved = rec(ev.involvedObject);
  const namespace = str(rec(ev.metadata).namespace) ?? '';
  const involvedNs = str(involved.namespace) ?? '';
  if (involvedNs && involvedNs !== namespace) {
    errs.push(fieldError.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  }
  errs.push(...validateNonnegative(ev.count, 'count'));
  return errs;
}

defineKind({ kind: 'Event', validate: validateEvent });

function validateLease(lease: JsonObject): FieldError[] {
  const spec = rec(lease.spec);
  const errs = validateObjectMeta(lease.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) {
    errs.push(fieldError.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  errs.push(...validateNonnegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
}

defineKind({ kind: 'Lease', validate: validateLease });
