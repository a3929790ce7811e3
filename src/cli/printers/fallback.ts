/**
 * What kubectl prints when the server answers a Table request with plain
 * objects (no server-side printer for the kind): NAME and AGE only
 * (`printObjectMeta` in cli-runtime). netkube's server prints every kind it
 * serves; this keeps `get` correct against one that does not.
 */
import type { KubeObject } from '../../api/types.js';
import { humanDuration } from '../../util/duration.js';
import { isTable, type Table } from './table.js';

function ageOf(obj: KubeObject, now: number): string {
  const created = obj.metadata?.creationTimestamp;
  if (!created) return '<unknown>';
  return humanDuration(now - Date.parse(created));
}

/** Items of a list object with `apiVersion`/`kind` filled from the list, as kubectl's builder fills them. */
export function listItems(list: {
  apiVersion?: string;
  kind?: string;
  items?: readonly unknown[];
}): KubeObject[] {
  const kind = list.kind?.endsWith('List') ? list.kind.slice(0, -'List'.length) : undefined;
  return (list.items ?? []).map((item) => {
    const obj = item as KubeObject;
    return {
      ...obj,
      apiVersion: obj.apiVersion ?? list.apiVersion ?? '',
      kind: obj.kind ?? kind ?? '',
    } as KubeObject;
  });
}

/** Returns the response as a Table: itself when the server printed it, else NAME/AGE rows. */
export function asTable(response: unknown, now: number): Table {
  if (isTable(response)) return response;
  const body = response as { items?: unknown[]; metadata?: { resourceVersion?: string } };
  const objects = Array.isArray(body.items) ? listItems(body) : [response as KubeObject];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: body.metadata?.resourceVersion ?? '' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name' },
      { name: 'Age', type: 'string' },
    ],
    rows: objects.map((obj) => ({
      cells: [obj.metadata?.name ?? '', ageOf(obj, now)],
      object: { metadata: obj.metadata },
    })),
  };
}
