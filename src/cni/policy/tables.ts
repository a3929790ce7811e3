/**
 * The in-memory tables policy evaluation reads (`PolicyView`), kept current
 * one object at a time: compiled policies by namespace (sorted by name, the
 * evaluation order), namespace labels, pods by `namespace/name` and by IP,
 * node addresses. A policy is compiled once when it is set; a pod, namespace
 * or node change is one or two map writes. Evaluating a connection then reads
 * only the two pods' namespaces' policies, so cost does not grow with the
 * cluster, only with the policies of those namespaces.
 *
 * `policySnapshot` fills tables from plain lists (tests, the tracer over a
 * dump); the store-backed `PolicyIndex` feeds them from watch events.
 */
import { NAMESPACE_NAME_LABEL } from '../../api/kinds/namespace.js';
import type { Labels } from '../../api/labels.js';
import type { Namespace, NetworkPolicy, Pod } from '../../api/types.js';
import { compilePolicy } from './compile.js';
import type { CompiledPolicy, NamedPort, ObjectRef, PolicyPod, PolicyProtocol, PolicyView } from './types.js';

/** The parts of the objects the tables read (stored objects and plain manifests both fit). */
export type PodObject = Pick<Pod, 'metadata' | 'spec' | 'status'>;
export type NamespaceObject = Pick<Namespace, 'metadata'>;
export type NetworkPolicyObject = Pick<NetworkPolicy, 'metadata' | 'spec'>;

function keyOf(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * A Pod as policy sees it, or undefined for a hostNetwork pod: those share
 * their node's address and are never selected by NetworkPolicy
 * (calico.md §4.1.10); to policy they are their node.
 */
export function policyPodOf(pod: PodObject): PolicyPod | undefined {
  if (pod.spec?.hostNetwork) return undefined;
  const ports: NamedPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name)
        ports.push({
          name: p.name,
          port: p.containerPort,
          protocol: (p.protocol ?? 'TCP') as PolicyProtocol,
        });
    }
  }
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels,
    node: pod.spec?.nodeName,
    ports,
  };
}

