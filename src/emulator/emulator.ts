/**
 * One running emulated cluster: the parts (`Cluster`), the API server with
 * every part's routes, the bootstrap objects, the atomic apply of `netkube up`'s
 * manifests, readiness, and the state directory its clients read. The CLI's
 * `up` runs one of these in the foreground or in a detached child process.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../api/types.js';
import { nodeExtensionRoutes } from '../controllers/kubelet/extension.js';
import { nodePortsOf } from '../controllers/service/allocation.js';
import { curlRoute } from '../dataplane/curl.js';
import { ingressExtensionRoutes } from '../ingress/index.js';
import type { Logger } from '../log/index.js';
import { proxyExtensionRoutes } from '../proxy/routes.js';
import { ApiServer } from '../server/api-server.js';
import { kubeconfigYaml } from '../server/kubeconfig.js';
import type { Topology } from '../topology/types.js';
import { FlowLog, flowRoutes, liveTraceDeps, traceRoutes } from '../trace/index.js';
import { type Clock, realClock } from '../util/clock.js';
import { type Random, systemRandom } from '../util/random.js';
import { podLogsFromStore } from '../workloads/pod-logs.js';
import { podExec, workloadRoutes } from '../workloads/routes.js';
import {
  dnsObjects,
  INGRESS_CONTROLLER_NAME,
  INGRESS_NAMESPACE,
  ingressObjects,
  systemObjects,
} from './bootstrap.js';
import { Cluster } from './cluster.js';
import { podPortForward } from './port-forward.js';
import { clusterReadiness, type Readiness } from './readiness.js';
import { type EmulatorStatus, emulatorRoutes } from './routes.js';
import type { EmulatorState } from './state.js';

export const NETKUBE_VERSION = '0.1.0';

export interface EmulatorOptions {
  readonly name: string;
  readonly topology: Topology;
  /** Where state.json and the kubeconfig go; none keeps nothing on disk (tests). */
  readonly stateDir?: string;
  readonly logFile?: string;
  /** The address slot the topology's defaults came from (recorded in state.json). */
  readonly slot?: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Where the dataplane records flows (`netkube flows`). @default a new bounded FlowLog */
  readonly flows?: FlowLog;
  readonly kubeletTiming?: { readonly imagePullMs?: number; readonly containerStartMs?: number };
}

export interface ApplyOutcome {
  readonly results: ReadonlyArray<{
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
    action: string;
  }>;
  readonly warnings: readonly string[];
}

interface ServicePort {
  readonly name?: string;
  readonly nodePort?: number;
}

/** A stable NodePort of the ingress addon that another Service held. */
interface TakenNodePort {
  readonly name: string;
  readonly nodePort: number;
  readonly holder: string;
}

function servicePorts(svc: KubeObject | undefined): readonly ServicePort[] {
  return (svc as { spec?: { ports?: ServicePort[] } } | undefined)?.spec?.ports ?? [];
}

export class Emulator {
  readonly name: string;
  readonly cluster: Cluster;
  readonly server: ApiServer;
  readonly topology: Topology;
  /** Every connection's flow record, newest kept (`GET /flows`). */
  readonly flows: FlowLog;
  readonly #options: EmulatorOptions;
  #apiUrl = '';
  #ingressScheduled = false;
  #stopping: Promise<void> | undefined;
  #shutdownRequested: () => void = () => {};
  readonly shutdownRequested: Promise<void>;

