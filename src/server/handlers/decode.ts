/**
 * Decoding request objects as the API server's codec does before any
 * registry work: the body must be an object of the URL's kind and
 * group-version (filled in when missing), `null`s are decoded as Go would
 * (`normalizeNulls`), wrongly typed values are decode errors, and unknown
 * fields are handled per `?fieldValidation=Strict|Warn|Ignore`.
 */
import {
  apiVersionOf,
  checkFieldTypes,
  fieldError,
  findUnknownFields,
  formatFieldErrors,
  invalid,
  type KubeObject,
  normalizeNulls,
  type ResourceInfo,
  StatusError,
  unknownFieldMessage,
} from '../../api/index.js';
import type { RequestContext } from '../http/respond.js';
import { isObject } from '../patch/index.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** `?fieldValidation=`; upstream defaults to Warn. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation') ?? '';
  if (v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw new StatusError(
    'BadRequest',
    400,
    `fieldValidation parameter unsupported: ${v}, expected one of Ignore, Warn, Strict`,
  );
}

function gvOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * The body as an object of `info`'s kind: `apiVersion` and `kind` are filled
 * from the URL when absent, as the codec defaults them. Throws 400 otherwise.
 */
export function decodeObject(info: ResourceInfo, body: unknown): KubeObject {
  if (!isObject(body)) {
    throw new StatusError(
      'BadRequest',
      400,
      `the object provided is unrecognized (must be of type ${info.kind})`,
    );
  }
  const apiVersion =
    typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : apiVersionOf(info);
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : info.kind;
  if (apiVersion !== apiVersionOf(info)) {
    throw new StatusError(
      'BadRequest',
      400,
      `the API version in the data (${apiVersion}) does not match the expected API version (${apiVersionOf(info)})`,
    );
  }
  if (kind !== info.kind) {
    const { version } = gvOf(apiVersion);
    throw new StatusError(
      'BadRequest',
      400,
      `${kind} in version "${version}" cannot be handled as a ${info.kind}: no kind "${kind}" is registered for the resource ${info.resource}`,
    );
  }
  const metadata = isObject(body.metadata) ? body.metadata : {};
  return normalizeNulls({ ...body, apiVersion, kind, metadata } as unknown as KubeObject);
}

/**
 * Type and unknown-field checks of a decoded (or patched) object. Wrong types
 * are decode errors (400); unknown fields fail with Strict, become warnings
 * with Warn, and pass with Ignore. `patched` switches to the wording the
 * PATCH handler uses (422 on `patch`).
 */
export function checkObjectFields(
  info: ResourceInfo,
  obj: KubeObject,
  mode: FieldValidation,
  warnings: string[],
  patched = false,
): void {
  const typeErrors = checkFieldTypes(obj);
  if (typeErrors.length > 0) {
    throw new StatusError(
      'BadRequest',
      400,
      `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${formatFieldErrors(typeErrors)}`,
    );
  }
  if (mode === 'Ignore') return;
  const unknown = findUnknownFields(obj);
  if (unknown.length === 0) return;
  if (mode === 'Warn') {
    for (const path of unknown) warnings.push(`unknown field "${path}"`);
    return;
  }
  const message = unknownFieldMessage(unknown);
  if (patched) {
    throw invalid(info, obj.metadata.name ?? '', [fieldError.invalid('patch', JSON.stringify(obj), message)]);
  }
  throw new StatusError(
    'BadRequest',
    400,
    `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${message}`,
  );
}

/** `checkObjectFields` with the request's `?fieldValidation=` and warnings. */
export function checkFields(ctx: RequestContext, info: ResourceInfo, obj: KubeObject, patched = false): void {
  checkObjectFields(info, obj, fieldValidationOf(ctx.query), ctx.warnings, patched);
}
