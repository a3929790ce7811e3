/**
 * The world of the ingress benchmarks (`ingress.ts`, `ingress-cpu.ts`): one
 * Ingress `bench.example.com` → Service `echo` → one simulated
 * hashicorp/http-echo pod, and the ingress-nginx controller app that reaches
 * the pod over the dataplane's in-memory socket pairs (`natSocketPair`, what
 * `ConnectionExecutor.connect` gives a pod's outgoing connection; flows off).
 * Neither app listens: the caller hands them connections.
 */
import { natSocketPair } from '../src/dataplane/mem-socket.js';
import { IngressControllerApp } from '../src/ingress/app/app.js';
import { StaticClusterView } from '../src/ingress/app/cluster-view.js';
import { fakeCertificate } from '../src/ingress/certs.js';
import { DEFAULT_CLASS_OPTIONS } from '../src/ingress/ingress-class.js';
import { backendWorld, ingress, ingressClass, rule } from '../src/ingress/testing/fixtures.js';
import { realClock } from '../src/util/clock.js';
import { seededRandom } from '../src/util/random.js';
import { createApp } from '../src/workloads/index.js';
import type { App, AppContext, PodNetwork } from '../src/workloads/types.js';

/** The controller pod's address (the source the echo pod sees). */
export const CONTROLLER_IP = '10.244.0.50';

function context(name: string, ip: string, image: string, args: string[], network: PodNetwork): AppContext {
  return {
    pod: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      ip,
      nodeName: 'worker-1',
      hostname: name,
      labels: {},
      annotations: {},
    },
    container: { name: 'c', image, command: [], args, env: {}, ports: [] },
    clock: realClock,
    random: seededRandom(1),
    network,
    log: () => {},
    exit: () => {},
  };
}

/** Starts the echo pod (port 8080) and the controller (port 80); `podIP` is the echo pod's. */
export function startIngressWorld(): { echo: App; controller: IngressControllerApp; podIP: string } {
  const ing = ingress('bench', { rules: [rule('bench.example.com', ['/', 'Prefix', 'echo'])] });
  const world = backendWorld([ing]);
  const pod = world.pods[0];
  if (!pod) throw new Error('no pod');
  const echo = createApp(
    context(
      'echo-0',
      pod.ip,
      'hashicorp/http-echo:1.0.0',
      ['-text=hello from netkube', '-listen=:8080'],
      {} as PodNetwork,
    ),
  );
  if ('kind' in echo) throw new Error(echo.message);
  let nextPort = 40000;
  const network: PodNetwork = {
    // No NAT between two pods: both ends see the same tuple.
    connect: async (host, port) => {
      const srcPort = nextPort++;
      const tuple = { src: { ip: CONTROLLER_IP, port: srcPort }, dst: { ip: host, port } };
      const { client, server } = natSocketPair(tuple, tuple);
      echo.handleConnection({
        socket: server,
        tuple: { protocol: 'TCP', srcIP: CONTROLLER_IP, srcPort, dstIP: host, dstPort: port },
      });
      return client;
    },
    udpRequest: async () => undefined,
    resolve: async () => [],
  };
  const view = new StaticClusterView({
    ingresses: [ing],
    ingressClasses: [ingressClass()],
    services: world.services,
    endpointSlices: world.endpointSlices,
    secrets: [],
  });
  const controller = new IngressControllerApp(
    context('ingress-0', CONTROLLER_IP, 'registry.k8s.io/ingress-nginx/controller:v1.12.1', [], network),
    {
      view,
      classes: DEFAULT_CLASS_OPTIONS,
      httpPort: 80,
      httpsPort: 443,
      healthzPort: 10254,
      defaultCertificate: fakeCertificate(Date.now()),
      version: 'v1.12.1',
    },
  );
  return { echo, controller, podIP: pod.ip };
}
