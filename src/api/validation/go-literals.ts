/**
 * Go `%#v` renderings of the struct values apimachinery puts in some messages
 * (Kubernetes 1.32 `field.Error` prints non-Stringer struct values with
 * `%#v`), so netkube's messages read as a real server's do:
 *
 *   spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
 */
import { type GoLiteral, goLiteral } from '../field-errors.js';
import { arr, isRecord, rec } from './values.js';

function goString(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value : String(value ?? ''));
}

/** `[]string{"a", "b"}`, or `[]string(nil)` for none. */
export function goStringSliceText(values: unknown): string {
  const list = arr(values);
  return list.length === 0 && !Array.isArray(values)
    ? '[]string(nil)'
    : `[]string{${list.map(goString).join(', ')}}`;
}

/** `[]string{"10.96.0.5"}` as a field value. */
export function goStringSlice(values: unknown): GoLiteral {
  return goLiteral(goStringSliceText(values));
}

/** `map[string]string{"a":"x", "b":"y"}` (keys sorted, as Go prints maps), or `map[string]string(nil)`. */
export function goStringMap(map: unknown): string {
  if (!isRecord(map)) return 'map[string]string(nil)';
  const entries = Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${goString(k)}:${goString(v)}`).join(', ')}}`;
}

/** A `metav1.LabelSelector` as `%#v` prints it. */
export function goLabelSelector(selector: unknown): GoLiteral {
  const s = rec(selector);
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions
        .map((e) => {
          const r = rec(e);
          return `v1.LabelSelectorRequirement{Key:${goString(r.key)}, Operator:${goString(r.operator)}, Values:${goStringSliceText(r.values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return goLiteral(`v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`);
}

/** An `intstr.IntOrString` as `%#v` prints it: `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`. */
export function goIntOrStringText(value: unknown): string {
  if (typeof value === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goString(value)}}`;
  const n = typeof value === 'number' ? value : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

/** `goIntOrStringText` as a field value. */
export function goIntOrString(value: unknown): GoLiteral {
  return goLiteral(goIntOrStringText(value));
}

/** The `core.ServicePort{…}` key the duplicate-port check reports (only protocol and port set). */
export function goServicePortKey(protocol: unknown, port: unknown): GoLiteral {
  return goLiteral(
    `core.ServicePort{Name:"", Protocol:${goString(protocol)}, AppProtocol:(*string)(nil), Port:${typeof port === 'number' ? port : 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}