/** The pod's addresses while it holds them (terminal pods have released theirs). */
function podIPsOf(pod: PodObject): string[] {
  const phase = pod.status?.phase;
  if (pod.spec?.hostNetwork || phase === 'Succeeded' || phase === 'Failed') return [];
  const ips = (pod.status?.podIPs ?? []).flatMap((p) => (p.ip ? [p.ip] : []));
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

export interface PolicyTablesOptions {
  /**
   * Which pod holds an address as the dataplane sees it (the CNI read model).
   * When given it replaces `status.podIPs`, so policy and delivery never
   * disagree about who an address belongs to.
   */
  readonly locate?: (ip: string) => ObjectRef | undefined;
}

/** Mutable policy tables implementing `PolicyView`. Writers must not run concurrently with reads mid-write (single thread). */
export class PolicyTables implements PolicyView {
  readonly #policies = new Map<string, CompiledPolicy[]>();
  readonly #namespaces = new Map<string, Labels>();
  readonly #pods = new Map<string, PolicyPod>();
  readonly #podIPs = new Map<string, string>();
  readonly #ipsOfPod = new Map<string, readonly string[]>();
  readonly #nodeByIP = new Map<string, string>();
  readonly #ipOfNode = new Map<string, string>();
  readonly #locate: PolicyTablesOptions['locate'];
  #policyCount = 0;

  constructor(options: PolicyTablesOptions = {}) {
    this.#locate = options.locate;
  }

  /** How many NetworkPolicies are set (0 lets callers skip evaluation entirely). */
  get policyCount(): number {
    return this.#policyCount;
  }

  podByIP(ip: string): PolicyPod | undefined {
    const ref = this.#locate ? this.#locate(ip) : undefined;
    const key = ref ? keyOf(ref) : this.#locate ? undefined : this.#podIPs.get(ip);
    return key === undefined ? undefined : this.#pods.get(key);
  }

  namespaceLabels(namespace: string): Labels {
    return this.#namespaces.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  policiesIn(namespace: string): readonly CompiledPolicy[] {
    return this.#policies.get(namespace) ?? [];
  }

  nodeByIP(ip: string): string | undefined {
    return this.#nodeByIP.get(ip);
  }

  /** The compiled policy `namespace/name`, if set (diagnostics, `netkube` views). */
  policy(ref: ObjectRef): CompiledPolicy | undefined {
    return this.#policies.get(ref.namespace)?.find((p) => p.ref.name === ref.name);
  }

  /** Compiles and sets a policy (replacing the previous version); returns the compiled form. */
  setPolicy(np: NetworkPolicyObject): CompiledPolicy {
    const compiled = compilePolicy(np);
    const { namespace, name } = compiled.ref;
    const list = (this.#policies.get(namespace) ?? []).filter((p) => p.ref.name !== name);
    if (list.length === (this.#policies.get(namespace)?.length ?? 0)) this.#policyCount++;
    list.push(compiled);
    list.sort((a, b) => (a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0));
    this.#policies.set(namespace, list);
    return compiled;
  }

  deletePolicy(ref: ObjectRef): void {
    const list = this.#policies.get(ref.namespace);
    if (!list) return;
    const rest = list.filter((p) => p.ref.name !== ref.name);
    if (rest.length === list.length) return;
    this.#policyCount--;
    if (rest.length === 0) this.#policies.delete(ref.namespace);
    else this.#policies.set(ref.namespace, rest);
  }

  setNamespace(ns: NamespaceObject): void {
    const name = ns.metadata?.name ?? '';
    this.#namespaces.set(name, { ...(ns.metadata?.labels ?? {}), [NAMESPACE_NAME_LABEL]: name });
  }

  deleteNamespace(name: string): void {
    this.#namespaces.delete(name);
  }

  setPod(pod: PodObject): void {
    const p = policyPodOf(pod);
    const key = `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
    this.#forgetIPs(key);
    if (!p) {
      this.#pods.delete(key);
      return;
    }
    this.#pods.set(key, p);
    const ips = podIPsOf(pod);
    for (const ip of ips) this.#podIPs.set(ip, key);
    this.#ipsOfPod.set(key, ips);
  }

  deletePod(ref: ObjectRef): void {
    const key = keyOf(ref);
    this.#forgetIPs(key);
    this.#pods.delete(key);
  }

  #forgetIPs(key: string): void {
    // An address may already belong to a newer pod: only drop mappings that are still ours.
    for (const ip of this.#ipsOfPod.get(key) ?? []) if (this.#podIPs.get(ip) === key) this.#podIPs.delete(ip);
    this.#ipsOfPod.delete(key);
  }

  /** Sets (or, with no address, forgets) a node's InternalIP. */
  setNode(name: string, address: string | undefined): void {
    const old = this.#ipOfNode.get(name);
    if (old !== undefined && this.#nodeByIP.get(old) === name) this.#nodeByIP.delete(old);
    this.#ipOfNode.delete(name);
    if (address === undefined) return;
    this.#ipOfNode.set(name, address);
    this.#nodeByIP.set(address, name);
  }
}

/** Everything a snapshot is built from. */
export interface PolicySnapshotInput {
  readonly policies?: readonly NetworkPolicyObject[];
  readonly pods?: readonly PodObject[];
  readonly namespaces?: readonly NamespaceObject[];
  readonly nodes?: ReadonlyArray<{ readonly name: string; readonly address: string }>;
}

/** Tables filled from plain lists (pure: builds new tables, touches nothing else). */
export function policySnapshot(input: PolicySnapshotInput, options: PolicyTablesOptions = {}): PolicyTables {
  const tables = new PolicyTables(options);
  for (const ns of input.namespaces ?? []) tables.setNamespace(ns);
  for (const pod of input.pods ?? []) tables.setPod(pod);
  for (const node of input.nodes ?? []) tables.setNode(node.name, node.address);
  for (const np of input.policies ?? []) tables.setPolicy(np);
  return tables;
}
