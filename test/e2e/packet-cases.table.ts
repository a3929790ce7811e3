/**
 * The shared table of packet cases: one row per question users ask ("which
 * pod does my NodePort request reach, and what source address does it see?"),
 * each with the answer real Kubernetes gives. packet-cases.test.ts runs every
 * row twice — through the tracer (pure, nothing sent) and through real
 * connections on a running emulator — and both must give this answer.
 *
 * Pods are named and pinned to nodes so answers are stable:
 *   worker-1: client-1 (also the only endpoint of `self`), web-1
 *   worker-2: client-2, web-2, local-1 (the only endpoint of the eTP/iTP Local Services)
 * Every pod runs traefik/whoami, which answers with its hostname and the
 * address it saw (`RemoteAddr`).
 */

/** The ingress controller's http NodePort (the default topology's `ingress.httpNodePort`). */
export const INGRESS_HTTP_NODE_PORT = 30080;

/** Node ports and addresses the fixture fixes (the slot's LoadBalancer pool is 127.<slot>.20.0/24). */
export const PORTS = { web: 30180, local: 30181, sticky: 30182, empty: 30183 } as const;

/** An externalIP in the slot's LoadBalancer pool (bindable, so the laptop can reach it). */
export function externalIP(slot: number): string {
  return `127.${slot}.20.250`;
}

/** The seed manifests' unbindable externalIP: reachable from pods and nodes, never from the laptop. */
export const UNBINDABLE_EXTERNAL_IP = '192.168.56.103';

function pod(name: string, node: string, labels: Record<string, string>): string {
  const lines = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`);
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
${lines.join('\n')}
spec:
  nodeName: ${node}
  containers:
  - name: whoami
    image: traefik/whoami:v1.10
    ports:
    - containerPort: 80
`;
}

