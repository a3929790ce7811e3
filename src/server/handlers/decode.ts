/**
 * Decoding request objects as the API server's codec does before any
 * registry work: the body must be an object of the URL's kind and
 * group-version (filled in when missing), `null`s are decoded as Go would
 * (`normalizeNulls`), wrongly typed values are decode errors in Go's words
 * (`goDecodeError`), and unknown fields are handled per
 * `?fieldValidation=Strict|Warn|Ignore`.
 */
import {
  apiVersionOf,
  checkFieldTypes,
  findUnknownFields,
  formatFieldErrors,
  goDecodeError,
  type KubeObject,
  normalizeNulls,
  type ResourceInfo,
  StatusError,
  unknownFieldMessage,
} from '../../api/index.js';
import type { RequestContext } from '../http/respond.js';
import { cloneJson, isObject } from '../patch/index.js';

/** The `?fieldValidation=` directive (metav1.FieldValidation*). */
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

/** Go's `fmt.Sprintf("%+v")` of a decoded JSON value (`map[a:1 b:[x y]]`, keys sorted). */
export function goValueText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValueText).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([k, x]) => `${k}:${goValueText(x)}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * How a PATCH names its strict-decoding failure: upstream reports it as an
 * Invalid `patch` field of an unnamed object, valued with the patch map
 * (strategic merge) or the patched JSON (JSON and merge patches).
 */
export interface PatchFailureContext {
  readonly strategic: boolean;
  readonly patch: unknown;
}

/** A PATCH whose result does not decode (strict errors, wrong types): Invalid `patch` of an unnamed object. */
function patchStrictError(obj: KubeObject, failure: PatchFailureContext, message: string): StatusError {
  const value = failure.strategic ? goValueText(failure.patch) : JSON.stringify(obj);
  const detail = `Invalid value: ${JSON.stringify(value)}: ${message}`;
  return new StatusError('Invalid', 422, ` "" is invalid: patch: ${detail}`, {
    details: { causes: [{ reason: 'FieldValueInvalid', message: detail, field: 'patch' }] },
  });
}

/** 400 for a body that does not decode into the kind (`transformDecodeError`'s wording). */
function cannotBeHandled(info: ResourceInfo, message: string): StatusError {
  return new StatusError(
    'BadRequest',
    400,
    `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${message}`,
  );
}

/**
 * Type and unknown-field checks of a decoded (or patched) object. Wrong types
 * are decode errors in Go's words (400 for a body; with `patch`, the PATCH
 * handler's Invalid `patch`, whose message is `encoding/json`'s for JSON and
 * merge patches and the unstructured converter's for strategic ones);
 * unknown fields fail with Strict, become warnings with Warn, and pass with
 * Ignore.
 */
export function checkObjectFields(
  info: ResourceInfo,
  obj: KubeObject,
  mode: FieldValidation,
  warnings: string[],
  patch?: PatchFailureContext,
): KubeObject {
  const goError = goDecodeError(obj, patch?.strategic ? 'unstructured' : 'json');
  if (goError !== undefined) {
    if (patch) throw patchStrictError(obj, patch, goError);
    throw cannotBeHandled(info, goError);
  }
  // Kinds without Go types (the Calico CRDs): netkube's own field-typed wording.
  const typeErrors = checkFieldTypes(obj);
  if (typeErrors.length > 0) throw cannotBeHandled(info, formatFieldErrors(typeErrors));
  const unknown = findUnknownFields(obj);
  if (unknown.length === 0) return obj;
  if (mode !== 'Strict') {
    if (mode === 'Warn') for (const path of unknown) warnings.push(`unknown field "${path}"`);
    return pruneFields(obj, unknown);
  }
  const message = unknownFieldMessage(unknown);
  if (patch) throw patchStrictError(obj, patch, message);
  throw cannotBeHandled(info, message);
}

/** `checkObjectFields` with the request's `?fieldValidation=` and warnings. */
export function checkFields(
  ctx: RequestContext,
  info: ResourceInfo,
  obj: KubeObject,
  patch?: PatchFailureContext,
): KubeObject {
  return checkObjectFields(info, obj, fieldValidationOf(ctx.query), ctx.warnings, patch);
}

/** Splits `spec.containers[0].foo` / `metadata.labels[a.b]` into keys and indices. */
function pathTokens(path: string): string[] {
  const tokens: string[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) tokens.push((m[1] ?? m[2]) as string);
  return tokens;
}

/**
 * Drops fields the kind does not have, as the API server's decoder does with
 * fieldValidation Warn or Ignore (the object is never stored with them).
 */
export function pruneFields(obj: KubeObject, paths: readonly string[]): KubeObject {
  const out = cloneJson(obj);
  for (const path of paths) {
    const tokens = pathTokens(path);
    let cur: unknown = out;
    for (const t of tokens.slice(0, -1)) {
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[t] : undefined;
    }
    const last = tokens[tokens.length - 1];
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && last !== undefined) {
      delete (cur as Record<string, unknown>)[last];
    }
  }
  return out;
}
