import type { KubeObject, Pod, Service } from '../../api/types.js';
import { silentLogger } from '../../log/index.js';
import { ObjectStore } from '../../store/object-store.js';
import { Registry } from '../../store/registry.js';
import { FakeClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import { EventRecorder } from '../runtime/events.js';

/** A fresh store + registry with the default namespace, for controller fixtures. */
export function fixture() {
  const store = new ObjectStore({ freeze: true });
  const clock = new FakeClock();
  const logger = silentLogger();
  const registry = new Registry({ store, clock, random: seededRandom(3) });
  const events = new EventRecorder({ registry, clock, logger });
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return { store, clock, logger, registry, events };
}

export function service(
  name: string,
  spec: Service['spec'],
  labels?: Record<string, string>,
): Service & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(labels ? { labels } : {}) },
    spec: {
      clusterIP: '10.96.100.1',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      ...spec,
    },
  };
}

export interface PodOptions {
  readonly ip?: string;
  readonly ready?: boolean;
  readonly node?: string;
  readonly labels?: Record<string, string>;
  readonly terminating?: boolean;
  readonly phase?: string;
  readonly ports?: Array<{ name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }>;
}

export function pod(name: string, options: PodOptions = {}): Pod & KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: options.labels ?? { app: 'web' },
      ...(options.terminating ? { deletionTimestamp: '2026-01-01T00:00:30Z' } : {}),
    },
    spec: {
      nodeName: options.node ?? 'worker-1',
      containers: [
        {
          name: 'app',
          image: 'agnhost',
          ports: options.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        },
      ],
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.ip === undefined ? {} : { podIP: options.ip, podIPs: [{ ip: options.ip }] }),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}
