/**
 * Builds the scheduler's `PodInfo` of a pod (`framework.NewPodInfo`): its
 * requests, host ports, first owner, and parsed affinity terms.
 */

import type { PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { PodObject } from '../runtime/pods.js';
import { compiledSelector } from '../runtime/selectors.js';
import { podRequests } from './resources.js';
import type { AffinityTerm, HostPort, PodInfo, WeightedAffinityTerm } from './types.js';

/** Builds the PodInfo of a pod. Pure; cheap enough to call once per scheduling attempt. */
export function newPodInfo(pod: PodObject): PodInfo {
  const namespace = pod.metadata.namespace ?? 'default';
  const affinity = pod.spec?.affinity;
  const required = (terms: PodAffinityTerm[] | undefined) =>
    (terms ?? []).map((t) => affinityTerm(namespace, t));
  const preferred = (terms: WeightedPodAffinityTerm[] | undefined) =>
    (terms ?? []).map((t) => weightedTerm(namespace, t));
  return {
    key: `${namespace}/${pod.metadata.name ?? ''}`,
    uid: pod.metadata.uid ?? '',
    namespace,
    labels: pod.metadata.labels ?? {},
    ...requestsOf(pod),
    hostPorts: hostPortsOf(pod),
    ownerUid: pod.metadata.ownerReferences?.[0]?.uid,
    priority: pod.spec?.priority ?? 0,
    tolerations: pod.spec?.tolerations ?? [],
    requiredAffinity: required(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: required(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: preferred(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: preferred(
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ),
    hasAffinity: affinity?.podAffinity !== undefined || affinity?.podAntiAffinity !== undefined,
    pod,
  };
}

/**
 * Requests are parsed once per containers list: the pods of one ReplicaSet
 * share their template's containers (binding copies the spec, not the list),
 * so this is one parse per template.
 */
interface CachedRequests extends Pick<PodInfo, 'requests' | 'nonZeroRequests'> {
  readonly initContainers: unknown;
  readonly overhead: unknown;
}
const requestsByContainers = new WeakMap<object, CachedRequests>();

function requestsOf(pod: PodObject): Pick<PodInfo, 'requests' | 'nonZeroRequests'> {
  const spec = pod.spec;
  const key = spec?.containers;
  const hit = key ? requestsByContainers.get(key) : undefined;
  if (hit && hit.initContainers === spec?.initContainers && hit.overhead === spec?.overhead) return hit;
  const r: CachedRequests = {
    requests: podRequests(spec, false),
    nonZeroRequests: podRequests(spec, true),
    initContainers: spec?.initContainers,
    overhead: spec?.overhead,
  };
  if (key) requestsByContainers.set(key, r);
  return r;
}

/**
 * `newAffinityTerm`: the term's namespaces, or the pod's own when it names
 * neither namespaces nor a namespaceSelector.
 */
function affinityTerm(podNamespace: string, t: PodAffinityTerm): AffinityTerm {
  const own = (t.namespaces ?? []).length === 0 && !t.namespaceSelector;
  return {
    namespaces: new Set(own ? [podNamespace] : (t.namespaces ?? [])),
    namespaceSelector: t.namespaceSelector ? compiledSelector(t.namespaceSelector) : undefined,
    selector: compiledSelector(t.labelSelector),
    topologyKey: t.topologyKey,
  };
}

function weightedTerm(podNamespace: string, t: WeightedPodAffinityTerm): WeightedAffinityTerm {
  return { ...affinityTerm(podNamespace, t.podAffinityTerm), weight: t.weight };
}

/** Whether `term` selects `pod` (`AffinityTerm.Matches`); `nsLabels` are the pod's namespace's labels. */
export function termMatches(
  term: AffinityTerm,
  pod: PodInfo,
  nsLabels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!term.namespaces.has(pod.namespace) && !term.namespaceSelector?.matches(nsLabels)) return false;
  return term.selector.matches(pod.labels);
}

function hostPortsOf(pod: PodObject): HostPort[] {
  const out: HostPort[] = [];
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}
