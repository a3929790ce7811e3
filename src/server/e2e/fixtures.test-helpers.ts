/**
 * Objects the kubectl end-to-end tests seed by hand (no controllers run in
 * them): pods in given states, a Deployment with two revisions of
 * ReplicaSets, Services and Events.
 */
import type { KubeObject } from '../../api/index.js';
import type { Registry } from '../../store/registry.js';

type Obj = KubeObject & Record<string, unknown>;

/**
 * Creates an object and then writes its status through the status
 * subresource, as the controllers do (create resets a client-set status).
 */
export function seedWithStatus<T extends KubeObject>(registry: Registry, obj: T): T {
  const { status, ...rest } = obj as T & { status?: unknown };
  const created = registry.create(rest as unknown as T);
  if (status === undefined) return created;
  return registry.update({ ...created, status } as T, { subresource: 'status' });
}

export function container(image = 'nginx:1.25'): Record<string, unknown> {
  return {
    name: 'nginx',
    image,
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    resources: {},
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

export function podSpec(image = 'nginx:1.25'): Record<string, unknown> {
  return {
    containers: [container(image)],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    securityContext: {},
  };
}

/** A pod running and ready on `node`. */
export function runningPod(
  name: string,
  options: { node?: string; ip?: string; labels?: Record<string, string> } = {},
): Obj {
  const started = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: options.labels ?? { app: 'web' } },
    spec: { ...podSpec(), nodeName: options.node ?? 'worker-1' },
    status: {
      phase: 'Running',
      podIP: options.ip ?? '10.244.1.5',
      podIPs: [{ ip: options.ip ?? '10.244.1.5' }],
      hostIP: '127.0.10.2',
      startTime: started,
      qosClass: 'BestEffort',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [
        {
          name: 'nginx',
          image: 'nginx:1.25',
          imageID: 'docker.io/library/nginx@sha256:0000',
          containerID: 'containerd://0000',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: started } },
        },
      ],
    },
  };
}

/** A ClusterIP Service selecting `app=<name>`. */
export function service(name: string, type = 'ClusterIP', nodePort?: number): Obj {
  const port: Record<string, unknown> = { name: 'http', port: 80, targetPort: 80, protocol: 'TCP' };
  if (nodePort) port.nodePort = nodePort;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      type,
      clusterIP: '10.96.0.50',
      clusterIPs: ['10.96.0.50'],
      selector: { app: name },
      ports: [port],
    },
  };
}

function template(image: string, hash?: string): Record<string, unknown> {
  const labels: Record<string, string> = { app: 'web' };
  if (hash) labels['pod-template-hash'] = hash;
  return { metadata: { labels }, spec: podSpec(image) };
}

/**
 * Seeds Deployment `web` (template image `current`) and one ReplicaSet per
 * image of `revisions` (revision 1, 2, …) with controller owner references,
 * as the deployment controller would have left them.
 */
export function seedDeploymentHistory(
  registry: Registry,
  revisions: readonly string[],
): { deployment: Obj; replicaSets: Obj[] } {
  const current = revisions[revisions.length - 1] ?? 'nginx:1.25';
  const deployment = seedWithStatus(registry, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': String(revisions.length) },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: template(current),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    },
  } as Obj) as Obj;
  const replicaSets = revisions.map((image, i) => {
    const hash = `${'abcdefghij'.slice(0, 9)}${i}`;
    const last = i === revisions.length - 1;
    return seedWithStatus(registry, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${hash}`,
        namespace: 'default',
        labels: { app: 'web', 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': String(i + 1) },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'web',
            uid: deployment.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: last ? 2 : 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
        template: template(image, hash),
      },
      status: { replicas: last ? 2 : 0, readyReplicas: last ? 2 : 0, availableReplicas: last ? 2 : 0 },
    } as Obj) as Obj;
  });
  return { deployment, replicaSets };
}

/** A core/v1 Event about `obj`. */
export function eventFor(obj: KubeObject, reason: string, message: string, component: string): Obj {
  const ts = new Date(Date.now() - 30_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${obj.metadata.name}.${reason.toLowerCase()}`,
      namespace: obj.metadata.namespace ?? 'default',
    },
    involvedObject: {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name ?? '',
      namespace: obj.metadata.namespace ?? 'default',
      uid: obj.metadata.uid ?? '',
    },
    reason,
    message,
    source: { component },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type: 'Normal',
    reportingComponent: component,
  };
}
