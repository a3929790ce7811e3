/**
 * The Node strategy: allocatable defaults to capacity (`SetDefaults_NodeStatus`),
 * quantities canonical, `ValidateNode` (taints unique by key and effect,
 * pod CIDRs), pod CIDRs and provider ID settable once.
 */
import { type FieldError, fieldError, goLiteral } from '../field-errors.js';
import { deepClone } from '../json.js';
import { validateCidr } from '../validation/ip.js';
import { nameIsDNSSubdomain, validateLabelName, validateObjectMeta } from '../validation/meta.js';
import { isValidLabelValue } from '../validation/strings.js';
import { arr, child, index, isRecord, type JsonObject, rec, recs, str } from '../validation/values.js';
import { defineKind } from './define.js';
import { defaultResourceList } from './pod-defaults.js';

function defaultNode(node: JsonObject): void {
  if (!isRecord(node.status)) return;
  const status = node.status;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if (status.allocatable === undefined && isRecord(status.capacity))
    status.allocatable = deepClone(status.capacity);
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `validateNodeTaints`. */
function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(taints).forEach((t, i) => {
    const p = index(path, i);
    errs.push(...validateLabelName(str(t.key) ?? '', child(p, 'key')));
    const value = str(t.value) ?? '';
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(fieldError.invalid(child(p, 'value'), value, msgs.join(';')));
    if (!t.effect) errs.push(fieldError.required(child(p, 'effect')));
    else if (!EFFECTS.includes(String(t.effect)))
      errs.push(fieldError.notSupported(child(p, 'effect'), t.effect, EFFECTS));
    const key = `${String(t.effect)}\u0000${String(t.key)}`;
    if (seen.has(key)) {
      errs.push({
        type: 'FieldValueDuplicate',
        field: p,
        value: goLiteral(
          `core.Taint{Key:${JSON.stringify(str(t.key) ?? '')}, Value:${JSON.stringify(value)}, Effect:${JSON.stringify(str(t.effect) ?? '')}, TimeAdded:<nil>}`,
        ),
        detail: 'taints must be unique by key and effect pair',
      });
    } else seen.add(key);
  });
  return errs;
}

function validateNode(node: JsonObject): FieldError[] {
  const spec = rec(node.spec);
  const errs = [
    ...validateObjectMeta(node.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain }),
    ...validateTaints(spec.taints, 'metadata.taints'),
  ];
  arr(spec.podCIDRs).forEach((cidr, i) => {
    errs.push(...validateCidr(index('spec.podCIDRs', i), String(cidr)));
  });
  return errs;
}

function validateNodeUpdate(node: JsonObject, old: JsonObject): FieldError[] {
  const spec = rec(node.spec);
  const prev = rec(old.spec);
  const errs: FieldError[] = [];
  const oldCidrs = arr(prev.podCIDRs);
  const cidrs = arr(spec.podCIDRs);
  if (oldCidrs.length > 0 && (oldCidrs.length !== cidrs.length || oldCidrs.some((c, i) => c !== cidrs[i]))) {
    errs.push(
      fieldError.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'),
    );
  }
  if (str(prev.providerID) && prev.providerID !== spec.providerID) {
    errs.push(
      fieldError.forbidden(
        'spec.providerID',
        'node updates may not change providerID except from "" to valid',
      ),
    );
  }
  return errs;
}

defineKind({
  kind: 'Node',
  defaults: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
});
