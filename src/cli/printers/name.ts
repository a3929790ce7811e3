/**
 * `kind.group/name` as kubectl's NamePrinter writes it (`-o name`, and the
 * `deployment.apps/web created` lines of apply, scale, rollout…).
 */
import { resourceForKind } from '../../api/resources.js';

/** Lower-case `Kind.group` of an object's `apiVersion`/`kind` (`deployment.apps`, `pod`). */
export function groupKindOf(apiVersion: string | undefined, kind: string): string {
  const slash = apiVersion?.indexOf('/') ?? -1;
  let group = apiVersion && slash >= 0 ? apiVersion.slice(0, slash) : '';
  if (!apiVersion) group = resourceForKind(kind)?.group ?? '';
  return (group ? `${kind}.${group}` : kind).toLowerCase();
}

/** `deployment.apps/web`, optionally followed by an operation (`deployment.apps/web scaled`). */
export function nameLine(
  obj: { readonly apiVersion?: string; readonly kind: string; readonly name: string },
  operation?: string,
): string {
  const base = `${groupKindOf(obj.apiVersion, obj.kind)}/${obj.name}`;
  return operation ? `${base} ${operation}\n` : `${base}\n`;
}

/** Lower-case `Kind.group` of a resource table row. */
export function groupKindOfResource(info: { readonly group: string; readonly kind: string }): string {
  return (info.group ? `${info.kind}.${info.group}` : info.kind).toLowerCase();
}
