/**
 * The simulated container runtime the kubelet drives (`ContainerRuntime`):
 * starts containers from the image catalogue into their pod's sandbox,
 * resolves their environment, and keeps them addressable for `netkube exec`,
 * `pod kill`, `pod fail-readiness`, exec probes and logs. Restarting a
 * container creates a fresh app, filesystem and fault state; its previous
 * output stays readable with `--previous`.
 */
import type { ContainerPort, Pod } from '../api/types.js';
import type {
  ContainerHandle,
  ContainerRuntime,
  ContainerStartRequest,
} from '../controllers/kubelet/runtime.js';
import type { Logger } from '../log/index.js';
import type { Clock } from '../util/clock.js';
import { NetkubeError } from '../util/errors.js';
import type { Random } from '../util/random.js';
import { createApp, type ProfiledAppFactory, resolveProfile } from './catalogue.js';
import { type ContainerServices, SimulatedContainer } from './container.js';
import { expandReferences, type ObjectLookup, resolveContainerEnv } from './env.js';
import type { DnsConfig, IpFormatter } from './exec/context.js';
import type { RunResult } from './exec/run.js';
import { parseFaultAnnotations } from './faults.js';
import { startFailure } from './images/base.js';
import type { LogStore } from './logs.js';
import type { PodSandboxRegistry } from './sandbox.js';
import type { AppFactory, HttpFlowObserver, L4Protocol, PodNetwork } from './types.js';

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
  /** Upper bound of one exec (ms): above a kernel connect timeout (127 s). @default 300_000 */
  readonly execTimeoutMs?: number;
  /** Overrides the catalogue (tests). */
  readonly appFactory?: AppFactory;
  /** Where apps report the HTTP requests they answer (L7 flows); none records nothing. */
  readonly httpFlows?: HttpFlowObserver;
}

/** A pod or container the runtime does not run; `reason` says which. */
export class ContainerNotFoundError extends NetkubeError {
  readonly reason: 'pod' | 'container' | 'not-running' | 'no-readiness-probe';

  constructor(reason: ContainerNotFoundError['reason'], message: string) {
    super('ERR_CONTAINER_NOT_FOUND', message);
    this.reason = reason;
  }
}