  private constructor(options: EmulatorOptions) {
    this.#options = options;
    this.name = options.name;
    this.topology = options.topology;
    const clock = options.clock ?? realClock;
    this.flows = options.flows ?? new FlowLog();
    this.cluster = new Cluster({
      topology: options.topology,
      clock,
      random: options.random ?? systemRandom,
      logger: options.logger,
      flows: this.flows,
      ...(options.kubeletTiming ? { kubeletTiming: options.kubeletTiming } : {}),
    });
    this.shutdownRequested = new Promise((resolve) => {
      this.#shutdownRequested = resolve;
    });
    const c = this.cluster;
    this.server = new ApiServer({
      registry: c.registry,
      store: c.store,
      clock,
      logger: options.logger.child({ component: 'apiserver' }),
      host: options.topology.api.host,
      port: options.topology.api.port,
      podLogs: podLogsFromStore(c.logs, clock),
      podExec: podExec(c.runtime),
      podPortForward: podPortForward({ store: c.store, sandboxes: c.sandboxes }),
      extensions: [
        ...emulatorRoutes({
          cluster: c,
          status: () => this.status(),
          shutdown: () => this.#shutdownRequested(),
        }),
        ...nodeExtensionRoutes({
          kubelets: c.kubelets,
          stopped: (n) => c.dataplane.stopNode(n),
          starting: (n) => c.dataplane.startNode(n),
        }),
        ...c.network.routes,
        ...proxyExtensionRoutes({
          controller: c.proxy,
          mode: options.topology.networking.proxyMode,
          ipvsConnections: (node) => c.dataplane.nodeProxyState(node).ipvs,
        }),
        ...workloadRoutes(c.runtime, { store: c.store }),
        ...ingressExtensionRoutes({ registry: c.registry, store: c.store, clock }),
        ...traceRoutes({
          deps: liveTraceDeps({
            world: c.dataplane.world,
            store: c.store,
            nodes: options.topology.nodes.map((n) => ({ name: n.name, address: n.address })),
            dns: { view: c.dnsView, lookupExternal: c.lookupExternal },
            clock,
            entryNodes: (key) => c.dataplane.entryCandidates(key),
            ...(options.topology.ingress.enabled
              ? { ingressService: { namespace: INGRESS_NAMESPACE, name: INGRESS_CONTROLLER_NAME } }
              : {}),
          }),
          ...(options.random ? { random: options.random } : {}),
        }),
        ...flowRoutes({ log: this.flows }),
        curlRoute({
          dataplane: c.dataplane,
          pod: (namespace, name) => {
            const a = c.network.model.pod(namespace, name);
            return a ? { ip: a.ip, node: a.node } : undefined;
          },
        }),
      ],
    });
  }

  /**
   * Creates and starts an emulator: bootstrap objects, every part, the API
   * server, then CoreDNS. Rejects (and leaves nothing running) when an address
   * is taken or a part fails to start.
   */
  static async start(options: EmulatorOptions): Promise<Emulator> {
    const emulator = new Emulator(options);
    try {
      await emulator.#start();
    } catch (err) {
      await emulator.stop().catch(() => undefined);
      throw err;
    }
    return emulator;
  }

  async #start(): Promise<void> {
    const c = this.cluster;
    c.store.transaction(() => {
      for (const obj of systemObjects(this.topology)) c.registry.create(obj);
    });
    await c.start();
    this.#apiUrl = (await this.server.start()).url;
    c.store.transaction(() => {
      for (const obj of dnsObjects(this.topology)) c.registry.create(obj);
    });
    if (this.topology.ingress.enabled) {
      c.store.subscribe('ingresses.networking.k8s.io', () => this.#scheduleIngressInstall());
    }
    this.#writeState();
  }

  get apiUrl(): string {
    return this.#apiUrl;
  }

  /**
   * Applies manifests atomically (all or nothing), exactly as `netkube apply`.
   * The cluster's first Ingress brings the ingress addon in after them, so
   * NodePorts they ask for are theirs.
   */
  apply(
    objects: readonly KubeObject[],
    sources: ReadonlyArray<{ file?: string; line?: number }> = [],
  ): ApplyOutcome {
    return this.server.apply({ objects, sources });
  }

  /**
   * Installs the ingress-nginx addon: the first Ingress in the cluster brings
   * it in (so clusters without Ingresses keep NodePorts 30080/30443 free), and
   * any later Ingress change puts back what was deleted of it, as minikube's
   * addon manager reconciles its addons. A store notification cannot write to
   * the store, so this runs on the next turn of the event loop.
   */
  #scheduleIngressInstall(): void {
    if (this.#ingressScheduled) return;
    this.#ingressScheduled = true;
    setImmediate(() => {
      this.#ingressScheduled = false;
      this.#installIngress();
    });
  }

