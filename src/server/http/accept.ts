/**
 * Response negotiation. kubectl asks for server-side Tables with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io, …, application/json`,
 * garbage collectors ask for `as=PartialObjectMetadata[List]`, typed clients
 * for protobuf with a JSON fallback. netkube always answers JSON (never 406):
 * the first acceptable entry wins, and anything else falls back to plain JSON.
 */
import { formatFieldError, StatusError } from '../../api/index.js';
import type { IncludeObject } from '../printers/index.js';

/** The negotiated response form of a read. */
export type Output =
  /** The object or list itself. */
  | { readonly type: 'object' }
  /** A `meta.k8s.io` Table; `includeObject` picks the row objects. */
  | {
      readonly type: 'table';
      readonly apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
      readonly includeObject: IncludeObject;
    }
  /** `PartialObjectMetadata` for an object, `PartialObjectMetadataList` for a list. */
  | { readonly type: 'partial'; readonly apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1' };

interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Splits an Accept header into media ranges with their parameters. */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

const INCLUDE_VALUES: readonly IncludeObject[] = ['Metadata', 'None', 'Object'];

/** The `includeObject` query value, validated as `ValidateTableOptions` does. */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject') ?? '';
  if (value === '') return 'Metadata';
  if ((INCLUDE_VALUES as readonly string[]).includes(value)) return value as IncludeObject;
  const detail = formatFieldError({
    type: 'FieldValueNotSupported',
    field: 'includeObject',
    value,
    supported: INCLUDE_VALUES,
  });
  throw new StatusError('BadRequest', 400, `Unable to convert to Table as requested: ${detail}`);
}

function metaVersion(v: string | undefined): 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1' | undefined {
  if (v === 'v1') return 'meta.k8s.io/v1';
  if (v === 'v1beta1') return 'meta.k8s.io/v1beta1';
  return undefined;
}

/** Picks the response form for a GET, list or watch. */
export function negotiateOutput(accept: string | undefined, query: URLSearchParams): Output {
  for (const range of parseAccept(accept)) {
    const as = range.params.as;
    if (!as) {
      if (/^(application\/(json|\*|vnd\.kubernetes\.protobuf|yaml)|\*\/\*)$/.test(range.type))
        return { type: 'object' };
      continue;
    }
    if (range.params.g !== 'meta.k8s.io') continue;
    const apiVersion = metaVersion(range.params.v);
    if (!apiVersion) continue;
    if (as === 'Table') return { type: 'table', apiVersion, includeObject: includeObjectOf(query) };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')
      return { type: 'partial', apiVersion };
  }
  return { type: 'object' };
}
