/**
 * The dataplane: every socket netkube opens on behalf of the cluster. It binds
 * the listeners kube-proxy's Services call for (re-planned after every proxy
 * sync), executes each accepted connection along its planned path, gives every
 * pod a `PodNetwork`, serves kube-proxy's health checks (healthCheckNodePorts
 * and its own `/healthz` on 10256, `health-server.ts`), and runs the SOCKS gateway.
 */
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { NetworkReadModel } from '../cni/network-model.js';
import { type PodResolverConfig, queryForPod, resolveForPod } from '../dns/resolver.js';
import type { ClusterDnsView } from '../dns/zone.js';
import type { Logger } from '../log/index.js';
import { AffinityTable, IpvsState } from '../proxy/affinity.js';
import type { ProxyState, ServicePortInfo } from '../proxy/model.js';
import type { RuleSet } from '../proxy/ruleset.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Unsubscribe } from '../store/watch.js';
import type { HostPort } from '../topology/types.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { PodSandboxRegistry } from '../workloads/sandbox.js';
import type { PodNetwork } from '../workloads/types.js';
import { ConnectionExecutor } from './connections.js';
import { ConntrackTable } from './conntrack.js';
import { type FlowSink, NO_FLOWS } from './flow.js';
import { NodeHealthServer } from './health-server.js';
import { holdDropped } from './host-sockets.js';
import { planListeners } from './listener-plan.js';
import { ListenerSet, type ListenFailure, type ListenKey } from './listeners.js';
import type { Origin, PathPlan, PathWorld } from './path.js';
import { type SocksGateway, type SocksRequest, socksReplyForError, startSocksGateway } from './socks.js';
import { createPathWorld, type NodeProxyState } from './world.js';

export interface DataplaneNode {
  readonly name: string;
  readonly address: string;
}

/** What the dataplane needs from kube-proxy (the ProxyController). */
export interface ProxyView {
  ruleSet(node: string): RuleSet | undefined;
  state(): ProxyState;
  onSynced(listener: () => void): Unsubscribe;
}

export interface DataplaneConfig {
  readonly nodes: readonly DataplaneNode[];
  readonly proxy: ProxyView;
  readonly network: NetworkReadModel;
  readonly sandboxes: PodSandboxRegistry;
  readonly podSubnet: string;
  readonly serviceSubnet: string;
  readonly dns: ClusterDnsView;
  /** Resolves names outside the cluster (the host's resolver). */
  readonly lookupExternal: PodResolverConfig['lookupExternal'];
  /** SOCKS5 gateway address; none disables it. */
  readonly socks?: HostPort;
  /** The node the SOCKS gateway's connections come from. @default the first node */
  readonly gatewayNode?: string;
  readonly flows?: FlowSink;
  /** The object store: when given, NetworkPolicies are enforced (src/cni/policy). */
  readonly store?: ObjectStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** Called when a Service's externalIPs cannot be bound (not loopback), once per change. */
  readonly onUnbindable?: (service: string, ips: readonly string[]) => void;
  /** Called when listeners fail to bind (address in use, permission). */
  readonly onListenFailures?: (failures: readonly ListenFailure[]) => void;
  /**
   * The emulated kernel's connect timeout: how long a connect whose packets
   * are dropped waits for ETIMEDOUT when its caller sets none (a pod's, the
   * SOCKS gateway's). @default 10_000
   */
  readonly connectTimeoutMs?: number;
  /**
   * kube-proxy's health server port (`--healthz-bind-address`), served on every
   * node address; 0 turns it off. @default 10256
   */
  readonly healthzPort?: number;
}

