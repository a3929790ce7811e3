/**
 * Node selection by labels (component-helpers `nodeaffinity`): `nodeSelector`,
 * required node affinity (terms ORed, requirements within a term ANDed,
 * `matchFields` on `metadata.name`), and preferred terms' weights.
 */
import type { NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import type { PodObject } from '../runtime/pods.js';
import type { NodeInfo } from './types.js';

/** A compiled node matcher for one pod. */
export interface NodeMatcher {
  /** True when the pod has no nodeSelector and no required node affinity. */
  readonly matchesAll: boolean;
  matches(node: NodeInfo): boolean;
  /** Sum of the weights of the preferred terms the node matches. */
  preferredScore(node: NodeInfo): number;
  readonly hasPreferred: boolean;
}

/** Compiles the pod's nodeSelector and node affinity (`GetRequiredNodeAffinity`, `preferredSchedulingTerms`). */
export function compileNodeMatcher(pod: PodObject): NodeMatcher {
  const selector = Object.entries(pod.spec?.nodeSelector ?? {});
  const na = pod.spec?.affinity?.nodeAffinity;
  const required = na?.requiredDuringSchedulingIgnoredDuringExecution;
  const preferred = (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((p) => p.weight !== 0);
  const matches = (node: NodeInfo): boolean => {
    for (const [k, v] of selector) if (node.labels[k] !== v) return false;
    if (required && !required.nodeSelectorTerms.some((t) => termMatches(t, node))) return false;
    return true;
  };
  return {
    matchesAll: selector.length === 0 && !required,
    matches,
    hasPreferred: preferred.length > 0,
    preferredScore(node) {
      let score = 0;
      for (const p of preferred) if (termMatches(p.preference, node)) score += p.weight;
      return score;
    },
  };
}

/** A term matches when it has requirements and all of them hold; an empty term matches nothing. */
function termMatches(term: NodeSelectorTerm, node: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, node.labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.name)) return false;
  }
  return true;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? '')) return false;
      const n = Number(value);
      const bound = Number(values[0]);
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}
