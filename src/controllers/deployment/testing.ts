/**
 * Builders for Deployment tests: a Deployment from a few fields, and a
 * stand-in for the ReplicaSet controller and kubelets that reports every
 * ReplicaSet's pods (as many as its spec asks) with a chosen availability.
 */
import type { Fixture } from '../runtime/testing.js';
import type { DeploymentObject, ReplicaSetObject } from './util.js';

/** Fields `newDeployment` lets a test vary. */
export interface DeploymentOptions {
  readonly name?: string;
  readonly replicas?: number;
  readonly image?: string;
  readonly strategy?: 'RollingUpdate' | 'Recreate';
  readonly maxSurge?: number | string;
  readonly maxUnavailable?: number | string;
  readonly revisionHistoryLimit?: number;
  readonly progressDeadlineSeconds?: number;
  readonly minReadySeconds?: number;
  readonly paused?: boolean;
  readonly annotations?: Record<string, string>;
}

/** A Deployment of `app: <name>` running one nginx container. */
export function newDeployment(o: DeploymentOptions = {}): DeploymentObject {
  const name = o.name ?? 'web';
  const rolling = (o.strategy ?? 'RollingUpdate') === 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      strategy: rolling
        ? {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' },
          }
        : { type: 'Recreate' },
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      minReadySeconds: o.minReadySeconds ?? 0,
      ...(o.paused ? { paused: true } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'nginx', image: o.image ?? 'nginx:1.14.2', ports: [{ containerPort: 80 }] }],
        },
      },
    },
  };
}

/** The stored Deployment. */
export function getDeployment(fx: Fixture, name = 'web'): DeploymentObject {
  const d = fx.store.get<DeploymentObject>('deployments.apps', 'default', name);
  if (!d) throw new Error(`no deployment ${name}`);
  return d;
}

/** The Deployment's ReplicaSets, oldest first (by revision). */
export function replicaSets(fx: Fixture): ReplicaSetObject[] {
  return fx.store
    .list<ReplicaSetObject>('replicasets.apps', { namespace: 'default' })
    .sort(
      (a, b) =>
        Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
        Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
    );
}

/** `name=replicas` of each ReplicaSet, oldest revision first. */
export function sizes(fx: Fixture): string[] {
  return replicaSets(fx).map((rs) => `${rs.metadata.name}=${rs.spec?.replicas}`);
}

/** Changes the Deployment's template image (what `kubectl set image` does). */
export function setImage(fx: Fixture, image: string, name = 'web'): void {
  const d = getDeployment(fx, name);
  const template = d.spec?.template;
  const containers = template?.spec?.containers ?? [];
  fx.registry.update({
    ...d,
    spec: {
      ...d.spec,
      template: {
        ...template,
        spec: { ...template?.spec, containers: containers.map((c) => ({ ...c, image })) },
      },
    },
  } as DeploymentObject);
}

/**
 * Reports each ReplicaSet's pods as the ReplicaSet controller and kubelets
 * would: `replicas` = spec, ready = available = `available(rs)` capped at the
 * spec; writes only what changed.
 */
export function reportPods(fx: Fixture, available: (rs: ReplicaSetObject) => number): void {
  for (const rs of fx.store.list<ReplicaSetObject>('replicasets.apps')) {
    const replicas = rs.spec?.replicas ?? 1;
    const avail = Math.min(replicas, available(rs));
    fx.registry.update(
      {
        ...rs,
        status: {
          replicas,
          ...(replicas ? { fullyLabeledReplicas: replicas } : {}),
          ...(avail ? { readyReplicas: avail, availableReplicas: avail } : {}),
          observedGeneration: rs.metadata.generation ?? 1,
        },
      },
      { subresource: 'status' },
    );
  }
}

/** Every pod of every ReplicaSet is available. */
export function allAvailable(rs: ReplicaSetObject): number {
  return rs.spec?.replicas ?? 1;
}