const DEFAULT_DNS: DnsConfig = { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' };
const NONE: Readonly<Record<string, string>> = Object.freeze({});
const NO_PORTS: readonly ContainerPort[] = Object.freeze([]);
const NO_ARGS: readonly string[] = Object.freeze([]);

/** `$(VAR)` expansion of command/args; the spec's own array when nothing needs expanding. */
function expandAll(
  list: readonly string[] | undefined,
  env: Readonly<Record<string, string>>,
): readonly string[] {
  if (!list || list.length === 0) return NO_ARGS;
  return list.some((a) => a.includes('$')) ? list.map((a) => expandReferences(a, env)) : list;
}

/** The emulator's container runtime. */
export class SimulatedContainerRuntime implements ContainerRuntime {
  readonly #config: SimulatedRuntimeConfig;
  /** `namespace/pod/container` of containers started with a readinessProbe. */
  readonly #probedReadiness = new Set<string>();
  readonly #dns: DnsConfig;
  readonly #services: ContainerServices;
  /** `namespace/pod` → current instance of each container (a short array: pods have few containers). */
  readonly #pods = new Map<string, SimulatedContainer[]>();

  constructor(config: SimulatedRuntimeConfig) {
    this.#config = config;
    this.#dns = config.dns ?? DEFAULT_DNS;
    this.#services = {
      factory: config.appFactory ?? createApp,
      logs: config.logs,
      dns: this.#dns,
      ipFormatter: config.ipFormatter,
      execTimeoutMs: config.execTimeoutMs ?? 300_000,
      httpFlows: config.httpFlows,
    };
    if (config.execTimeoutMs !== undefined && !(config.execTimeoutMs > 0))
      throw new RangeError('execTimeoutMs must be positive');
  }

  start(request: ContainerStartRequest): ContainerHandle {
    const { pod, container, podIP, nodeName } = request;
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    if (container.readinessProbe) this.#probedReadiness.add(`${key}/${container.name}`);
    const sandbox = this.#config.sandboxes.ensure(
      { namespace, name, uid: pod.metadata?.uid ?? '', ip: podIP, nodeName },
      key,
    );
    const extra = (this.#services.factory as Partial<ProfiledAppFactory>).profiles;
    const { profile, ref } = resolveProfile(container.image ?? '', extra);
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
    const handle = new SimulatedContainer(
      {
        key: `${key}/${container.name}`,
        profile,
        ref,
        sandbox,
        faultPlan,
        fqdn: spec?.subdomain
          ? `${hostname}.${spec.subdomain}.${namespace}.svc.${this.#dns.clusterDomain}`
          : undefined,
        services: this.#services,
        ...('error' in resolved ? { configError: startFailure(1, `Error: ${resolved.error}`) } : {}),
      },
      {
        pod: {
          name,
          namespace,
          uid: pod.metadata?.uid ?? '',
          ip: podIP,
          nodeName,
          hostname,
          labels: pod.metadata?.labels ?? NONE,
          annotations: pod.metadata?.annotations ?? NONE,
        },
        container: {
          name: container.name,
          image: container.image ?? '',
          command: expandAll(container.command, env),
          args: expandAll(container.args, env),
          env,
          ports: container.ports ?? NO_PORTS,
        },
        clock: this.#config.clock,
        random: this.#config.random,
        network: this.#config.podNetwork({ namespace, name, ip: podIP, nodeName }),
      },
    );
    const containers = this.#pods.get(key) ?? [];
    const previous = containers.findIndex((c) => c.ctx.container.name === container.name);
    if (previous >= 0) {
      containers[previous]?.kill();
      containers[previous] = handle;
    } else this.#pods.set(key, [...containers, handle]);
    handle.start();
    return handle;
  }

  removePod(pod: Pod): void {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    for (const c of this.#pods.get(key) ?? []) {
      this.#probedReadiness.delete(`${key}/${c.ctx.container.name}`);
      c.kill();
    }
    this.#pods.delete(key);
    this.#config.sandboxes.remove(namespace, name);
    this.#config.logs.removePrefix(`${key}/`);
  }

  /** The current instance of a container (the pod's first container when `container` is omitted). */
  container(namespace: string, pod: string, container?: string): SimulatedContainer {
    const containers = this.#pods.get(`${namespace}/${pod}`);
    if (!containers) throw new ContainerNotFoundError('pod', `pods "${pod}" not found`);
    const c =
      container === undefined ? containers[0] : containers.find((x) => x.ctx.container.name === container);
    if (!c)
      throw new ContainerNotFoundError('container', `container ${container} is not valid for pod ${pod}`);
    return c;
  }

  /** The container a command would run in; throws as `exec` does for an unknown pod or a stopped container. */
  checkExec(request: { namespace: string; pod: string; container?: string }): SimulatedContainer {
    const c = this.container(request.namespace, request.pod, request.container);
    if (!c.running) {
      throw new ContainerNotFoundError(
        'not-running',
        `container ${c.ctx.container.name} is not running in pod ${request.pod}`,
      );
    }
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
    const c = this.checkExec(request);
    return c.exec(request.command, request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs });
  }

  /** `netkube pod kill`: SIGKILL; the kubelet restarts per restartPolicy. */
  kill(namespace: string, pod: string, container?: string): void {
    const containers = this.#pods.get(`${namespace}/${pod}`);
    if (!containers) throw new ContainerNotFoundError('pod', `pods "${pod}" not found`);
    if (container === undefined) for (const c of containers) c.kill();
    else this.container(namespace, pod, container).kill();
  }

  /**
   * `netkube pod fail-readiness`: the readiness probe of the container(s) fails
   * for `seconds`. Only containers with a readinessProbe have a readiness to
   * fail (the kubelet counts the others ready while they run, as on a real
   * node); asking for one without throws a 'no-readiness-probe' error.
   */
  failReadiness(namespace: string, pod: string, seconds: number, container?: string): void {
    const containers = this.#pods.get(`${namespace}/${pod}`);
    if (!containers) throw new ContainerNotFoundError('pod', `pods "${pod}" not found`);
    const targets = container === undefined ? containers : [this.container(namespace, pod, container)];
    const probed = targets.filter((c) =>
      this.#probedReadiness.has(`${namespace}/${pod}/${c.ctx.container.name}`),
    );
    if (probed.length === 0) {
      const names = targets.map((c) => c.ctx.container.name).join(', ');
      throw new ContainerNotFoundError(
        'no-readiness-probe',
        `container ${names} of pod ${pod} has no readinessProbe: its readiness is not probed, so there is nothing to fail (add a readinessProbe, or use \`netkube pod kill\`)`,
      );
    }
    for (const c of probed) c.failReadiness(seconds * 1000);
  }

  /** Whether readiness of a container is forced down (fault plan or fail-readiness). The prober and kubelet ask. */
  readinessForcedDown(namespace: string, pod: string, container: string): boolean {
    const c = this.#pods.get(`${namespace}/${pod}`)?.find((x) => x.ctx.container.name === container);
    return c?.readinessDown() ?? false;
  }

  /** Whether something in the pod listens on `protocol/port` (probes that have no route of their own). */
  listening(namespace: string, pod: string, protocol: L4Protocol, port: number): boolean {
    return this.#config.sandboxes.byPod(namespace, pod)?.accepts(protocol, port) ?? false;
  }
}
