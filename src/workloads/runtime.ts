/**
 * The simulated container runtime the kubelet drives (`ContainerRuntime`):
 * starts containers from the image catalogue into their pod's sandbox,
 * resolves their environment, and keeps them addressable for `netkube exec`,
 * `pod kill`, `pod fail-readiness`, exec probes and logs. Restarting a
 * container creates a fresh app, filesystem and fault state; its previous
 * output stays readable with `--previous`.
 */
import type { Pod } from '../api/types.js';
import type {
  ContainerHandle,
  ContainerRuntime,
  ContainerStartRequest,
} from '../controllers/kubelet/runtime.js';
import type { Logger } from '../log/index.js';
import type { Clock } from '../util/clock.js';
import { NetkubeError } from '../util/errors.js';
import type { Random } from '../util/random.js';
import { createApp, profileFor } from './catalogue.js';
import { SimulatedContainer } from './container.js';
import { expandReferences, type ObjectLookup, resolveContainerEnv } from './env.js';
import type { DnsConfig, IpFormatter } from './exec/context.js';
import type { RunResult } from './exec/run.js';
import { parseFaultAnnotations } from './faults.js';
import { startFailure } from './images/base.js';
import { containerLogKey, type LogStore } from './logs.js';
import type { PodSandboxRegistry } from './sandbox.js';
import type { AppFactory, L4Protocol, PodNetwork } from './types.js';

/** The pod identity a `PodNetwork` is made for. */
export interface PodNetworkRequest {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly nodeName: string;
}

export interface SimulatedRuntimeConfig {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: Random;
  readonly sandboxes: PodSandboxRegistry;
  readonly logs: LogStore;
  /** The dataplane's outbound network of a pod (source address = pod IP). */
  readonly podNetwork: (pod: PodNetworkRequest) => PodNetwork;
  /** ConfigMaps, Secrets and Services for env resolution. */
  readonly lookup?: ObjectLookup;
  /** `ip addr`/`ip route` formatters from the CNI part (a Calico-style default otherwise). */
  readonly ipFormatter?: IpFormatter;
  /** @default { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' } */
  readonly dns?: DnsConfig;
  /** Upper bound of one exec (ms). @default 60_000 */
  readonly execTimeoutMs?: number;
  /** Overrides the catalogue (tests). */
  readonly appFactory?: AppFactory;
}

/** A pod or container the runtime does not run; `reason` says which. */
export class ContainerNotFoundError extends NetkubeError {
  readonly reason: 'pod' | 'container' | 'not-running';

  constructor(reason: ContainerNotFoundError['reason'], message: string) {
    super('ERR_CONTAINER_NOT_FOUND', message);
    this.reason = reason;
  }
}

