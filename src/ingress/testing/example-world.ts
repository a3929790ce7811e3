/**
 * Runs an `examples/` directory without the emulator: its manifests are
 * loaded and checked as `netkube up` would, every Deployment's pods start as
 * the real simulated images (agnhost, http-echo, whoami…), and Services get
 * EndpointSlices of the pods they select. The ingress tests then send the
 * README's requests through the controller app to those pods.
 */
import type {
  Container,
  Deployment,
  IngressClass,
  KubeObject,
  Secret,
  Service,
  ServicePort,
} from '../../api/types.js';
import { loadManifests } from '../../manifest/index.js';
import type { Clock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { createApp } from '../../workloads/index.js';
import type { App, AppContext, PodNetwork } from '../../workloads/types.js';
import type { IngressSnapshot } from '../compile.js';
import type { IngressObject } from '../ingress-class.js';
import type { SecretObject } from '../tls-config.js';
import type { EndpointSliceObject, ServiceObject } from '../upstreams.js';
import { ingressClass, T0 } from './fixtures.js';

interface ExamplePod {
  readonly name: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly container: Container;
  readonly app: App;
}

export interface ExampleWorld {
  readonly snapshot: IngressSnapshot;
  /** Pod apps by `ip:port` for every container port. */
  readonly apps: ReadonlyMap<string, App>;
  readonly pods: readonly ExamplePod[];
}

const UNUSED_NETWORK = {} as PodNetwork;

function podContext(
  name: string,
  ip: string,
  c: Container,
  clock: Clock,
  labels: Record<string, string>,
): AppContext {
  return {
    pod: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      ip,
      nodeName: 'worker-1',
      hostname: name,
      labels,
      annotations: {},
    },
    container: {
      name: c.name,
      image: c.image ?? '',
      command: c.command ?? [],
      args: c.args ?? [],
      env: {},
      ports: c.ports ?? [],
    },
    clock,
    random: seededRandom(7),
    network: UNUSED_NETWORK,
    log: () => {},
    exit: () => {},
  };
}

function startPods(deployments: readonly (Deployment & KubeObject)[], clock: Clock): ExamplePod[] {
  const pods: ExamplePod[] = [];
  deployments.forEach((d, k) => {
    const template = d.spec?.template;
    const container = template?.spec?.containers[0];
    const labels = { ...(template?.metadata?.labels ?? {}) };
    if (!container) return;
    for (let i = 0; i < (d.spec?.replicas ?? 1); i++) {
      const name = `${d.metadata.name}-7c9d8f5b6d-${'abcdefghij'[i]}x${k}q`;
      const ip = `10.244.${1 + k}.${10 + i}`;
      const app = createApp(podContext(name, ip, container, clock, labels));
      if ('kind' in app) throw new Error(`${name}: ${app.message}`);
      pods.push({ name, ip, labels, container, app });
    }
  });
  return pods;
}

function targetPort(port: ServicePort, c: Container): number {
  const t = port.targetPort ?? port.port;
  if (typeof t === 'number') return t;
  return c.ports?.find((p) => p.name === t)?.containerPort ?? port.port;
}

function endpointSlice(svc: Service & KubeObject, pods: readonly ExamplePod[]): EndpointSliceObject {
  const selector = svc.spec?.selector ?? {};
  const selected = pods.filter((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v));
  const first = selected[0];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc.metadata.name}-x1y2z`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': svc.metadata.name ?? '' },
    },
    addressType: 'IPv4',
    endpoints: selected.map((p) => ({
      addresses: [p.ip],
      conditions: { ready: true },
      targetRef: { kind: 'Pod', namespace: 'default', name: p.name },
    })),
    ports: (svc.spec?.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: first ? targetPort(p, first.container) : p.port,
      protocol: 'TCP',
    })),
  } as EndpointSliceObject;
}

function stamp<T extends KubeObject>(obj: T, i: number): T {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      namespace: obj.metadata.namespace ?? 'default',
      uid: `uid-${i}`,
      creationTimestamp: new Date(T0 + i * 1000).toISOString(),
    },
  };
}

/** Loads `dir` (an examples/ directory) and starts its pods. */
export async function exampleWorld(dir: string, clock: Clock): Promise<ExampleWorld> {
  const { manifests } = await loadManifests([dir]);
  const objects = manifests.map((m, i) => stamp(m.object, i));
  const of = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
  const pods = startPods(of<Deployment & KubeObject>('Deployment'), clock);
  const services = of<ServiceObject>('Service').map((s, i) => ({
    ...s,
    spec: { ...s.spec, clusterIP: `10.96.0.${100 + i}` },
  }));
  const apps = new Map<string, App>();
  for (const p of pods)
    for (const port of p.container.ports ?? []) apps.set(`${p.ip}:${port.containerPort}`, p.app);
  const classes = of<IngressClass & KubeObject>('IngressClass');
  return {
    snapshot: {
      ingresses: of<IngressObject>('Ingress'),
      ingressClasses: classes.length ? classes : [ingressClass()],
      services,
      endpointSlices: services.map((s) => endpointSlice(s, pods)),
      secrets: of<Secret & KubeObject>('Secret') as SecretObject[],
    },
    apps,
    pods,
  };
}
