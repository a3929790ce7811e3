/**
 * Runs the ingress controller app on real loopback sockets without the
 * emulator: listeners on 127.0.0.1 port 0 hand every accepted socket to the
 * app with a virtual tuple (client `CASE_CLIENT_IP` → pod port 80/443), and a
 * fake `PodNetwork` delivers the app's upstream connections to in-process echo
 * pods over in-memory socket pairs. End-to-end tests through the emulator's
 * NodePort reuse the same cases with another target.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Clock, realClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { socketPair } from '../../workloads/testing/socket-pair.js';
import type { App, AppContext, HttpFlowObserver, PodNetwork } from '../../workloads/types.js';
import { IngressControllerApp } from '../app/app.js';
import { StaticClusterView } from '../app/cluster-view.js';
import type { FrontLimits } from '../app/http-front.js';
import type { PemPair } from '../certs.js';
import type { IngressSnapshot } from '../compile.js';
import { DEFAULT_CLASS_OPTIONS } from '../ingress-class.js';
import { EchoApp } from './echo-app.js';
import type { BackendPod } from './fixtures.js';
import { CASE_CLIENT_IP } from './run-cases.js';

export const CONTROLLER_POD_IP = '10.244.0.50';

function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The pod network of the controller: pod apps by `ip:port`, looked up at each
 * connect (pods added later are reachable); `blackholes` never answer a connect.
 */
export function echoNetwork(
  pods: (key: string) => App | undefined,
  blackholes: ReadonlySet<string>,
): PodNetwork {
  let port = 40000;
  return {
    async connect(host, p) {
      const key = `${host}:${p}`;
      if (blackholes.has(host)) return new Promise<Duplex>(() => {});
      const app = pods(key);
      if (!app) throw errno('ECONNREFUSED', `connect ECONNREFUSED ${key}`);
      port = port >= 60000 ? 40000 : port + 1;
      const { client, server } = socketPair({ address: CONTROLLER_POD_IP, port }, { address: host, port: p });
      app.handleConnection({
        socket: server,
        tuple: { protocol: 'TCP', srcIP: CONTROLLER_POD_IP, srcPort: port, dstIP: host, dstPort: p },
      });
      return client;
    },
    udpRequest: async () => undefined,
    resolve: async (name) => {
      throw errno('ENOTFOUND', `getaddrinfo ENOTFOUND ${name}`);
    },
  };
}

export interface HarnessOptions {
  readonly snapshot: IngressSnapshot;
  readonly pods: readonly BackendPod[];
  readonly clock?: Clock;
  readonly limits?: Partial<FrontLimits>;
  readonly defaultCertificate?: Promise<PemPair>;
  /** Pod IPs whose connects never complete (connect timeouts). */
  readonly blackholes?: readonly string[];
  /** Other pod apps by `ip:port` (real simulated images), besides the echo pods of `pods`. */
  readonly apps?: ReadonlyMap<string, App>;
  /** @default 1 */
  readonly seed?: number;
  /** The controller's `AppContext.httpFlows` (L7 flow tests). */
  readonly httpFlows?: HttpFlowObserver;
}

function listen(onSocket: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(onSocket);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The controller app between real listeners and echo pods. */
export class IngressHarness {
  readonly app: IngressControllerApp;
  readonly view: StaticClusterView;
  readonly logs: string[];
  /** Exit codes the app reported (`ctx.exit`). */
  readonly exits: number[];
  readonly pods: Map<string, EchoApp>;
  readonly #servers: Server[];
  readonly #sockets = new Set<Socket>();
  httpPort = 0;
  httpsPort = 0;
  healthPort = 0;

  private constructor(parts: {
    readonly app: IngressControllerApp;
    readonly view: StaticClusterView;
    readonly logs: string[];
    readonly pods: Map<string, EchoApp>;
    readonly exits: number[];
  }) {
    this.app = parts.app;
    this.view = parts.view;
    this.logs = parts.logs;
    this.pods = parts.pods;
    this.exits = parts.exits;
    this.#servers = [];
  }

  static async start(options: HarnessOptions): Promise<IngressHarness> {
    const pods = new Map<string, EchoApp>();
    for (const p of options.pods) {
      pods.set(
        `${p.ip}:${p.port}`,
        new EchoApp({ namespace: p.namespace, service: p.service, pod: p.name, port: p.port }),
      );
    }
    const logs: string[] = [];
    const exits: number[] = [];
    const clock = options.clock ?? realClock;
    const apps = options.apps;
    const network = echoNetwork((key) => pods.get(key) ?? apps?.get(key), new Set(options.blackholes ?? []));
    const base = controllerContext(clock, network, logs, options.seed ?? 1, exits);
    const ctx = options.httpFlows ? { ...base, httpFlows: options.httpFlows } : base;
    const view = new StaticClusterView(options.snapshot);
    const app = new IngressControllerApp(ctx, {
      view,
      classes: DEFAULT_CLASS_OPTIONS,
      httpPort: 80,
      httpsPort: 443,
      healthzPort: 10254,
      defaultCertificate: options.defaultCertificate ?? harnessCertificate(),
      ...(options.limits ? { limits: options.limits } : {}),
      version: 'v1.12.1',
    });
    const h = new IngressHarness({ app, view, logs, pods, exits });
    await h.#listen();
    return h;
  }

  async #listen(): Promise<void> {
    for (const dstPort of [80, 443, 10254]) {
      const server = await listen((socket) => {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        this.app.handleConnection({
          socket,
          tuple: {
            protocol: 'TCP',
            srcIP: CASE_CLIENT_IP,
            srcPort: socket.remotePort ?? 0,
            dstIP: CONTROLLER_POD_IP,
            dstPort,
          },
        });
      });
      this.#servers.push(server);
      const port = (server.address() as { port: number }).port;
      if (dstPort === 80) this.httpPort = port;
      else if (dstPort === 443) this.httpsPort = port;
      else this.healthPort = port;
    }
  }

  /** Replaces the cluster state and recompiles at once. */
  update(snapshot: IngressSnapshot): void {
    this.view.set(snapshot);
    this.app.routes.refresh();
  }

  /** Access log lines (container log lines that start with the client address). */
  accessLog(): string[] {
    return this.logs.filter((l) => l.startsWith(`${CASE_CLIENT_IP} `));
  }

  async close(): Promise<void> {
    this.app.kill();
    for (const s of this.#sockets) s.destroy();
    await Promise.all(this.#servers.map((s) => new Promise((r) => s.close(r))));
    for (const p of this.pods.values()) p.kill();
  }
}

function controllerContext(
  clock: Clock,
  network: PodNetwork,
  logs: string[],
  seed: number,
  exits: number[],
): AppContext {
  return {
    pod: {
      name: 'ingress-nginx-controller-7c9d8-abcde',
      namespace: 'ingress-nginx',
      uid: 'uid-controller',
      ip: CONTROLLER_POD_IP,
      nodeName: 'worker-1',
      hostname: 'ingress-nginx-controller-7c9d8-abcde',
      labels: {},
      annotations: {},
    },
    container: {
      name: 'controller',
      image: 'registry.k8s.io/ingress-nginx/controller:v1.12.1',
      command: [],
      args: [],
      env: {},
      ports: [],
    },
    clock,
    random: seededRandom(seed),
    network,
    log: (line) => logs.push(line),
    exit: (code) => exits.push(code),
  };
}

let certificate: Promise<PemPair> | undefined;

/** One default certificate per test process (RSA key generation is slow). */
export function harnessCertificate(): Promise<PemPair> {
  certificate ??= import('../certs.js').then((m) => m.fakeCertificate(Date.now()));
  return certificate;
}
