/**
 * The ingress-nginx controller's status loop, run in-process (ingress-nginx
 * `internal/ingress/status`, `--publish-service`): every served Ingress gets
 * `status.loadBalancer.ingress` = the publish Service's load-balancer
 * addresses, or — while that Service's LB is pending, netkube's deviation so
 * that `get ingress` shows an ADDRESS — the InternalIPs of the nodes running
 * a Ready controller pod. With no Ready controller pod the addresses are
 * removed (`--update-status-on-shutdown`). Ingresses of other classes are
 * never touched (conformance [C3]).
 *
 * It also records the controller's Events: Normal `Sync` "Scheduled for sync"
 * when a served Ingress changes, and a Warning per compiler diagnostic (once
 * per Ingress generation).
 */
import type { KubeObject, Node, Pod, Service } from '../api/types.js';
import { Controller } from '../controllers/runtime/controller.js';
import type { EventRecorder } from '../controllers/runtime/events.js';
import { isPodReady } from '../controllers/runtime/pods.js';
import type { Logger } from '../log/index.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Registry } from '../store/registry.js';
import type { Clock } from '../util/clock.js';
import { snapshotFromView, storeClusterView } from './app/cluster-view.js';
import { compileIngress } from './compile.js';
import { eventFor } from './diagnostics.js';
import { type ClassOptions, DEFAULT_CLASS_OPTIONS, type IngressObject } from './ingress-class.js';
import { type RouteTable, refKey } from './types.js';

export interface IngressStatusControllerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly events: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `--publish-service`. @default ingress-nginx/ingress-nginx-controller */
  readonly publishService?: { readonly namespace: string; readonly name: string };
  /** `--controller-class`, `--ingress-class`, `--watch-ingress-without-class`. */
  readonly classes?: Partial<ClassOptions>;
}

type LBIngress = { readonly ip?: string; readonly hostname?: string };

const SOURCE = { component: 'nginx-ingress-controller' };
const WATCHED = [
  'ingresses.networking.k8s.io',
  'ingressclasses.networking.k8s.io',
  'services',
  'endpointslices.discovery.k8s.io',
  'secrets',
  'pods',
  'nodes',
];

function sameAddresses(a: readonly LBIngress[] | undefined, b: readonly LBIngress[]): boolean {
  const x = a ?? [];
  return x.length === b.length && x.every((e, i) => e.ip === b[i]?.ip && e.hostname === b[i]?.hostname);
}

export class IngressStatusController {
  readonly name = 'ingress-status';
  readonly #config: IngressStatusControllerConfig;
  readonly #controller: Controller;
  readonly #publish: { readonly namespace: string; readonly name: string };
  readonly #classes: ClassOptions;
  /** `uid/generation` → messages already recorded. */
  readonly #recorded = new Map<string, Set<string>>();
  #unsubscribe: (() => void)[] = [];

