/**
 * A MetalLB-like load-balancer controller: gives each `type: LoadBalancer`
 * Service an address from the topology's loopback pool and publishes it in
 * `status.loadBalancer.ingress` (Kubernetes itself assigns no LB addresses; a
 * cloud controller does — netkube's is this one). The dataplane then binds the
 * address's ports. Requests for a specific address (`spec.loadBalancerIP`,
 * `metallb.universe.tf/loadBalancerIPs`) are honoured when free; an exhausted
 * pool leaves the Service `<pending>` with a Warning event, as MetalLB does,
 * until an address is given back: then every Service still waiting is retried.
 */
import type { KubeObject, Service } from '../../api/types.js';
import type { Logger } from '../../log/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Registry } from '../../store/registry.js';
import type { Unsubscribe } from '../../store/watch.js';
import type { Clock } from '../../util/clock.js';
import { type Cidr, cidrContains, formatIPv4, parseCidr, parseIPv4 } from '../../util/ipv4.js';
import { Controller } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ManagedController } from '../runtime/manager.js';

export const LB_IP_INDEX = 'loadBalancerIP';
const REQUEST_ANNOTATION = 'metallb.universe.tf/loadBalancerIPs';

export interface LoadBalancerControllerConfig {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  /** Loopback CIDR addresses come from (topology `networking.loadBalancerPool`). */
  readonly pool: string;
}

type Svc = Service & KubeObject;

function ingressIPs(svc: KubeObject): string[] {
  return ((svc as Svc).status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip)
    .filter((ip): ip is string => Boolean(ip));
}

export class LoadBalancerController implements ManagedController {
  readonly name = 'loadbalancer';
  readonly #config: LoadBalancerControllerConfig;
  readonly #pool: Cidr;
  readonly #controller: Controller;
  #unsubscribe: Unsubscribe | undefined;

  constructor(config: LoadBalancerControllerConfig) {
    const pool = parseCidr(config.pool);
    if (!pool) throw new Error(`Invalid load balancer pool ${config.pool}`);
    this.#config = config;
    this.#pool = pool;
    config.store.addIndex('services', LB_IP_INDEX, ingressIPs);
    this.#controller = new Controller({
      name: 'loadbalancer',
      clock: config.clock,
      logger: config.logger,
      reconcile: (k) => this.reconcile(k),
    });
  }

  start(signal: AbortSignal): void {
    const { store } = this.#config;
    this.#unsubscribe = store.subscribe('services', (e) => {
      this.#controller.enqueue(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
      // An address given back (Service deleted, or no longer a LoadBalancer) goes to
      // the Services still waiting for one, as MetalLB re-checks them all.
      const released =
        e.type === 'DELETED'
          ? ingressIPs(e.object).length > 0
          : e.type === 'MODIFIED' && ingressIPs(e.previous).some((ip) => !ingressIPs(e.object).includes(ip));
      if (released) for (const k of this.#pending()) this.#controller.enqueue(k);
    });
    for (const s of store.list('services'))
      this.#controller.enqueue(`${s.metadata.namespace}/${s.metadata.name}`);
    this.#controller.start(signal);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#controller.stop();
  }

  get idle(): boolean {
    return this.#controller.idle;
  }

  whenIdle(): Promise<void> {
    return this.#controller.whenIdle();
  }

  reconcile(key: string): void {
    const { store, registry } = this.#config;
    const [namespace, name] = key.split('/') as [string, string];
    const svc = store.get<Svc>('services', namespace, name);
    if (!svc) return;
    const current = ingressIPs(svc);
    const wantsLB = svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
    if (!wantsLB) {
      if (current.length)
        registry.update({ ...svc, status: { ...svc.status, loadBalancer: {} } }, { subresource: 'status' });
      return;
    }
    const requested = this.#requested(svc);
    if (current.length && (!requested || current[0] === requested)) return;
    const ip = requested ?? this.#nextFree(svc);
    if (!ip) {
      this.#config.events.record(
        svc,
        'Warning',
        'AllocationFailed',
        `Failed to allocate IP for "${key}": no available IPs`,
        { component: 'metallb-controller' },
      );
      return;
    }
    const problem = this.#problem(ip, svc);
    if (problem) {
      this.#config.events.record(
        svc,
        'Warning',
        'AllocationFailed',
        `Failed to allocate IP for "${key}": ${problem}`,
        { component: 'metallb-controller' },
      );
      return;
    }
    registry.update(
      { ...svc, status: { ...svc.status, loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } },
      { subresource: 'status' },
    );
    this.#config.events.record(svc, 'Normal', 'IPAllocated', `Assigned IP ["${ip}"]`, {
      component: 'metallb-controller',
    });
  }

  /** Keys of the LoadBalancer Services without an address. */
  #pending(): string[] {
    return this.#config.store
      .list<Svc>('services')
      .filter((s) => s.spec?.type === 'LoadBalancer' && !s.spec.loadBalancerClass && !ingressIPs(s).length)
      .map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
  }

  #requested(svc: Svc): string | undefined {
    return (
      svc.metadata.annotations?.[REQUEST_ANNOTATION]?.split(',')[0]?.trim() ||
      svc.spec?.loadBalancerIP ||
      undefined
    );
  }

  #problem(ip: string, svc: Svc): string | undefined {
    const n = parseIPv4(ip);
    if (n === undefined || !cidrContains(this.#pool, n)) return `["${ip}"] is not allowed in config`;
    const holders = this.#config.store
      .byIndex('services', LB_IP_INDEX, ip)
      .filter((s) => s.metadata.uid !== svc.metadata.uid);
    if (holders.length)
      return `can't change sharing key for "${svc.metadata.namespace}/${svc.metadata.name}", address also in use by ${holders[0]?.metadata.namespace}/${holders[0]?.metadata.name}`;
    return undefined;
  }

  #nextFree(svc: Svc): string | undefined {
    const first = this.#pool.size > 2 ? 1 : 0;
    const last = this.#pool.size > 2 ? this.#pool.size - 2 : this.#pool.size - 1;
    for (let i = first; i <= last; i++) {
      const ip = formatIPv4(this.#pool.base + i);
      if (!this.#problem(ip, svc)) return ip;
    }
    return undefined;
  }
}
