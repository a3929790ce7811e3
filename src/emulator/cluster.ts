/**
 * Builds every part of an emulated cluster from its topology and wires the
 * seams between them (the composition root): store and registry, control loop,
 * kubelets with the CNI plugin, simulated runtime and prober, kube-proxy, the
 * dataplane, cluster DNS and the API server with every part's extension routes.
 * `start()` brings them up in dependency order; `stop()` takes them down in
 * reverse. Nothing here decides cluster behaviour: each part does.
 */
import { promises as dnsPromises } from 'node:dns';
import { setDefaultTolerationSeconds, setEmulatedRoutableRanges } from '../api/index.js';
import { PodNetworkStack } from '../cni/stack.js';
import { DeploymentController } from '../controllers/deployment/controller.js';
import { GarbageCollector } from '../controllers/gc/controller.js';
import { Kubelets } from '../controllers/kubelet/kubelets.js';
import { NamespaceController } from '../controllers/namespace/controller.js';
import { NodeLifecycleController } from '../controllers/node-lifecycle/node-lifecycle-controller.js';
import { ReplicaSetController } from '../controllers/replicaset/controller.js';
import { EventRecorder } from '../controllers/runtime/events.js';
import { ControllerManager } from '../controllers/runtime/manager.js';
import { Scheduler } from '../controllers/scheduler/scheduler.js';
import { serviceAllocationPlugin } from '../controllers/service/allocation.js';
import { EndpointsController } from '../controllers/service/endpoints-controller.js';
import { EndpointSliceController } from '../controllers/service/endpointslice-controller.js';
import { LoadBalancerController } from '../controllers/service/loadbalancer-controller.js';
import { Dataplane } from '../dataplane/dataplane.js';
import { type FlowSink, NO_FLOWS } from '../dataplane/flow.js';
import { httpFlowObserver } from '../dataplane/flow-http.js';
import type { ListenFailure } from '../dataplane/listeners.js';
import { type RunningDnsServer, startDnsServer } from '../dns/server.js';
import { storeDnsView } from '../dns/store-view.js';
import { hostNameservers } from '../dns/upstream.js';
import type { ClusterDnsView } from '../dns/zone.js';
import {
  defaultIngressClassAdmission,
  IngressStatusController,
  ingressControllerProfile,
  ingressNginxValidationAdmission,
  storeClusterView,
} from '../ingress/index.js';
import { ipPoolAdmission } from '../ipam/admission.js';
import type { Logger } from '../log/index.js';
import { ProxyController } from '../proxy/controller.js';
import { ObjectStore } from '../store/object-store.js';
import { type AdmissionPlugin, Registry } from '../store/registry.js';
import type { Topology } from '../topology/types.js';
import type { Clock } from '../util/clock.js';
import { forkRandom, type Random } from '../util/random.js';
import { createAppFactory } from '../workloads/catalogue.js';
import { LogStore } from '../workloads/logs.js';
import { SimulatedProber } from '../workloads/prober.js';
import { SimulatedContainerRuntime } from '../workloads/runtime.js';
import { PodSandboxRegistry } from '../workloads/sandbox.js';
import { serviceIP } from './bootstrap.js';
import { corednsProfile } from './coredns-image.js';
import { emfileMessage, readFdLimits } from './fd-limit.js';
import { podIpFormatter, storeObjectLookup } from './lookup.js';

export interface ClusterConfig {
  readonly topology: Topology;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly flows?: FlowSink;
  /** Extra admission plugins (the ingress class defaulting, tests). */
  readonly admission?: readonly AdmissionPlugin[];
  /** Kubelet delays; 0 everywhere makes pods Ready as fast as the control loop allows. */
  readonly kubeletTiming?: { readonly imagePullMs?: number; readonly containerStartMs?: number };
}

/** The parts of a running cluster, for the emulator and for tests. */
export class Cluster {
  readonly topology: Topology;
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly events: EventRecorder;
  readonly network: PodNetworkStack;
  readonly proxy: ProxyController;
  readonly dnsView: ClusterDnsView & { close(): void };
  /** Resolves names outside the cluster zone with the host's resolver. */
  readonly lookupExternal: (name: string) => Promise<string[]>;
  readonly sandboxes = new PodSandboxRegistry();
  readonly logs: LogStore;
  readonly dataplane: Dataplane;
  readonly runtime: SimulatedContainerRuntime;
  readonly prober: SimulatedProber;
  readonly kubelets: Kubelets;
  readonly controllers: ControllerManager;
  readonly upstreamDns: readonly string[];
  #dnsServer: RunningDnsServer | undefined;
  readonly #abort = new AbortController();
  readonly #logger: Logger;
  /**
   * The open-files limit, read while descriptors are still free: once listeners
   * fail with EMFILE, /proc/self/limits (or a `sh -c ulimit`) cannot be opened
   * either, and the message would not name the limit.
   */
  readonly #fdLimits = readFdLimits();

