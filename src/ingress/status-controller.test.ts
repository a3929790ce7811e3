import { describe, expect, it } from 'vitest';
import type { KubeObject, Node, Pod, Service } from '../api/types.js';
import { newFixture } from '../controllers/runtime/testing.js';
import { IngressStatusController } from './status-controller.js';
import { backendWorld, ingress, ingressClass, rule } from './testing/fixtures.js';

type WithStatus = KubeObject & { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } };

const LABELS = { 'app.kubernetes.io/name': 'ingress-nginx' };

function controllerService(lbIP?: string): Service & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    spec: { type: 'LoadBalancer', selector: LABELS, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    ...(lbIP ? { status: { loadBalancer: { ingress: [{ ip: lbIP }] } } } : {}),
  } as Service & KubeObject;
}

function controllerPod(name: string, node: string, ready: boolean): Pod & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ingress-nginx', labels: LABELS },
    spec: {
      nodeName: node,
      containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.12.1' }],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  } as Pod & KubeObject;
}

function node(name: string, ip: string): Node & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  } as Node & KubeObject;
}

function setup(lbIP: string | undefined, ready = true) {
  const f = newFixture({ namespaces: ['default', 'ingress-nginx'], freeze: false });
  const web = ingress('web', { rules: [rule('shop.example.com', ['/', 'Prefix', 'shop'])] });
  const other = ingress(
    'other',
    { rules: [rule('x.test', ['/', 'Prefix', 'shop'])] },
    { className: 'traefik' },
  );
  const strip = (o: KubeObject): KubeObject => {
    const { uid: _u, creationTimestamp: _c, ...metadata } = o.metadata;
    return { ...o, metadata };
  };
  const world = backendWorld([web]);
  f.store.create('ingressclasses.networking.k8s.io', ingressClass());
  f.store.create('nodes', node('worker-1', '127.0.10.2'));
  f.store.create('services', controllerService(lbIP));
  f.store.create('pods', controllerPod('ingress-nginx-controller-abc', 'worker-1', ready));
  for (const s of world.services) f.store.create('services', s);
  for (const s of world.endpointSlices) f.store.create('endpointslices.discovery.k8s.io', s);
  f.seed(strip(web), strip(other));
  const ctl = new IngressStatusController({ ...f });
  return { f, ctl };
}

function address(f: ReturnType<typeof newFixture>, name: string): string[] {
  const ing = f.store.get<WithStatus>('ingresses.networking.k8s.io', 'default', name);
  return (ing?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
}

describe('IngressStatusController', () => {
  it('publishes the controller Service LoadBalancer IP on served Ingresses only', () => {
    const { f, ctl } = setup('127.0.20.1');
    ctl.sync();
    expect(address(f, 'web')).toEqual(['127.0.20.1']);
    expect(address(f, 'other')).toEqual([]);
  });

  it('falls back to the InternalIPs of nodes running a ready controller pod while the LB is pending', () => {
    const { f, ctl } = setup(undefined);
    ctl.sync();
    expect(address(f, 'web')).toEqual(['127.0.10.2']);
  });

  it('removes the addresses when no controller pod is ready', () => {
    const { f, ctl } = setup('127.0.20.1');
    ctl.sync();
    const pod = f.store.get<Pod & KubeObject>(
      'pods',
      'ingress-nginx',
      'ingress-nginx-controller-abc',
    ) as Pod & KubeObject;
    f.store.update('pods', {
      ...pod,
      status: { ...pod.status, conditions: [{ type: 'Ready', status: 'False' }] },
    });
    ctl.sync();
    expect(address(f, 'web')).toEqual([]);
  });

  it('records Sync once per generation and a Warning per diagnostic', () => {
    const { f, ctl } = setup('127.0.20.1');
    const web = f.store.get<KubeObject>('ingresses.networking.k8s.io', 'default', 'web') as KubeObject;
    f.registry.update({
      ...web,
      metadata: { ...web.metadata, annotations: { 'nginx.ingress.kubernetes.io/enable-magic': 'true' } },
    });
    ctl.sync();
    ctl.sync();
    expect(f.eventLines()).toEqual([
      'Normal Sync Scheduled for sync',
      'Warning UnknownAnnotation annotation nginx.ingress.kubernetes.io/enable-magic is not known to ingress-nginx and is ignored',
    ]);
  });

  it('runs as a controller: a new Ingress gets its address after the queue settles', async () => {
    const { f, ctl } = setup('127.0.20.1');
    const abort = new AbortController();
    ctl.start(abort.signal);
    await ctl.whenIdle();
    f.registry.create(
      ingress('late', { rules: [rule('late.test', ['/', 'Prefix', 'shop'])] }, {}) as KubeObject,
    );
    await new Promise((r) => setImmediate(r));
    await ctl.whenIdle();
    expect(address(f, 'late')).toEqual(['127.0.20.1']);
    await ctl.stop();
  });
});