  /**
   * When one of the topology's stable NodePorts is already held by another
   * Service (the `web` example's 30080, say), the controller's port gets a free
   * one instead, as for any Service without a `nodePort`, and a Warning event on
   * the controller Service says which port it got and who holds the stable one:
   * the Ingresses still answer, on that port and on the LoadBalancer IP. Only
   * missing objects are created; a failure is retried on the next Ingress change.
   */
  #installIngress(): void {
    const c = this.cluster;
    if (this.#stopping) return;
    const missing = ingressObjects(this.topology).filter(
      (obj) =>
        !c.registry.tryGet(c.registry.resourceOf(obj), obj.metadata.namespace, obj.metadata.name ?? ''),
    );
    // Every Ingress change asks: nothing to do when the addon is whole.
    if (missing.length === 0) return;
    const log = this.#options.logger;
    try {
      const taken: TakenNodePort[] = [];
      c.store.transaction(() => {
        for (const obj of missing)
          c.registry.create(obj.kind === 'Service' ? this.#freeNodePorts(obj, taken) : obj);
      });
      const svc = c.store.get('services', INGRESS_NAMESPACE, INGRESS_CONTROLLER_NAME);
      for (const t of taken) {
        const got = servicePorts(svc).find((p) => p.name === t.name)?.nodePort;
        const message = `nodePort ${t.nodePort} for port ${t.name} is already allocated to Service ${t.holder}, so ${INGRESS_CONTROLLER_NAME} got nodePort ${got ?? '(none)'} instead; the LoadBalancer IP still answers on the Service port`;
        log.warn({ nodePort: t.nodePort, holder: t.holder, got }, `Ingress addon: ${message}`);
        if (svc) c.events.record(svc, 'Warning', 'NodePortInUse', message, { component: 'netkube' });
      }
    } catch (err) {
      log.error({ err: String(err) }, 'Could not install the ingress addon; the next Ingress change retries');
    }
  }

  /** The controller Service without the stable NodePorts other Services already hold. */
  #freeNodePorts(svc: KubeObject, taken: TakenNodePort[]): KubeObject {
    const holders = new Map<number, string>();
    for (const other of this.cluster.store.list('services'))
      for (const p of nodePortsOf(other))
        holders.set(p, `${other.metadata.namespace ?? ''}/${other.metadata.name ?? ''}`);
    const spec = (svc as { spec?: object }).spec ?? {};
    const ports = servicePorts(svc).map((p) => {
      const holder = p.nodePort === undefined ? undefined : holders.get(p.nodePort);
      if (p.nodePort === undefined || holder === undefined) return p;
      taken.push({ name: p.name ?? '', nodePort: p.nodePort, holder });
      const { nodePort: _, ...rest } = p;
      return rest;
    });
    return { ...svc, spec: { ...spec, ports } } as KubeObject;
  }

  /** Where the cluster stands. */
  readiness(): Readiness {
    return clusterReadiness(this.cluster.store);
  }

  /**
   * Waits until the cluster has settled (nodes, pods and Deployments ready), or
   * every pod that is not ready is stuck, or the timeout passes. Resolves with
   * the last readiness either way.
   */
  async waitReady(
    options: { timeoutMs?: number; onProgress?: (r: Readiness) => void } = {},
  ): Promise<Readiness> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      await this.cluster.dataplane.whenSettled();
      const r = this.readiness();
      options.onProgress?.(r);
      const settled = r.waiting.length === 0 && this.cluster.controllers.controllers.every((c) => c.idle);
      // Ready means the rules are in too: kube-proxy syncs on a timer after the last change.
      const synced = !this.cluster.proxy.syncPending;
      if ((synced && (r.ready || (settled && r.nodes.ready === r.nodes.total))) || Date.now() > deadline)
        return r;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  status(): EmulatorStatus {
    const r = this.readiness();
    const stopped = (n: string) => !this.cluster.dataplane.isNodeUp(n);
    const nodes = this.cluster.store.list('nodes');
    return {
      name: this.name,
      version: NETKUBE_VERSION,
      apiUrl: this.#apiUrl,
      nodes: this.topology.nodes.map((n) => {
        const obj = nodes.find((o) => o.metadata.name === n.name) as
          | { status?: { conditions?: Array<{ type?: string; status?: string }> } }
          | undefined;
        const ready = (obj?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        return { name: n.name, address: n.address, role: n.role, ready, stopped: stopped(n.name) };
      }),
      dns: this.cluster.dnsAddress,
      socks: this.cluster.dataplane.socksAddress,
      pods: r.pods,
      listenFailures: this.cluster.dataplane
        .listenFailures()
        .map((f) => `${f.key.address}:${f.key.port}: ${f.code}`),
    };
  }

  /** Stops everything and removes the state file. Safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.server.stop();
      await this.cluster.stop();
      if (this.#options.stateDir) rmSync(join(this.#options.stateDir, 'state.json'), { force: true });
    })();
    return this.#stopping;
  }

  #writeState(): void {
    const dir = this.#options.stateDir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const kubeconfig = join(dir, 'kubeconfig');
    // Written before `up -d` reports ready, so kubectl can use it at once.
    const tmp = `${kubeconfig}.${process.pid}.tmp`;
    writeFileSync(tmp, kubeconfigYaml({ clusterName: this.topology.name, server: this.#apiUrl }), {
      mode: 0o600,
    });
    renameSync(tmp, kubeconfig);
    const state: EmulatorState = {
      name: this.name,
      pid: process.pid,
      slot: this.#options.slot ?? 0,
      apiUrl: this.#apiUrl,
      kubeconfig,
      logFile: this.#options.logFile ?? '',
      dns: this.cluster.dnsAddress ?? this.topology.dns,
      socks: this.cluster.dataplane.socksAddress ?? this.topology.socks,
      topologyFile: this.topology.source,
      startedAt: new Date().toISOString(),
      nodes: this.topology.nodes.map((n) => ({ name: n.name, address: n.address, role: n.role })),
    };
    writeFileSync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  }
}
