/**
 * Field selectors (`?fieldSelector=metadata.name=web,status.phase!=Failed`): the
 * subset kubectl sends (names, namespaces, `spec.nodeName`, `status.phase`,
 * `involvedObject.*` for events). Unknown field paths are evaluated generically
 * by walking the object, which is more permissive than the real API server.
 */
import type { KubeObject } from './types.js';

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(obj: KubeObject): boolean;
}

export class FieldSelectorParseError extends Error {
  readonly code = 'ERR_FIELD_SELECTOR_PARSE';
}

/** Reads a dotted path from an object; `undefined` when any step is missing. */
export function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(t);
    if (!m) throw new FieldSelectorParseError(`invalid selector: '${text}'; can't understand '${t}'`);
    requirements.push({
      field: (m[1] ?? '').trim(),
      op: m[2] === '!=' ? '!=' : '=',
      value: (m[3] ?? '').trim(),
    });
  }
  return {
    requirements,
    matches(obj) {
      return requirements.every((r) => {
        const v = fieldValue(obj, r.field) ?? '';
        return r.op === '=' ? v === r.value : v !== r.value;
      });
    },
  };
}
