import { describe, expect, it } from 'vitest';
import type { KubeObject, Service } from '../../api/types.js';
import { addSelectionIndexes } from '../../controllers/service/selection.js';
import type { EmulatorStatus } from '../../emulator/routes.js';
import { ObjectStore } from '../../store/object-store.js';
import { servedServices, summaryText } from './summary.js';

const status: EmulatorStatus = {
  name: 'default',
  version: 'v1.32.0',
  apiUrl: 'http://127.0.0.1:6443',
  nodes: [
    { name: 'control-plane', address: '127.0.10.1', role: 'control-plane', ready: true, stopped: false },
    { name: 'worker-1', address: '127.0.10.2', role: 'worker', ready: true, stopped: false },
  ],
  dns: { host: '127.0.0.1', port: 10053 },
  socks: { host: '127.0.0.1', port: 1080 },
  pods: { ready: 3, total: 3 },
  listenFailures: [],
};

function svc(name: string, spec: NonNullable<Service['spec']>): Service & KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

function tryLines(services: (Service & KubeObject)[], served: string[]): string[] {
  const text = summaryText({
    status,
    services,
    served: new Set(served),
    readiness: {
      ready: true,
      nodes: { ready: 2, total: 2 },
      pods: { ready: 3, total: 3 },
      stuck: [],
      waiting: [],
    },
    kubeconfig: '/home/u/.netkube/default/kubeconfig',
    elapsedMs: 400,
  });
  return text.slice(text.indexOf('Try:')).split('\n');
}

describe('the ready summary', () => {
  it('suggests only Services with a ready endpoint, with their port, and nc for ports that are not HTTP', () => {
    const lines = tryLines(
      [
        svc('empty', { type: 'NodePort', ports: [{ port: 80, nodePort: 30081, protocol: 'TCP' }] }),
        svc('mysql', { type: 'NodePort', ports: [{ port: 3306, nodePort: 30306, protocol: 'TCP' }] }),
        svc('myweb-svc', { type: 'ClusterIP', ports: [{ port: 8001, targetPort: 80, protocol: 'TCP' }] }),
      ],
      ['default/mysql', 'default/myweb-svc'],
    );
    expect(lines).toContain('  nc -vz 127.0.10.2 30306            # default/mysql through a NodePort');
    expect(lines.join('\n')).not.toContain('30081');
    expect(lines).toContain(
      '  dig @127.0.0.1 -p 10053 myweb-svc.default.svc.cluster.local +short   # cluster DNS',
    );
    expect(lines).toContain(
      '  curl --socks5-hostname 127.0.0.1:1080 http://myweb-svc.default.svc.cluster.local:8001/   # a ClusterIP from the laptop',
    );
  });

  it('keeps the demo’s lines: port 80 without a port in the URL', () => {
    const lines = tryLines(
      [
        svc('hello', { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] }),
        svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
      ],
      ['default/hello', 'default/web'],
    );
    expect(lines.slice(0, 4)).toEqual([
      'Try:',
      '  curl http://127.0.10.2:30080/            # default/web through a NodePort',
      '  dig @127.0.0.1 -p 10053 hello.default.svc.cluster.local +short   # cluster DNS',
      '  curl --socks5-hostname 127.0.0.1:1080 http://hello.default.svc.cluster.local/   # a ClusterIP from the laptop',
    ]);
  });

  it('says that an externalIP outside loopback is not bound, and how to reach it', () => {
    const text = summaryText({
      status,
      services: [
        svc('myweb-svc', {
          type: 'ClusterIP',
          externalIPs: ['192.168.56.103'],
          ports: [{ port: 8001, targetPort: 80, protocol: 'TCP' }],
        }),
      ],
      served: new Set(['default/myweb-svc']),
      readiness: {
        ready: true,
        nodes: { ready: 2, total: 2 },
        pods: { ready: 1, total: 1 },
        stuck: [],
        waiting: [],
      },
      kubeconfig: '/k',
      elapsedMs: 400,
    });
    expect(text).toContain(
      '192.168.56.103 (externalIP of default/myweb-svc) is not a loopback address, so it is not bound here: reach it from pods, with `netkube curl --from node/NAME` or through the SOCKS gateway.',
    );
  });
});

describe('served Services', () => {
  it('counts a Service whose selected pod is Ready before its EndpointSlice is written, and a selectorless one by its slices', () => {
    const store = new ObjectStore();
    addSelectionIndexes(store);
    const pod = (name: string, ready: boolean) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: name.split('-')[0] ?? '' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    store.create('pods', pod('web-1', true));
    store.create('pods', pod('db-1', false));
    store.create('endpointslices', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'laptop-1',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'laptop' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.168.65.254'], conditions: { ready: true } }],
    });
    const services = [
      svc('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
      svc('db', { selector: { app: 'db' }, ports: [{ port: 3306 }] }),
      svc('laptop', { ports: [{ port: 80 }] }),
    ];
    for (const s of services) store.create('services', s);
    expect([...servedServices(store, services)].sort()).toEqual(['default/laptop', 'default/web']);
  });
});