  constructor(config: ClusterConfig) {
    const { topology, clock, logger } = config;
    // One random stream per consumer, forked in this fixed order: the scheduler's tie-breaks
    // (which node a pod lands on) must not shift with how many names the registry generated
    // or how many endpoint choices the dataplane made before, which depends on timing.
    const random = {
      allocation: forkRandom(config.random),
      registry: forkRandom(config.random),
      dataplane: forkRandom(config.random),
      runtime: forkRandom(config.random),
      scheduler: forkRandom(config.random),
    };
    const net = topology.networking;
    this.topology = topology;
    this.#logger = logger;
    setEmulatedRoutableRanges([net.nodeSubnet, net.loadBalancerPool]);
    setDefaultTolerationSeconds(topology.nodeLifecycle.podEvictionTimeoutSeconds);
    this.store = new ObjectStore();
    const allocation = serviceAllocationPlugin({
      serviceSubnet: net.serviceSubnet,
      nodePortRange: net.nodePortRange,
      random: random.allocation,
    });
    this.registry = new Registry({
      store: this.store,
      clock,
      random: random.registry,
      admission: [
        allocation,
        ipPoolAdmission({ serviceSubnet: net.serviceSubnet }),
        defaultIngressClassAdmission(),
        ingressNginxValidationAdmission(),
        ...(config.admission ?? []),
      ],
    });
    const child = (component: string) => logger.child({ component });
    this.events = new EventRecorder({ registry: this.registry, clock, logger: child('events') });
    const base = { registry: this.registry, store: this.store, clock };
    this.network = new PodNetworkStack({
      registry: this.registry,
      clock,
      logger: child('cni'),
      networking: net,
      events: this.events,
    });
    this.proxy = new ProxyController({
      store: this.store,
      nodes: topology.nodes.map((n) => ({ name: n.name, ips: [n.address], labels: n.labels })),
      mode: net.proxyMode,
      podCIDR: net.podSubnet,
      serviceCIDRs: [net.serviceSubnet],
      emulatedAddressRanges: [net.nodeSubnet, net.loadBalancerPool],
      // Each node's iptables is a modern one, so kube-proxy adds `--random-fully` to its
      // MASQUERADE rule (HasRandomFully); the upstream golden dumps are without it.
      compileOptions: { ipvsScheduler: net.ipvsScheduler, masqueradeFullyRandom: true },
      clock,
      logger: child('proxy'),
    });
    const dnsIP = serviceIP(topology, 10);
    this.dnsView = storeDnsView({
      store: this.store,
      clock,
      clusterDomain: net.clusterDomain,
      dnsServiceIP: dnsIP,
    });
    this.upstreamDns = hostNameservers();
    const lookupExternal = (name: string) => dnsPromises.resolve4(name).catch(() => [] as string[]);
    this.lookupExternal = lookupExternal;
    this.logs = new LogStore({ clock });
    this.dataplane = new Dataplane({
      nodes: topology.nodes.map((n) => ({ name: n.name, address: n.address })),
      proxy: {
        ruleSet: (n) => this.proxy.ruleSet(n),
        state: () => this.proxy.state(),
        onSynced: (fn) => this.proxy.onSynced(() => fn()),
      },
      network: this.network.model,
      sandboxes: this.sandboxes,
      podSubnet: net.podSubnet,
      serviceSubnet: net.serviceSubnet,
      dns: this.dnsView,
      lookupExternal,
      socks: topology.socks,
      gatewayNode:
        topology.nodes.find((n) => n.role === 'control-plane')?.name ?? topology.nodes[0]?.name ?? '',
      flows: config.flows ?? NO_FLOWS,
      store: this.store,
      clock,
      random: random.dataplane,
      logger: child('dataplane'),
      onUnbindable: (service, ips) => this.#unbindable(service, ips),
      onListenFailures: (failures) => this.#listenFailures(failures),
    });
    this.runtime = new SimulatedContainerRuntime({
      clock,
      logger: child('runtime'),
      random: random.runtime,
      sandboxes: this.sandboxes,
      logs: this.logs,
      podNetwork: (p) =>
        this.dataplane.podNetwork({ namespace: p.namespace, name: p.name, ip: p.ip, node: p.nodeName }),
      lookup: storeObjectLookup(this.store),
      dns: { nameserver: dnsIP, clusterDomain: net.clusterDomain },
      ipFormatter: podIpFormatter(this.network.model),
      // Every HTTP request an app or the ingress controller answers becomes an L7 flow.
      ...(config.flows
        ? {
            httpFlows: httpFlowObserver(
              config.flows,
              this.dataplane.world,
              (ip) => this.network.model.nodeByTunnel(ip),
              () => this.network.model.version,
            ),
          }
        : {}),
      appFactory: createAppFactory([
        corednsProfile({ view: this.dnsView, upstream: this.upstreamDns, lookupExternal }),
        ingressControllerProfile({ view: storeClusterView(this.store) }),
      ]),
    });
    this.prober = new SimulatedProber({
      clock,
      runtime: this.runtime,
      connectFromNode: (node, ip, port) => this.dataplane.connectFromNode(node, ip, port),
    });
    this.kubelets = new Kubelets({
      ...base,
      nodes: topology.nodes,
      logger: child('kubelet'),
      events: this.events,
      network: this.network.plugin,
      runtime: this.runtime,
      prober: this.prober,
      timing: {
        heartbeatMs: topology.nodeLifecycle.heartbeatSeconds * 1000,
        ...(config.kubeletTiming ?? {}),
      },
    });
    const withEvents = { ...base, events: this.events };
    this.controllers = new ControllerManager({
      logger: child('controller-manager'),
      controllers: [
        new NamespaceController({ ...base, logger: child('controller/namespace') }),
        new GarbageCollector({ ...base, logger: child('controller/garbage-collector') }),
        new DeploymentController({ ...withEvents, logger: child('controller/deployment') }),
        new ReplicaSetController({ ...withEvents, logger: child('controller/replicaset') }),
        new Scheduler({ ...withEvents, random: random.scheduler, logger: child('scheduler') }),
        new EndpointSliceController({ ...base, logger: child('controller/endpointslice') }),
        new EndpointsController({ ...base, logger: child('controller/endpoints') }),
        new IngressStatusController({ ...withEvents, logger: child('controller/ingress-status') }),
        new LoadBalancerController({
          ...withEvents,
          logger: child('controller/loadbalancer'),
          pool: net.loadBalancerPool,
        }),
        new NodeLifecycleController({
          ...withEvents,
          logger: child('controller/node-lifecycle'),
          lifecycle: topology.nodeLifecycle,
        }),
      ],
    });
  }

