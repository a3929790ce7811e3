/**
 * A small in-process "cluster" for workloads tests and benchmarks: the
 * simulated runtime, sandbox registry, log store and prober wired to
 * `fakePodNetwork`, with helpers to start pods and send raw requests to pod
 * IPs from a client at 10.244.0.7.
 */
import type { Duplex } from 'node:stream';
import type { ConfigMap, Container, Pod, Secret, Service } from '../../api/types.js';
import { silentLogger } from '../../log/index.js';
import { FakeClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import type { SimulatedContainer } from '../container.js';
import { type HttpResponse, readHttpResponse } from '../http/client.js';
import { LogStore } from '../logs.js';
import { SimulatedProber } from '../prober.js';
import { SimulatedContainerRuntime } from '../runtime.js';
import { PodSandboxRegistry } from '../sandbox.js';
import { fakePodNetwork } from './fake-network.js';

export interface PodSpecInput {
  readonly name: string;
  readonly ip: string;
  readonly containers: readonly Container[];
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly subdomain?: string;
}

export interface StartedPod {
  readonly pod: Pod;
  readonly containers: SimulatedContainer[];
  /** `[container, exitCode, reason]` in exit order. */
  readonly exits: Array<[string, number, string]>;
}

/** Builds the harness. */
export function testCluster(options: { readonly clock?: FakeClock } = {}) {
  const clock = options.clock ?? new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
  const sandboxes = new PodSandboxRegistry();
  const logs = new LogStore({ clock });
  const names = new Map<string, string[]>();
  const configMaps = new Map<string, ConfigMap>();
  const secrets = new Map<string, Secret>();
  const services: Service[] = [];
  const runtime = new SimulatedContainerRuntime({
    clock,
    logger: silentLogger(),
    random: seededRandom(7),
    sandboxes,
    logs,
    podNetwork: (p) => fakePodNetwork({ registry: sandboxes, sourceIP: p.ip, names }),
    lookup: {
      configMap: (ns, name) => configMaps.get(`${ns}/${name}`),
      secret: (ns, name) => secrets.get(`${ns}/${name}`),
      services: (ns) => services.filter((s) => (s.metadata?.namespace ?? 'default') === ns),
    },
    execTimeoutMs: 10_000,
  });
  const client = fakePodNetwork({ registry: sandboxes, sourceIP: '10.244.0.7', names });
  const prober = new SimulatedProber({
    clock,
    runtime,
    connectFromNode: (_node, ip, port) =>
      fakePodNetwork({ registry: sandboxes, sourceIP: '10.244.1.1' }).connect(ip, port),
  });

  function podObject(spec: PodSpecInput): Pod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: spec.name,
        namespace: spec.namespace ?? 'default',
        uid: `uid-${spec.name}`,
        ...(spec.annotations ? { annotations: spec.annotations } : {}),
      },
      spec: {
        containers: [...spec.containers],
        nodeName: spec.nodeName ?? 'worker-1',
        ...(spec.hostname ? { hostname: spec.hostname } : {}),
        ...(spec.subdomain ? { subdomain: spec.subdomain } : {}),
      },
    };
  }

  /** Starts every container of a pod, recording exits. */
  function startPod(spec: PodSpecInput): StartedPod {
    const pod = podObject(spec);
    const exits: Array<[string, number, string]> = [];
    const containers = spec.containers.map((container) => {
      const handle = runtime.start({
        pod,
        container,
        podIP: spec.ip,
        nodeName: spec.nodeName ?? 'worker-1',
        restartCount: 0,
      });
      handle.onExit((code, reason) => exits.push([container.name, code, reason]));
      return handle as SimulatedContainer;
    });
    return { pod, containers, exits };
  }

  /** Restarts one container of a started pod (as the kubelet does after an exit). */
  function restart(started: StartedPod, name: string, restartCount = 1): SimulatedContainer {
    const container = started.pod.spec?.containers.find((c) => c.name === name);
    if (!container) throw new Error(`no container ${name}`);
    const handle = runtime.start({
      pod: started.pod,
      container,
      podIP:
        sandboxes.byPod(started.pod.metadata?.namespace ?? 'default', started.pod.metadata?.name ?? '')?.pod
          .ip ?? '',
      nodeName: 'worker-1',
      restartCount,
    });
    handle.onExit((code, reason) => started.exits.push([name, code, reason]));
    return handle as SimulatedContainer;
  }

  /** Opens a connection from the test client (10.244.0.7). */
  function connect(ip: string, port: number): Promise<Duplex> {
    return client.connect(ip, port);
  }

  /** Sends raw request bytes to `ip:port` and reads one response. */
  async function request(ip: string, port: number, raw: string): Promise<HttpResponse> {
    const socket = await client.connect(ip, port);
    socket.write(raw);
    try {
      return await readHttpResponse(socket, { method: raw.split(' ')[0] ?? 'GET' });
    } finally {
      socket.destroy();
    }
  }

  /** GET `path` with curl's default headers; resolves the raw response text. */
  async function get(ip: string, port: number, path = '/'): Promise<string> {
    const host = port === 80 ? ip : `${ip}:${port}`;
    const res = await request(
      ip,
      port,
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n`,
    );
    return res.raw.toString('latin1');
  }

  /** Lets pending promise callbacks and immediates run. */
  async function settle(rounds = 5): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
  }

  return {
    clock,
    sandboxes,
    logs,
    runtime,
    prober,
    names,
    configMaps,
    secrets,
    services,
    client,
    startPod,
    restart,
    connect,
    request,
    get,
    settle,
  };
}

/** A container spec. */
export function container(name: string, image: string, extra: Partial<Container> = {}): Container {
  return { name, image, ...extra };
}