export class Dataplane {
  readonly world: PathWorld;
  readonly executor: ConnectionExecutor;
  readonly conntrack: ConntrackTable;
  readonly #config: DataplaneConfig;
  readonly #listeners: ListenerSet;
  readonly #down = new Set<string>();
  readonly #nodeStates = new Map<string, NodeProxyState>();
  readonly #byAddress: Map<string, string>;
  /** kube-proxy's healthCheckNodePort and health (10256) servers. */
  readonly #health: NodeHealthServer;
  #vips = new Map<string, ServicePortInfo>();
  #rr = new Map<string, number>();
  #unbindable = new Map<string, string>();
  #unsubscribe: Unsubscribe | undefined;
  #socks: SocksGateway | undefined;
  #settled: Promise<unknown> = Promise.resolve();
  /** Plans wanted back by `netkube curl --trace` from the host, by client address. */
  #captures = new Map<string, (plan: PathPlan) => void>();

  constructor(config: DataplaneConfig) {
    this.#config = config;
    this.#byAddress = new Map(config.nodes.map((n) => [n.address, n.name]));
    this.conntrack = new ConntrackTable({ clock: config.clock });
    const nodeState = (node: string) => this.nodeProxyState(node);
    this.world = createPathWorld({
      nodes: config.nodes,
      ruleSet: (n) => config.proxy.ruleSet(n),
      network: config.network,
      sandboxes: config.sandboxes,
      podSubnet: config.podSubnet,
      serviceSubnet: config.serviceSubnet,
      downNodes: this.#down,
      nodeState,
      ...(config.store ? { store: config.store } : {}),
    });
    this.executor = new ConnectionExecutor({
      world: this.world,
      sandboxes: config.sandboxes,
      nodeState,
      conntrack: this.conntrack,
      flows: config.flows ?? NO_FLOWS,
      clock: config.clock,
      random: config.random,
      logger: config.logger,
      ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
    });
    this.#listeners = new ListenerSet({
      logger: config.logger,
      onConnection: (key, socket) => this.#onConnection(key, socket),
      onDatagram: (key, msg, remote, reply) =>
        this.executor.hostDatagram(key, msg, { ip: remote.address, port: remote.port }, reply, () =>
          this.#entryNode(key),
        ),
    });
    this.#health = new NodeHealthServer({
      nodesByAddress: this.#byAddress,
      proxyState: () => config.proxy.state(),
      node: (name) => config.store?.get('nodes', undefined, name),
      clock: config.clock,
      logger: config.logger,
      ...(config.healthzPort === undefined ? {} : { healthzPort: config.healthzPort }),
    });
  }

  /** kube-proxy's per-node kernel state (affinity lists, ipvs counters). */
  nodeProxyState(node: string): NodeProxyState {
    let s = this.#nodeStates.get(node);
    if (!s) {
      s = { affinity: new AffinityTable(), ipvs: new IpvsState({ now: () => this.#config.clock.now() }) };
      this.#nodeStates.set(node, s);
    }
    return s;
  }

  /**
   * Binds the listeners for the current Services and follows every proxy
   * sync: after each, kube-proxy's conntrack cleanup (UDP entries of
   * endpoints that stopped serving) and the listeners.
   */
  async start(): Promise<void> {
    this.#unsubscribe = this.#config.proxy.onSynced(() => {
      this.conntrack.cleanStaleEntries(this.#config.proxy.state());
      this.#settled = this.#reconcile();
    });
    this.#settled = this.#reconcile();
    await this.#settled;
    const socks = this.#config.socks;
    if (socks) {
      this.#socks = await startSocksGateway({
        host: socks.host,
        port: socks.port,
        logger: this.#config.logger,
        connect: (req) => this.#socksConnect(req),
      });
    }
  }

  /** Resolves once the listeners match the last proxy sync. */
  async whenSettled(): Promise<void> {
    await this.#settled;
  }

  /** The bound SOCKS address (port resolved when 0 was asked). */
  get socksAddress(): HostPort | undefined {
    return this.#socks?.address;
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.conntrack.stop();
    this.#health.close();
    await this.#listeners.close();
    await this.#socks?.close();
  }

  /** Fault injection: the node is down; everything addressed to it or its pods is dropped. */
  stopNode(name: string): void {
    this.#down.add(name);
  }

  startNode(name: string): void {
    this.#down.delete(name);
  }

  isNodeUp(name: string): boolean {
    return !this.#down.has(name);
  }

  /** Listeners that are wanted but could not be bound. */
  listenFailures(): ListenFailure[] {
    return this.#listeners.failures;
  }

  /** The network of one pod: outgoing connections, datagrams and name resolution. */
  podNetwork(pod: {
    readonly namespace: string;
    readonly name: string;
    readonly ip: string;
    readonly node: string;
  }): PodNetwork {
    const origin: Origin = { kind: 'pod', ...pod };
    return {
      connect: async (host, port, options) => {
        const ip = await this.#resolveHost(host, pod.namespace, pod);
        return (
          await this.executor.connect(
            origin,
            { ip, port },
            options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
          )
        ).socket;
      },
      udpRequest: async (host, port, payload, timeoutMs) => {
        const ip = await this.#resolveHost(host, pod.namespace, pod);
        return this.executor.datagram(origin, { ip, port }, payload, timeoutMs);
      },
      resolve: async (name) => {
        const fixed = hostsEntry(name, pod);
        if (fixed) return [fixed];
        return (
          await resolveForPod(
            { view: this.#config.dns, lookupExternal: this.#config.lookupExternal },
            name,
            pod.namespace,
          )
        ).addresses.slice();
      },
      query: (name, type) =>
        queryForPod({ view: this.#config.dns, lookupExternal: this.#config.lookupExternal }, name, type),
    };
  }

  /** A TCP connection from a node's host network (kubelet probes, `curl --from node/…`). */
  async connectFromNode(node: string, ip: string, port: number, timeoutMs?: number): Promise<Duplex> {
    const address = this.world.nodeAddress(node);
    if (!address) throw new Error(`Unknown node ${node}`);
    return (
      await this.executor.connect(
        { kind: 'node', node, ip: address },
        { ip, port },
        timeoutMs === undefined ? {} : { timeoutMs },
      )
    ).socket;
  }

  /** Resolves as a client in `namespace` would: hosts entries (of `pod`, when one asks), then cluster DNS. */
  async #resolveHost(
    host: string,
    namespace: string,
    pod?: { readonly name: string; readonly ip: string },
  ): Promise<string> {
    const fixed = hostsEntry(host, pod);
    if (fixed) return fixed;
    // The pod network is IPv4: an IPv6 literal has no route (and is never looked up on the host).
    if (isIP(host) === 6)
      throw Object.assign(new Error(`connect ENETUNREACH ${host}`), { code: 'ENETUNREACH', address: host });
    const r = await resolveForPod(
      { view: this.#config.dns, lookupExternal: this.#config.lookupExternal },
      host,
      namespace,
    );
    const ip = r.addresses[0];
    if (!ip)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
        hostname: host,
        syscall: 'getaddrinfo',
      });
    return ip;
  }

  /**
   * Asks for the plan of the next connection accepted from `ip:port` (a host
   * client that chose its local port), with hops. `cancel` if it never comes.
   */
  capturePlan(ip: string, port: number): { plan: Promise<PathPlan>; cancel(): void } {
    const key = `${ip}:${port}`;
    let cancel = () => {};
    const plan = new Promise<PathPlan>((resolve) => {
      this.#captures.set(key, resolve);
      cancel = () => this.#captures.delete(key);
    });
    return { plan, cancel };
  }

  #onConnection(key: ListenKey, socket: Socket): void {
    if (this.#health.owns(key)) {
      // kube-proxy's servers run on the node: a stopped node answers nothing, as for its NodePorts.
      if (this.#down.has(this.#byAddress.get(key.address) ?? ''))
        holdDropped(socket, this.#config.clock, 30_000);
      else this.#health.accept(socket);
      return;
    }
    const capture = this.#captures.size
      ? this.#captures.get(`${socket.remoteAddress}:${socket.remotePort}`)
      : undefined;
    if (capture) this.#captures.delete(`${socket.remoteAddress}:${socket.remotePort}`);
    const plan = this.executor.acceptHost(socket, key, this.#entryNode(key), capture !== undefined);
    if (capture) capture(plan);
  }

  /**
   * The nodes a connection to `key` may enter by: the owner of a node address;
   * for a LoadBalancer VIP or externalIP, the nodes an emulated load balancer
   * spreads over — those that are up, and for externalTrafficPolicy Local only
   * those whose health check passes (local ready endpoints), unless none does.
   * Empty for an address that is neither (nothing on the laptop answers it).
   * The tracer reads the same list.
   */
  entryCandidates(key: ListenKey): string[] {
    const owner = this.#byAddress.get(key.address);
    if (owner) return [owner];
    const svc = this.#vips.get(`${key.protocol}/${key.address}:${key.port}`);
    if (!svc) return [];
    const nodes = this.#config.nodes.map((n) => n.name).filter((n) => !this.#down.has(n));
    if (!svc.externalPolicyLocal) return nodes;
    const local = new Set(
      (this.#config.proxy.state().endpoints.get(svc.key) ?? [])
        .filter((e) => e.ready && e.nodeName)
        .map((e) => e.nodeName as string),
    );
    const healthy = nodes.filter((n) => local.has(n));
    return healthy.length ? healthy : nodes;
  }

  /** The node that receives a connection: round-robin over `entryCandidates`. */
  #entryNode(key: ListenKey): string | undefined {
    // A node address (every NodePort connection): its owner, without building a candidate list.
    const owner = this.#byAddress.get(key.address);
    if (owner) return owner;
    const nodes = this.entryCandidates(key);
    if (nodes.length <= 1) return nodes[0];
    const id = `${key.address}:${key.port}`;
    const i = this.#rr.get(id) ?? 0;
    this.#rr.set(id, i + 1);
    return nodes[i % nodes.length];
  }

  async #reconcile(): Promise<void> {
    const state = this.#config.proxy.state();
    const plan = planListeners(state, this.#config.nodes, { healthzPort: this.#health.healthzPort });
    this.#health.synced(plan.healthChecks);
    const vips = new Map<string, ServicePortInfo>();
    for (const svc of state.services.values()) {
      for (const ip of [...svc.loadBalancerVIPs, ...svc.externalIPs])
        vips.set(`${svc.protocol}/${ip}:${svc.port}`, svc);
    }
    this.#vips = vips;
    for (const [service, ips] of plan.unbindable) {
      const text = ips.join(',');
      if (this.#unbindable.get(service) !== text) this.#config.onUnbindable?.(service, ips);
    }
    this.#unbindable = new Map([...plan.unbindable].map(([k, v]) => [k, v.join(',')]));
    const result = await this.#listeners.reconcile(plan.keys);
    const failed = this.#health.withoutHealthzFailures(result.failed);
    if (failed.length) this.#config.onListenFailures?.(failed);
  }

  /**
   * A SOCKS CONNECT, made from the gateway node's host network: the name is
   * resolved as a client in `default` would, and the gateway answers as a
   * SOCKS server's own connect() would return (`socksReplyForError`).
   */
  #socksConnect(req: SocksRequest): void {
    const node = this.#config.gatewayNode ?? this.#config.nodes[0]?.name ?? '';
    const address = this.world.nodeAddress(node) ?? '127.0.0.1';
    const origin: Origin = { kind: 'node', node, ip: address };
    this.#resolveHost(req.target.host, 'default').then(
      (ip) => {
        if (req.signal.aborted) return;
        this.executor.attach(
          origin,
          { ip, port: req.target.port },
          {
            signal: req.signal,
            ready: () => req.accept(),
            failed: (err) => req.refuse(socksReplyForError(err.code)),
          },
        );
      },
      (err: NodeJS.ErrnoException) => req.refuse(socksReplyForError(err.code)),
    );
  }
}

/**
 * What a pod resolves without DNS: an address literal, and its `/etc/hosts`
 * (the kubelet writes `127.0.0.1 localhost` and `<pod IP> <pod hostname>`).
 */
function hostsEntry(host: string, pod?: { readonly name: string; readonly ip: string }): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host;
  if (host === 'localhost') return '127.0.0.1';
  if (pod && host === pod.name) return pod.ip;
  return undefined;
}
