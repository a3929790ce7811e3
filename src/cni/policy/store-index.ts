/**
 * The live policy index: `PolicyTables` kept in step with the store, as Felix
 * follows the datastore (NetworkPolicies, Namespaces as profiles, pods as
 * workload endpoints, nodes as hosts). Each watch event is one table write; a
 * changed policy is recompiled alone.
 *
 * Handlers run synchronously inside the store's dispatch, only update memory,
 * never write to the store and never throw (a bad object is logged and
 * skipped, as the network model's sync does).
 */
import type { Labels } from '../../api/labels.js';
import type { Namespace, NetworkPolicy, Node, Pod, Typed } from '../../api/types.js';
import { inform } from '../../controllers/runtime/informer.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Unsubscribe } from '../../store/watch.js';
import { errorMessage } from '../../util/errors.js';
import { internalIP } from '../sync.js';
import { PolicyTables, type PolicyTablesOptions } from './tables.js';
import type { CompiledPolicy, ObjectRef, PolicyPod, PolicyView } from './types.js';

/** The store key of NetworkPolicies. */
export const NETWORK_POLICIES_KEY = 'networkpolicies.networking.k8s.io';

export interface PolicyIndexConfig extends PolicyTablesOptions {
  readonly store: ObjectStore;
  /** Where skipped objects are reported; none stays silent. */
  readonly logger?: Logger;
}

function refOf(obj: {
  readonly metadata: { readonly namespace?: string; readonly name?: string };
}): ObjectRef {
  return { namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name ?? '' };
}

/**
 * A `PolicyView` over the store. Call `start()` once (it replays what is
 * stored, then follows events) and `stop()` when done; reads before `start()`
 * see an empty cluster (no policies: everything allowed).
 */
export class PolicyIndex implements PolicyView {
  readonly #config: PolicyIndexConfig;
  readonly #tables: PolicyTables;
  #unsubscribers: Unsubscribe[] = [];

  constructor(config: PolicyIndexConfig) {
    if (!config.store) throw new TypeError('PolicyIndex needs a store');
    this.#config = config;
    this.#tables = new PolicyTables(config.locate ? { locate: config.locate } : {});
  }

  /** How many NetworkPolicies exist (0: nothing is isolated). */
  get policyCount(): number {
    return this.#tables.policyCount;
  }

  podByIP(ip: string): PolicyPod | undefined {
    return this.#tables.podByIP(ip);
  }

  namespaceLabels(namespace: string): Labels {
    return this.#tables.namespaceLabels(namespace);
  }

  policiesIn(namespace: string): readonly CompiledPolicy[] {
    return this.#tables.policiesIn(namespace);
  }

  nodeByIP(ip: string): string | undefined {
    return this.#tables.nodeByIP(ip);
  }

  /** The compiled form of a stored policy (with its diagnostics). */
  policy(ref: ObjectRef): CompiledPolicy | undefined {
    return this.#tables.policy(ref);
  }

  /** Subscribes to the store, replaying what is stored. Idempotent. */
  start(): void {
    if (this.#unsubscribers.length > 0) return;
    const { store } = this.#config;
    const t = this.#tables;
    const guard =
      <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch (err) {
          this.#config.logger?.warn(
            { err: errorMessage(err), what },
            'Skipped an object network policy could not use',
          );
        }
      };
    const setNode = guard('node', (n: Typed<Node>) => t.setNode(n.metadata.name ?? '', internalIP(n)));
    const setPolicy = guard('networkpolicy', (np: Typed<NetworkPolicy>) => {
      t.setPolicy(np);
    });
    const setNamespace = guard('namespace', (ns: Typed<Namespace>) => t.setNamespace(ns));
    const setPod = guard('pod', (p: Typed<Pod>) => t.setPod(p));
    this.#unsubscribers = [
      inform<Typed<Namespace>>(store, 'namespaces', {
        onAdd: setNamespace,
        onUpdate: (_, ns) => setNamespace(ns),
        onDelete: (ns) => t.deleteNamespace(ns.metadata.name ?? ''),
      }),
      inform<Typed<Node>>(store, 'nodes', {
        onAdd: setNode,
        onUpdate: (_, n) => setNode(n),
        onDelete: (n) => t.setNode(n.metadata.name ?? '', undefined),
      }),
      inform<Typed<Pod>>(store, 'pods', {
        onAdd: setPod,
        onUpdate: (_, p) => setPod(p),
        onDelete: (p) => t.deletePod(refOf(p)),
      }),
      inform<Typed<NetworkPolicy>>(store, NETWORK_POLICIES_KEY, {
        onAdd: setPolicy,
        onUpdate: (_, np) => setPolicy(np),
        onDelete: (np) => t.deletePolicy(refOf(np)),
      }),
    ];
  }

  /** Unsubscribes; the tables keep their last state. Safe to call more than once. */
  stop(): void {
    for (const u of this.#unsubscribers) u();
    this.#unsubscribers = [];
  }
}
