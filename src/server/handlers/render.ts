/**
 * Turning objects and lists into the negotiated response: the object itself
 * (as Go's encoder writes it, see `encodeObject`), a Table, or
 * PartialObjectMetadata; plus the list-option parsing shared by list, watch
 * and deletecollection.
 */

import {
  apiVersionOf,
  encodeObject,
  type KubeObject,
  parseFieldSelector,
  parseSelector,
  type ResourceInfo,
  StatusError,
} from '../../api/index.js';
import type { ListOptions } from '../../store/object-store.js';
import { assertNever } from '../../util/index.js';
import { negotiateOutput, type Output } from '../http/accept.js';
import type { RequestContext } from '../http/respond.js';
import { printTable } from '../printers/index.js';

/** The output form the request asked for. */
export function outputOf(ctx: RequestContext): Output {
  return negotiateOutput(ctx.req.headers.accept, ctx.query);
}

/** One object in the negotiated form. */
export function renderObject(info: ResourceInfo, obj: KubeObject, output: Output, now: number): unknown {
  switch (output.type) {
    case 'object':
      return encodeObject(obj);
    case 'table':
      return printTable(info.kind, [obj], now, {
        includeObject: output.includeObject,
        apiVersion: output.apiVersion,
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      });
    case 'partial':
      return { kind: 'PartialObjectMetadata', apiVersion: output.apiVersion, metadata: obj.metadata };
    default:
      return assertNever(output);
  }
}

/** A list in the negotiated form; `items` is never null. */
export function renderList(
  info: ResourceInfo,
  items: readonly KubeObject[],
  resourceVersion: string,
  output: Output,
  now: number,
): unknown {
  switch (output.type) {
    case 'object':
      return {
        kind: info.listKind,
        apiVersion: apiVersionOf(info),
        metadata: { resourceVersion },
        items: items.map(encodeObject),
      };
    case 'table':
      return printTable(info.kind, items, now, {
        includeObject: output.includeObject,
        apiVersion: output.apiVersion,
        resourceVersion,
      });
    case 'partial':
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: output.apiVersion,
        metadata: { resourceVersion },
        items: items.map((o) => ({
          kind: 'PartialObjectMetadata',
          apiVersion: output.apiVersion,
          metadata: o.metadata,
        })),
      };
    default:
      return assertNever(output);
  }
}

/** `labelSelector`, `fieldSelector` and the namespace of a list, watch or deletecollection. */
export function listOptionsOf(query: URLSearchParams, namespace: string | undefined): ListOptions {
  const label = query.get('labelSelector');
  const field = query.get('fieldSelector');
  return {
    namespace,
    labelSelector: label ? parseSelector(label) : undefined,
    fieldSelector: field ? parseFieldSelector(field) : undefined,
  };
}

/** `?dryRun=All` (the only value upstream accepts). */
export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== 'All') {
      throw new StatusError(
        'BadRequest',
        400,
        `Invalid dry run value: ${JSON.stringify(v)}; supported values: "All"`,
      );
    }
  }
  return true;
}

/** Whether an object matches a list's namespace and selectors. */
export function matchesList(obj: KubeObject, options: ListOptions): boolean {
  if (options.namespace !== undefined && obj.metadata.namespace !== options.namespace) return false;
  if (options.labelSelector && !options.labelSelector.matches(obj.metadata.labels)) return false;
  if (options.fieldSelector && !options.fieldSelector.matches(obj)) return false;
  return true;
}