  /** Starts every part; the API server is started by the emulator once routes are known. */
  async start(): Promise<void> {
    const signal = this.#abort.signal;
    this.network.start(signal);
    this.proxy.start(signal);
    this.controllers.start(signal);
    this.kubelets.start(signal);
    await this.dataplane.start();
    this.#dnsServer = await startDnsServer({
      host: this.topology.dns.host,
      port: this.topology.dns.port,
      view: this.dnsView,
      logger: this.#logger.child({ component: 'dns' }),
      upstream: this.upstreamDns,
      lookupExternal: (name) => dnsPromises.resolve4(name).catch(() => []),
    });
  }

  /** The DNS server's bound address. */
  get dnsAddress(): { host: string; port: number } | undefined {
    const a = this.#dnsServer?.udp.address();
    return a ? { host: a.address, port: a.port } : undefined;
  }

  /** Stops everything, newest first. Safe to call twice. */
  async stop(): Promise<void> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    const step = async (name: string, fn: () => unknown) => {
      const t = performance.now();
      await fn();
      timings[name] = Math.round(performance.now() - t);
    };
    this.#abort.abort();
    await step('kubelets', () => this.kubelets.stop());
    await step('controllers', () => this.controllers.stop());
    await step('proxy', () => this.proxy.stop());
    await step('network', () => this.network.stop());
    await step('dataplane', () => this.dataplane.stop());
    await step('dns', () => this.#dnsServer?.close());
    this.#dnsServer = undefined;
    this.dnsView.close();
    this.#logger.info({ elapsedMs: Math.round(performance.now() - started), ...timings }, 'Cluster stopped');
  }

  /**
   * Listeners that could not be bound are logged, one line per error code of a
   * batch (a big cluster short of descriptors fails thousands at once): the
   * first address, how many failed, and for running out of descriptors the
   * limit and the fix.
   */
  #listenFailures(failures: readonly ListenFailure[]): void {
    const log = this.#logger.child({ component: 'dataplane' });
    const byCode = new Map<string, ListenFailure[]>();
    for (const f of failures) {
      const group = byCode.get(f.code);
      if (group) group.push(f);
      else byCode.set(f.code, [f]);
    }
    for (const [code, group] of byCode) {
      const first = group[0] as ListenFailure;
      const address = `${first.key.address}:${first.key.port}`;
      const more = group.length > 1 ? ` (and ${group.length - 1} more listeners)` : '';
      const fields = { listener: address, failed: group.length, code };
      if (code === 'EMFILE' || code === 'ENFILE')
        log.error(fields, `${emfileMessage(address, this.#fdLimits)}${more}`);
      else log.warn(fields, `Cannot listen: ${first.message}${more}`);
    }
  }

  #unbindable(service: string, ips: readonly string[]): void {
    const [namespace, name] = service.split('/') as [string, string];
    const svc = this.store.get('services', namespace, name);
    if (!svc) return;
    this.events.record(
      svc,
      'Warning',
      'ExternalIPNotBound',
      `externalIPs ${ips.join(', ')} are not loopback addresses, so netkube cannot bind them on this machine: they answer from pods, from \`netkube curl --from node/NAME\`, from traces and through the SOCKS gateway, not from the laptop directly`,
      { component: 'netkube-dataplane' },
    );
  }
}