const DEFAULT_DNS: DnsConfig = { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' };

/** The emulator's container runtime. */
export class SimulatedContainerRuntime implements ContainerRuntime {
  readonly #config: SimulatedRuntimeConfig;
  readonly #dns: DnsConfig;
  /** `namespace/pod` → container name → current instance. */
  readonly #pods = new Map<string, Map<string, SimulatedContainer>>();

  constructor(config: SimulatedRuntimeConfig) {
    this.#config = config;
    this.#dns = config.dns ?? DEFAULT_DNS;
    if (config.execTimeoutMs !== undefined && !(config.execTimeoutMs > 0))
      throw new RangeError('execTimeoutMs must be positive');
  }

  start(request: ContainerStartRequest): ContainerHandle {
    const { pod, container, podIP, nodeName } = request;
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const sandbox = this.#config.sandboxes.ensure({
      namespace,
      name,
      uid: pod.metadata?.uid ?? '',
      ip: podIP,
      nodeName,
    });
    const { profile, ref } = profileFor(container.image ?? '');
    const resolved = resolveContainerEnv({
      pod,
      container,
      podIP,
      nodeName,
      imageEnv: profile.env(ref),
      lookup: this.#config.lookup,
    });
    const env = 'env' in resolved ? resolved.env : {};
    const plan = parseFaultAnnotations(pod.metadata?.annotations);
    for (const d of plan.diagnostics) this.#config.logger.warn({ pod: `${namespace}/${name}` }, d);
    const faultPlan =
      plan.plan && (plan.plan.container === undefined || plan.plan.container === container.name)
        ? plan.plan
        : undefined;
    const spec = pod.spec;
    const hostname = spec?.hostname ?? name;
    const handle = new SimulatedContainer({
      key: containerLogKey(namespace, name, container.name),
      ctx: {
        pod: {
          name,
          namespace,
          uid: pod.metadata?.uid ?? '',
          ip: podIP,
          nodeName,
          hostname,
          labels: pod.metadata?.labels ?? {},
          annotations: pod.metadata?.annotations ?? {},
        },
        container: {
          name: container.name,
          image: container.image ?? '',
          command: (container.command ?? []).map((c) => expandReferences(c, env)),
          args: (container.args ?? []).map((a) => expandReferences(a, env)),
          env,
          ports: container.ports ?? [],
        },
        clock: this.#config.clock,
        random: this.#config.random,
        network: this.#config.podNetwork({ namespace, name, ip: podIP, nodeName }),
      },
      profile,
      ref,
      factory:
        'error' in resolved
          ? () => startFailure(1, `Error: ${resolved.error}`)
          : (this.#config.appFactory ?? createApp),
      sandbox,
      logs: this.#config.logs,
      faultPlan,
      dns: this.#dns,
      ipFormatter: this.#config.ipFormatter,
      fqdn: spec?.subdomain
        ? `${hostname}.${spec.subdomain}.${namespace}.svc.${this.#dns.clusterDomain}`
        : undefined,
      execTimeoutMs: this.#config.execTimeoutMs ?? 60_000,
    });
    const key = `${namespace}/${name}`;
    let containers = this.#pods.get(key);
    if (!containers) {
      containers = new Map();
      this.#pods.set(key, containers);
    }
    containers.get(container.name)?.kill();
    containers.set(container.name, handle);
    handle.start();
    return handle;
  }

  removePod(pod: Pod): void {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    for (const c of this.#pods.get(key)?.values() ?? []) c.kill();
    this.#pods.delete(key);
    this.#config.sandboxes.remove(namespace, name);
    this.#config.logs.removePrefix(`${key}/`);
  }

  /** The current instance of a container (the pod's first container when `container` is omitted). */
  container(namespace: string, pod: string, container?: string): SimulatedContainer {
    const containers = this.#pods.get(`${namespace}/${pod}`);
    if (!containers) throw new ContainerNotFoundError('pod', `pods "${pod}" not found`);
    const name = container ?? containers.keys().next().value;
    const c = name === undefined ? undefined : containers.get(name);
    if (!c)
      throw new ContainerNotFoundError('container', `container ${container} is not valid for pod ${pod}`);
    return c;
  }

  /** `netkube exec POD -- CMD`: runs in the container with the safe command set. */
  async exec(request: {
    namespace: string;
    pod: string;
    container?: string;
    command: readonly string[];
    timeoutMs?: number;
  }): Promise<RunResult> {
    const c = this.container(request.namespace, request.pod, request.container);
    if (!c.running) {
      throw new ContainerNotFoundError(
        'not-running',
        `container ${c.setup.ctx.container.name} is not running in pod ${request.pod}`,
      );
    }
    return c.exec(request.command, request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs });
  }

  /** `netkube pod kill`: SIGKILL; the kubelet restarts per restartPolicy. */
  kill(namespace: string, pod: string, container?: string): void {
    const containers = this.#pods.get(`${namespace}/${pod}`);
    if (!containers) throw new ContainerNotFoundError('pod', `pods "${pod}" not found`);
    if (container === undefined) for (const c of containers.values()) c.kill();
    else this.container(namespace, pod, container).kill();
  }

  /** `netkube pod fail-readiness`: readiness of the container(s) fails for `seconds`. */
  failReadiness(namespace: string, pod: string, seconds: number, container?: string): void {
    const containers = this.#pods.get(`${namespace}/${pod}`);
    if (!containers) throw new ContainerNotFoundError('pod', `pods "${pod}" not found`);
    const targets =
      container === undefined ? [...containers.values()] : [this.container(namespace, pod, container)];
    for (const c of targets) c.faults.failReadiness(seconds * 1000);
  }

  /** Whether readiness of a container is forced down (fault plan or fail-readiness). The prober and kubelet ask. */
  readinessForcedDown(namespace: string, pod: string, container: string): boolean {
    return this.#pods.get(`${namespace}/${pod}`)?.get(container)?.faults.readinessDown() ?? false;
  }

  /** Whether something in the pod listens on `protocol/port` (probes that have no route of their own). */
  listening(namespace: string, pod: string, protocol: L4Protocol, port: number): boolean {
    return this.#config.sandboxes.byPod(namespace, pod)?.accepts(protocol, port) ?? false;
  }
}