function service(name: string, spec: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
${spec}`;
}

const HTTP = `  ports:
  - name: http
    port: 80
    targetPort: 80
`;

/** The fixture: pods, one Service per behaviour, an Ingress. */
export function fixtureManifests(slot: number): string {
  return [
    pod('client-1', 'worker-1', { role: 'client', hairpin: 'yes' }),
    pod('client-2', 'worker-2', { role: 'client' }),
    pod('web-1', 'worker-1', { app: 'web' }),
    pod('web-2', 'worker-2', { app: 'web' }),
    pod('local-1', 'worker-2', { app: 'local' }),
    service('web', `  selector:\n    app: web\n${HTTP}`),
    service(
      'web-np',
      `  type: NodePort\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    nodePort: ${PORTS.web}\n`,
    ),
    service(
      'local-np',
      `  type: NodePort\n  externalTrafficPolicy: Local\n  selector:\n    app: local\n  ports:\n  - name: http\n    port: 80\n    nodePort: ${PORTS.local}\n`,
    ),
    service(
      'sticky-np',
      `  type: NodePort\n  sessionAffinity: ClientIP\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    nodePort: ${PORTS.sticky}\n`,
    ),
    service(
      'empty-np',
      `  type: NodePort\n  selector:\n    app: nothing\n  ports:\n  - name: http\n    port: 80\n    nodePort: ${PORTS.empty}\n`,
    ),
    service('web-lb', `  type: LoadBalancer\n  selector:\n    app: web\n${HTTP}`),
    service(
      'local-lb',
      `  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: local\n${HTTP}`,
    ),
    service('web-ext', `  selector:\n    app: web\n  externalIPs:\n  - ${externalIP(slot)}\n${HTTP}`),
    service(
      'web-unbound',
      `  selector:\n    app: web\n  externalIPs:\n  - ${UNBINDABLE_EXTERNAL_IP}\n  ports:\n  - port: 8001\n    targetPort: 80\n`,
    ),
    service('headless', `  clusterIP: None\n  selector:\n    app: web\n${HTTP}`),
    service('ext-web', '  type: ExternalName\n  externalName: web.default.svc.cluster.local\n'),
    service('ext-host', '  type: ExternalName\n  externalName: host.netkube.internal\n'),
    service('empty', `  selector:\n    app: nothing\n${HTTP}`),
    service('sticky', `  sessionAffinity: ClientIP\n  selector:\n    app: web\n${HTTP}`),
    service('itp-local', `  internalTrafficPolicy: Local\n  selector:\n    app: local\n${HTTP}`),
    service('self', `  selector:\n    hairpin: "yes"\n${HTTP}`),
    // Selectorless: its EndpointSlice is written by the test, with a terminating endpoint.
    service('term', HTTP),
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /web
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
`,
    // Host-less: requests by a node address (no Host a rule names) reach it. Its backend is
    // an eTP Local NodePort Service, which does not matter: the controller dials endpoints.
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: plain
spec:
  ingressClassName: nginx
  rules:
  - http:
      paths:
      - path: /local
        pathType: Prefix
        backend:
          service:
            name: local-np
            port:
              name: http
`,
  ].join('---\n');
}

/** What the receiver must see as the source address. */
export type Seen =
  /** The sender's own address. */
  | 'client'
  /**
   * A node's address (after masquerade, or the node's own traffic): the address
   * of its interface toward the receiver, so the tunnel address (tunl0) for a
   * pod on another node, the node's InternalIP otherwise.
   */
  | `node:${string}`
  /**
   * A node's own address (InternalIP) seen by a pod on another node: Calico's
   * natOutgoing SNATed a pod's packet to it as it left that node for another
   * node's address, and the other node did not masquerade it again.
   */
  | `node-ip:${string}`
  /** Some node's address: a load balancer may enter by any node. */
  | 'any-node'
  /** A pod's address (the ingress controller's, proxying). */
  | `pod:${string}`
  /** The pod itself over its loopback. */
  | 'loopback'
  /** A real socket on the laptop: the server sees the dataplane's own host address. */
  | 'laptop';

export type Want =
  /** Pods (by name) that may answer, or `laptop` for the host server. */
  | {
      readonly endpoints: readonly string[];
      readonly seen: Seen;
      /** Session affinity: one of `endpoints`, the same for every connection. */
      readonly sticky?: true;
      /**
       * The tracer follows one of `endpoints` (the first address of the zone's answer); real
       * clients spread over all of them, as CoreDNS's `loadbalance` rotates every answer.
       */
      readonly one?: true;
      /** Through the ingress controller: the client it saw, sent upstream as X-Real-IP. */
      readonly client?: Seen;
    }
  | { readonly verdict: 'Rejected' | 'Dropped' | 'Unresolved' }
  /** The ingress controller answers itself with this HTTP status (its default backend, a redirect). */
  | { readonly status: number };

/** Values only known once the cluster runs. */
export interface CaseContext {
  readonly slot: number;
  readonly lbIP: (service: string) => string;
  readonly laptopPort: number;
}

export interface PacketCase {
  readonly name: string;
  readonly from: string;
  readonly to: string | ((ctx: CaseContext) => string);
  readonly via?: 'ingress';
  readonly want: Want;
  /**
   * Set while netkube (tracer and dataplane alike) differs from Kubernetes on
   * this row: the row then must fail its Kubernetes check (so fixing the cause
   * flags the row), while tracer and dataplane must still agree.
   */
  readonly knownIssue?: string;
}

const WEB = ['web-1', 'web-2'] as const;
const webFrom = (seen: Seen): Want => ({ endpoints: WEB, seen });

/** Every row. Names read as the question they answer. */
export const PACKET_CASES: readonly PacketCase[] = [
  // ClusterIP, from a pod.
  {
    name: 'pod to ClusterIP reaches every endpoint, source kept',
    from: 'pod/client-1',
    to: 'svc/web:80',
    want: webFrom('client'),
  },
  {
    name: 'pod to ClusterIP by port name',
    from: 'pod/client-1',
    to: 'svc/web:http',
    want: webFrom('client'),
  },
  {
    name: 'pod to a short Service name (first search suffix)',
    from: 'pod/client-1',
    to: 'web:80',
    want: webFrom('client'),
  },
  {
    name: 'pod to name.namespace (second search suffix)',
    from: 'pod/client-1',
    to: 'web.default:80',
    want: webFrom('client'),
  },
  {
    name: 'pod to the FQDN',
    from: 'pod/client-1',
    to: 'web.default.svc.cluster.local:80',
    want: webFrom('client'),
  },
  {
    name: 'pod to the absolute FQDN (trailing dot)',
    from: 'pod/client-1',
    to: 'web.default.svc.cluster.local.:80',
    want: webFrom('client'),
  },
  {
    name: 'pod on another node to ClusterIP',
    from: 'pod/client-2',
    to: 'svc/web:80',
    want: webFrom('client'),
  },
  {
    name: 'pod to a Service without endpoints is rejected',
    from: 'pod/client-1',
    to: 'svc/empty:80',
    want: { verdict: 'Rejected' },
  },
  {
    name: 'pod to a name that does not exist: NXDOMAIN',
    from: 'pod/client-1',
    to: 'nope:80',
    want: { verdict: 'Unresolved' },
  },
  // Pod to pod.
  {
    name: 'pod to pod on the same node',
    from: 'pod/client-1',
    to: 'pod/web-1:80',
    want: { endpoints: ['web-1'], seen: 'client' },
  },
  {
    name: 'pod to pod on another node (IPIP)',
    from: 'pod/client-1',
    to: 'pod/web-2:80',
    want: { endpoints: ['web-2'], seen: 'client' },
  },
  {
    name: 'pod to its own IP',
    from: 'pod/client-1',
    to: 'pod/client-1:80',
    want: { endpoints: ['client-1'], seen: 'client' },
  },
  {
    name: 'pod to localhost stays in its network namespace',
    from: 'pod/client-1',
    to: 'localhost:80',
    want: { endpoints: ['client-1'], seen: 'loopback' },
  },
  {
    name: 'pod to a port nothing listens on is refused',
    from: 'pod/client-1',
    to: 'pod/web-2:81',
    want: { verdict: 'Rejected' },
  },
  // Hairpin, affinity, traffic policies, terminating endpoints.
  {
    name: 'pod to its own Service hairpins and is masqueraded',
    from: 'pod/client-1',
    to: 'svc/self:80',
    want: { endpoints: ['client-1'], seen: 'node:worker-1' },
  },
  {
    name: 'session affinity sticks to one endpoint',
    from: 'pod/client-1',
    to: 'svc/sticky:80',
    want: { endpoints: WEB, seen: 'client', sticky: true },
  },
  {
    name: 'internalTrafficPolicy Local without a local endpoint drops',
    from: 'pod/client-1',
    to: 'svc/itp-local:80',
    want: { verdict: 'Dropped' },
  },
  {
    name: 'internalTrafficPolicy Local with a local endpoint',
    from: 'pod/client-2',
    to: 'svc/itp-local:80',
    want: { endpoints: ['local-1'], seen: 'client' },
  },
  {
    name: 'terminating endpoint is used when no endpoint is ready',
    from: 'pod/client-1',
    to: 'svc/term:80',
    want: { endpoints: ['web-2'], seen: 'client' },
  },
  // Headless and ExternalName.
  {
    name: 'headless Service: DNS gives a pod, no kube-proxy',
    from: 'pod/client-1',
    to: 'headless:80',
    want: { endpoints: WEB, seen: 'client', one: true },
  },
  {
    name: 'ExternalName to another Service (CNAME)',
    from: 'pod/client-1',
    to: 'ext-web:80',
    want: webFrom('client'),
  },
  {
    name: 'ExternalName to host.netkube.internal reaches the laptop',
    from: 'pod/client-1',
    to: (c) => `ext-host:${c.laptopPort}`,
    want: { endpoints: ['laptop'], seen: 'laptop' },
  },
  // Pods to node ports, load balancers and external IPs.
  {
    name: "pod to another node's NodePort is masqueraded by that node",
    from: 'pod/client-1',
    to: `node/worker-2:${PORTS.web}`,
    want: webFrom('node:worker-2'),
  },
  {
    name: "pod to its own node's eTP Local NodePort short-circuits to any endpoint",
    from: 'pod/client-1',
    to: `node/worker-1:${PORTS.local}`,
    want: { endpoints: ['local-1'], seen: 'client' },
  },
  {
    // natOutgoing SNATs the pod to worker-1's address as it leaves for worker-2, whose kube-proxy
    // then sees external traffic: eTP Local, its local endpoint, that source kept.
    name: "pod to another node's eTP Local NodePort: natOutgoing, the endpoint sees the pod's node",
    from: 'pod/client-1',
    to: `node/worker-2:${PORTS.local}`,
    want: { endpoints: ['local-1'], seen: 'node-ip:worker-1' },
  },
  {
    name: "pod to a third node's eTP Local NodePort without a local endpoint drops (natOutgoing)",
    from: 'pod/client-1',
    to: `node/control-plane:${PORTS.local}`,
    want: { verdict: 'Dropped' },
  },
  {
    name: "pod on the endpoint's node to another node's eTP Local NodePort drops (natOutgoing)",
    from: 'pod/client-2',
    to: `node/worker-1:${PORTS.local}`,
    want: { verdict: 'Dropped' },
  },
  {
    name: 'pod to a LoadBalancer IP is masqueraded (eTP Cluster)',
    from: 'pod/client-1',
    to: (c) => `${c.lbIP('web-lb')}:80`,
    want: webFrom('node:worker-1'),
  },
  {
    name: 'pod to an eTP Local LoadBalancer IP short-circuits',
    from: 'pod/client-1',
    to: (c) => `${c.lbIP('local-lb')}:80`,
    want: { endpoints: ['local-1'], seen: 'client' },
  },
  {
    name: "pod to an externalIP: its own node's kube-proxy takes it (no natOutgoing)",
    from: 'pod/client-1',
    to: (c) => `${externalIP(c.slot)}:80`,
    want: webFrom('node:worker-1'),
  },
  {
    name: 'pod to an externalIP the laptop cannot bind',
    from: 'pod/client-1',
    to: `${UNBINDABLE_EXTERNAL_IP}:8001`,
    want: webFrom('node:worker-1'),
  },
  // From a node's host network.
  {
    name: 'node to ClusterIP is masqueraded (not from a pod)',
    from: 'node/worker-1',
    to: 'svc/web:80',
    want: webFrom('node:worker-1'),
  },
  {
    name: 'node to a pod keeps the node address',
    from: 'node/worker-1',
    to: 'pod/web-2:80',
    want: { endpoints: ['web-2'], seen: 'node:worker-1' },
  },
  {
    name: 'node to its own eTP Local NodePort without local endpoint (LOCAL traffic)',
    from: 'node/worker-1',
    to: `node/worker-1:${PORTS.local}`,
    want: { endpoints: ['local-1'], seen: 'node:worker-1' },
  },
  {
    name: 'node to its own eTP Local NodePort with a local endpoint',
    from: 'node/worker-2',
    to: `node/worker-2:${PORTS.local}`,
    want: { endpoints: ['local-1'], seen: 'node:worker-2' },
  },
  {
    name: 'node to a Service without endpoints is rejected',
    from: 'node/worker-1',
    to: 'svc/empty:80',
    want: { verdict: 'Rejected' },
  },
  {
    name: 'node to an unbindable externalIP',
    from: 'node/worker-2',
    to: `${UNBINDABLE_EXTERNAL_IP}:8001`,
    want: webFrom('node:worker-2'),
  },
  // From the laptop.
  {
    name: 'host to NodePort on worker-1: eTP Cluster masquerades to worker-1',
    from: 'host',
    to: `node/worker-1:${PORTS.web}`,
    want: webFrom('node:worker-1'),
  },
  {
    name: 'host to NodePort on worker-2',
    from: 'host',
    to: `node/worker-2:${PORTS.web}`,
    want: webFrom('node:worker-2'),
  },
  {
    name: 'host to NodePort on a node without endpoints (control-plane)',
    from: 'host',
    to: `node/control-plane:${PORTS.web}`,
    want: webFrom('node:control-plane'),
  },
  {
    name: 'host to eTP Local NodePort on the node with the endpoint keeps the client address',
    from: 'host',
    to: `node/worker-2:${PORTS.local}`,
    want: { endpoints: ['local-1'], seen: 'client' },
  },
  {
    name: 'host to eTP Local NodePort on a node without endpoints drops',
    from: 'host',
    to: `node/worker-1:${PORTS.local}`,
    want: { verdict: 'Dropped' },
  },
  {
    name: 'host to NodePort of a Service without endpoints is rejected',
    from: 'host',
    to: `node/worker-1:${PORTS.empty}`,
    want: { verdict: 'Rejected' },
  },
  {
    name: 'host to NodePort with session affinity sticks',
    from: 'host',
    to: `node/worker-1:${PORTS.sticky}`,
    want: { endpoints: WEB, seen: 'node:worker-1', sticky: true },
  },
  {
    name: 'host to a LoadBalancer IP (eTP Cluster): any node, masqueraded',
    from: 'host',
    to: (c) => `${c.lbIP('web-lb')}:80`,
    want: webFrom('any-node'),
  },
  {
    name: 'host to an eTP Local LoadBalancer IP keeps the client address',
    from: 'host',
    to: (c) => `${c.lbIP('local-lb')}:80`,
    want: { endpoints: ['local-1'], seen: 'client' },
  },
  {
    name: 'host to an externalIP',
    from: 'host',
    to: (c) => `${externalIP(c.slot)}:80`,
    want: webFrom('any-node'),
  },
  {
    name: 'host to a ClusterIP: the laptop cannot reach it',
    from: 'host',
    to: 'svc/web:80',
    want: { verdict: 'Dropped' },
  },
  // Ingress: the controller terminates HTTP and dials the backend pods itself.
  {
    name: "ingress: host and path route to the Service's pods, seen from the controller",
    from: 'host',
    to: 'http://shop.example.com/web',
    via: 'ingress',
    // A name enters by the first node's NodePort (eTP Cluster): the controller sees that node.
    want: { endpoints: WEB, seen: 'pod:ingress-nginx-controller', client: 'node:control-plane' },
  },
  {
    name: 'ingress: by a node address, a host-less rule; the controller sees that node',
    from: 'host',
    to: (c) => `http://127.${c.slot}.10.3:${INGRESS_HTTP_NODE_PORT}/local`,
    via: 'ingress',
    want: { endpoints: ['local-1'], seen: 'pod:ingress-nginx-controller', client: 'node:worker-2' },
  },
  {
    name: 'ingress: Prefix matches whole path elements (/webshop is not /web): 404',
    from: 'host',
    to: 'http://shop.example.com/webshop',
    via: 'ingress',
    want: { status: 404 },
  },
  {
    name: "ingress: a host's rules do not fall through to host-less rules: 404",
    from: 'host',
    to: 'http://shop.example.com/local',
    via: 'ingress',
    want: { status: 404 },
  },
  {
    name: 'ingress: a host no rule names reaches the catch-all server',
    from: 'host',
    to: 'http://other.example.com/local',
    via: 'ingress',
    want: { endpoints: ['local-1'], seen: 'pod:ingress-nginx-controller', client: 'node:control-plane' },
  },
];
