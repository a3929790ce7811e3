/**
 * Scheduling constraints of a pod spec: tolerations, node affinity and pod
 * (anti-)affinity terms (`ValidateTolerations`, `validateAffinity`).
 */
import { type FieldError, fieldError } from '../field-errors.js';
import { validateLabelName, validateLabelSelector } from '../validation/meta.js';
import { isDNS1123Label, isValidLabelValue } from '../validation/strings.js';
import { arr, child, index, isRecord, type JsonObject, num, rec, recs, str } from '../validation/values.js';

/** `ValidateTolerations`. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(tolerations).forEach((t, i) => {
    const p = index(path, i);
    const keyText = str(t.key) ?? '';
    if (keyText) errs.push(...validateLabelName(keyText, child(p, 'key')));
    if (!keyText && t.operator !== 'Exists') {
      errs.push(
        fieldError.invalid(
          child(p, 'operator'),
          t.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(
        fieldError.invalid(
          child(p, 'effect'),
          t.effect ?? '',
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    const value = str(t.value) ?? '';
    if (t.operator === 'Equal' || !t.operator) {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(fieldError.invalid(child(p, 'operator'), value, msgs.join(';')));
    } else if (t.operator === 'Exists') {
      if (value)
        errs.push(
          fieldError.invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"),
        );
    } else {
      errs.push(fieldError.notSupported(child(p, 'operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(String(t.effect))) {
      errs.push(
        fieldError.notSupported(child(p, 'effect'), t.effect, [
          'NoSchedule',
          'PreferNoSchedule',
          'NoExecute',
        ]),
      );
    }
  });
  return errs;
}

function validateNodeSelectorTerm(term: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(term.matchExpressions).forEach((req, j) => {
    const p = index(child(path, 'matchExpressions'), j);
    const values = arr(req.values);
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(
            fieldError.required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(
            fieldError.forbidden(
              child(p, 'values'),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      case 'Gt':
      case 'Lt':
        if (values.length !== 1) {
          errs.push(
            fieldError.required(
              child(p, 'values'),
              "must be specified single value when `operator` is 'Lt' or 'Gt'",
            ),
          );
        }
        break;
      default:
        errs.push(
          fieldError.invalid(child(p, 'operator'), req.operator ?? '', 'not a valid selector operator'),
        );
    }
    errs.push(...validateLabelName(str(req.key) ?? '', child(p, 'key')));
  });
  return errs;
}

function validatePodAffinityTerm(term: JsonObject, path: string): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, child(path, 'labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, child(path, 'namespaceSelector')),
  ];
  for (const ns of arr(term.namespaces)) {
    for (const m of isDNS1123Label(String(ns)))
      errs.push(fieldError.invalid(child(path, 'namespace'), ns, m));
  }
  const topologyKey = str(term.topologyKey) ?? '';
  if (!topologyKey) errs.push(fieldError.required(child(path, 'topologyKey'), 'can not be empty'));
  return [...errs, ...validateLabelName(topologyKey, child(path, 'topologyKey'))];
}

function validateWeight(weight: unknown, field: string): FieldError[] {
  const w = num(weight) ?? 0;
  return w <= 0 || w > 100 ? [fieldError.invalid(field, weight ?? 0, 'must be in the range 1-100')] : [];
}

/** `validateAffinity`: node affinity terms, pod (anti-)affinity terms and weights. */
export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  if (!isRecord(affinity)) return [];
  const errs: FieldError[] = [];
  const node = rec(affinity.nodeAffinity);
  const required = node.requiredDuringSchedulingIgnoredDuringExecution;
  const nodePath = child(path, 'nodeAffinity');
  if (isRecord(required)) {
    const termsPath = child(nodePath, 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
    const terms = recs(required.nodeSelectorTerms);
    if (terms.length === 0)
      errs.push(fieldError.required(termsPath, 'must have at least one node selector term'));
    terms.forEach((t, i) => {
      errs.push(...validateNodeSelectorTerm(t, index(termsPath, i)));
    });
  }
  recs(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const p = index(child(nodePath, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
    errs.push(
      ...validateWeight(t.weight, child(p, 'weight')),
      ...validateNodeSelectorTerm(rec(t.preference), child(p, 'preference')),
    );
  });
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = rec(affinity[kind]);
    recs(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      errs.push(
        ...validatePodAffinityTerm(
          t,
          index(child(path, kind, 'requiredDuringSchedulingIgnoredDuringExecution'), i),
        ),
      );
    });
    recs(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const p = index(child(path, kind, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      errs.push(...validateWeight(t.weight, child(p, 'weight')));
      errs.push(...validatePodAffinityTerm(rec(t.podAffinityTerm), child(p, 'podAffinityTerm')));
    });
  }
  return errs;
}