  constructor(config: IngressStatusControllerConfig) {
    this.#config = config;
    this.#publish = config.publishService ?? { namespace: 'ingress-nginx', name: 'ingress-nginx-controller' };
    this.#classes = { ...DEFAULT_CLASS_OPTIONS, ...config.classes };
    this.#controller = new Controller({
      name: 'ingress-status',
      clock: config.clock,
      logger: config.logger,
      reconcile: () => {
        this.sync();
      },
    });
  }

  /** Subscribes to the store and syncs after every relevant change (coalesced by the queue). */
  start(signal: AbortSignal): void {
    const enqueue = () => this.#controller.enqueue('sync');
    this.#unsubscribe = WATCHED.map((r) => this.#config.store.subscribe(r, enqueue));
    enqueue();
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    await this.#controller.stop();
  }

  get idle(): boolean {
    return this.#controller.idle;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  /** One pass: compile, publish addresses, record events. Returns the table it compiled. */
  sync(): RouteTable {
    const { store } = this.#config;
    const table = compileIngress(snapshotFromView(storeClusterView(store)), { classes: this.#classes });
    const addresses = this.addresses();
    const served = new Set(table.served.map(refKey));
    const live = new Set<string>();
    for (const ing of store.list<IngressObject>('ingresses.networking.k8s.io')) {
      if (!served.has(`${ing.metadata.namespace}/${ing.metadata.name}`)) continue;
      live.add(`${ing.metadata.uid}/${ing.metadata.generation ?? 1}`);
      this.#publishTo(ing, addresses);
      this.#events(ing, table);
    }
    for (const key of this.#recorded.keys()) if (!live.has(key)) this.#recorded.delete(key);
    return table;
  }

  /** The addresses served Ingresses get now. */
  addresses(): LBIngress[] {
    const { store } = this.#config;
    const svc = store.get<Service & KubeObject>('services', this.#publish.namespace, this.#publish.name);
    if (!svc) return [];
    const nodes = this.#controllerNodes(svc);
    if (nodes.length === 0) return [];
    const lb = (svc.status?.loadBalancer?.ingress ?? []).map((i) =>
      i.ip ? { ip: i.ip } : { hostname: i.hostname ?? '' },
    );
    if (svc.spec?.type === 'LoadBalancer' && lb.length > 0) return lb;
    if (svc.spec?.type === 'ClusterIP' && svc.spec.clusterIP) return [{ ip: svc.spec.clusterIP }];
    const ips = new Set<string>();
    for (const name of nodes) {
      const node = store.get<Node & KubeObject>('nodes', undefined, name);
      const ip = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      if (ip) ips.add(ip);
    }
    return [...ips].sort().map((ip) => ({ ip }));
  }

  /** Nodes running a Ready pod selected by the publish Service. */
  #controllerNodes(svc: Service & KubeObject): string[] {
    const selector = svc.spec?.selector ?? {};
    const keys = Object.keys(selector);
    if (keys.length === 0) return [];
    const pods = this.#config.store.list<Pod & KubeObject>('pods', { namespace: this.#publish.namespace });
    const nodes = new Set<string>();
    for (const pod of pods) {
      if (!keys.every((k) => pod.metadata.labels?.[k] === selector[k])) continue;
      if (pod.metadata.deletionTimestamp || !pod.spec?.nodeName || !isPodReady(pod)) continue;
      nodes.add(pod.spec.nodeName);
    }
    return [...nodes].sort();
  }

  #publishTo(ing: IngressObject, addresses: LBIngress[]): void {
    const current = (ing as IngressObject & { status?: { loadBalancer?: { ingress?: LBIngress[] } } }).status;
    if (sameAddresses(current?.loadBalancer?.ingress, addresses)) return;
    const loadBalancer = addresses.length > 0 ? { ingress: addresses } : {};
    try {
      this.#config.registry.update({ ...ing, status: { loadBalancer } } as KubeObject, {
        subresource: 'status',
      });
    } catch (err) {
      this.#config.logger.debug(
        {
          err: String(err),
          ingress: refKey({ namespace: ing.metadata.namespace ?? '', name: ing.metadata.name ?? '' }),
        },
        'Could not update Ingress status',
      );
    }
  }

  #events(ing: IngressObject, table: RouteTable): void {
    const key = `${ing.metadata.uid}/${ing.metadata.generation ?? 1}`;
    let seen = this.#recorded.get(key);
    if (!seen) {
      seen = new Set();
      this.#recorded.set(key, seen);
    }
    const done = seen;
    const record = (type: 'Normal' | 'Warning', reason: string, message: string) => {
      const id = `${reason}|${message}`;
      if (done.has(id)) return;
      done.add(id);
      this.#config.events.record(ing, type, reason, message, SOURCE);
    };
    record('Normal', 'Sync', 'Scheduled for sync');
    for (const d of table.diagnostics) {
      if (d.ingress.namespace !== ing.metadata.namespace || d.ingress.name !== ing.metadata.name) continue;
      const e = eventFor(d);
      record(e.type, e.reason, d.message);
    }
  }
}
