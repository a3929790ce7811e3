/**
 * Field-level validation errors, rendered exactly as apimachinery's
 * `field.Error.Error()` renders them, so `netkube apply` and kubectl show the
 * messages a real API server gives (`spec.replicas: Invalid value: -1: must be
 * greater than or equal to 0`).
 */

/** apimachinery `field.ErrorType`, with the reason string kubectl shows in `details.causes`. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  readonly type: FieldErrorType;
  /** Field path in Kubernetes notation: `spec.template.spec.containers[0].ports[0].containerPort`. */
  readonly field: string;
  /** The offending value; omitted for Required/Forbidden/TooMany. */
  readonly value?: unknown;
  readonly detail?: string;
  /** Values accepted, for NotSupported. */
  readonly supported?: readonly string[];
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Builders named after apimachinery's `field.Invalid`, `field.Required`… */
export const fieldError = {
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    value,
    detail,
  }),
  required: (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    supported,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field,
    value: actual,
    detail: `must have at most ${max} items`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    value,
    detail,
  }),
};

/**
 * A value already rendered as Go prints it (`%#v` of a struct, a typed slice):
 * `formatFieldValue` prints its text verbatim. Validators use it where
 * apimachinery reports a Go value, e.g. `spec.selector: Invalid value:
 * v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`.
 */
export interface GoLiteral {
  readonly goLiteral: string;
}

/** Wraps Go-rendered text so that `formatFieldValue` prints it as is. */
export function goLiteral(text: string): GoLiteral {
  return { goLiteral: text };
}

function isGoLiteral(value: unknown): value is GoLiteral {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { goLiteral?: unknown }).goLiteral === 'string' &&
    Object.keys(value).length === 1
  );
}

/** Renders a value as Go's `%#v`-ish form apimachinery uses in messages. */
export function formatFieldValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (isGoLiteral(value)) return value.goLiteral;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) {
    // Go's %#v of a slice names its element type: []string{"10.96.0.5"}.
    const type =
      value.length && value.every((v) => typeof v === 'string')
        ? 'string'
        : value.every((v) => typeof v === 'number')
          ? 'int32'
          : 'interface {}';
    return `[]${type}{${value.map(formatFieldValue).join(', ')}}`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === 'string')) {
      return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** `field: Type: value: detail`, as `field.Error.Error()` prints it. */
export function formatFieldError(err: FieldError): string {
  const parts: string[] = [`${err.field}: ${TYPE_TEXT[err.type]}`];
  switch (err.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'InternalError':
      if (err.detail) parts.push(err.detail);
      return parts.join(': ');
    case 'FieldValueTooMany':
      parts.push(`${err.value}`);
      if (err.detail) parts.push(err.detail);
      return parts.join(': ');
    case 'FieldValueNotSupported': {
      parts.push(formatFieldValue(err.value));
      let text = parts.join(': ');
      if (err.supported?.length)
        text += `: supported values: ${err.supported.map((s) => JSON.stringify(s)).join(', ')}`;
      return text;
    }
    default:
      parts.push(formatFieldValue(err.value));
      if (err.detail) parts.push(err.detail);
      return parts.join(': ');
  }
}

/** `[err1, err2]` when several, the one message alone otherwise (`ErrorList.ToAggregate`). */
export function formatFieldErrors(errs: readonly FieldError[]): string {
  const texts = [...new Set(errs.map(formatFieldError))];
  return texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
}
