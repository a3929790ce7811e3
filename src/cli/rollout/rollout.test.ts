import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../api/types.js';
import { viewHistory } from './history.js';
import { splitReplicaSets } from './replicasets.js';
import { deploymentStatus } from './status.js';
import { planRollback } from './undo.js';

function template(image: string, hash?: string) {
  return {
    metadata: {
      creationTimestamp: null,
      labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) },
    },
    spec: { containers: [{ name: 'nginx', image, resources: {} }] },
  };
}

function deployment(image: string, extra: Record<string, unknown> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'd1',
      generation: 3,
      annotations: {
        'deployment.kubernetes.io/revision': '2',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        team: 'shop',
      },
    },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template(image) },
    ...extra,
  } as unknown as Deployment;
}

function rs(
  name: string,
  revision: string,
  image: string,
  opts: { owner?: string; created?: string; cause?: string } = {},
): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: opts.created ?? '2026-11-22T00:00:00Z',
      annotations: {
        'deployment.kubernetes.io/revision': revision,
        'deployment.kubernetes.io/desired-replicas': '2',
        ...(opts.cause ? { 'kubernetes.io/change-cause': opts.cause } : {}),
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: opts.owner ?? 'd1', controller: true },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: template(image, name.slice(4)),
    },
  } as unknown as ReplicaSet;
}

const sets = [
  rs('web-aaaa', '1', 'nginx:1.24', { cause: 'kubectl apply --filename=web.yaml' }),
  rs('web-bbbb', '2', 'nginx:1.25', { created: '2026-11-22T00:01:00Z' }),
  rs('web-cccc', '7', 'nginx:1.26', { owner: 'someone-else' }),
];

describe('rollout status (DeploymentStatusViewer)', () => {
  const base = deployment('nginx:1.25');
  it.each([
    {
      name: 'spec not observed',
      status: { observedGeneration: 2 },
      want: 'Waiting for deployment spec update to be observed...\n',
      done: false,
    },
    {
      name: 'updating',
      status: { observedGeneration: 3, updatedReplicas: 1, replicas: 3 },
      want: 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n',
      done: false,
    },
    {
      name: 'old pending termination',
      status: { observedGeneration: 3, updatedReplicas: 2, replicas: 3 },
      want: 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n',
      done: false,
    },
    {
      name: 'not yet available',
      status: { observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 1 },
      want: 'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...\n',
      done: false,
    },
    {
      name: 'done',
      status: { observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 2 },
      want: 'deployment "web" successfully rolled out\n',
      done: true,
    },
  ])('$name', ({ status, want, done }) => {
    expect(deploymentStatus({ ...base, status } as Deployment)).toEqual({ message: want, done });
  });

  it('fails on a progress deadline and on a revision mismatch', () => {
    const stuck = {
      ...base,
      status: {
        observedGeneration: 3,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    } as Deployment;
    expect(() => deploymentStatus(stuck)).toThrow('deployment "web" exceeded its progress deadline');
    expect(() => deploymentStatus(base, 5)).toThrow(
      'desired revision (5) is different from the running revision (2)',
    );
  });
});

describe('rollout history', () => {
  it('lists owned revisions with their change-cause', () => {
    expect(viewHistory(deployment('nginx:1.25'), sets)).toBe(
      'REVISION  CHANGE-CAUSE\n1         kubectl apply --filename=web.yaml\n2         <none>\n',
    );
  });

  it('prints one revision template unaligned, as kubectl does', () => {
    expect(viewHistory(deployment('nginx:1.25'), sets, 1)).toBe(
      'Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=aaaa\n  Annotations:\tkubernetes.io/change-cause: kubectl apply --filename=web.yaml\n  Containers:\n   nginx:\n    Image:\tnginx:1.24\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n',
    );
    expect(() => viewHistory(deployment('nginx:1.25'), sets, 9)).toThrow(
      'unable to find the specified revision',
    );
  });

  it('says so when there is no history', () => {
    expect(viewHistory(deployment('nginx:1.25'), [])).toBe('No rollout history found.');
  });
});

describe('rollout undo (DeploymentRollbacker)', () => {
  it('goes back to the previous revision with a JSON patch keeping the skip-list annotations', () => {
    const plan = planRollback(deployment('nginx:1.25'), sets, 0);
    expect(plan).toEqual({
      kind: 'patch',
      patch: [
        { op: 'replace', path: '/spec/template', value: template('nginx:1.24') },
        {
          op: 'replace',
          path: '/metadata/annotations',
          value: {
            'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
            'deployment.kubernetes.io/revision': '2',
            'kubernetes.io/change-cause': 'kubectl apply --filename=web.yaml',
          },
        },
      ],
    });
  });

  it('skips when the target already matches, ignoring pod-template-hash and empty defaults', () => {
    expect(planRollback(deployment('nginx:1.25'), sets, 2)).toEqual({
      kind: 'skip',
      message: 'skipped rollback (current template already matches revision 2)',
    });
  });

  it.each([
    { name: 'unknown revision', to: 9, err: 'unable to find specified revision 9 in history' },
    { name: 'revision of another owner', to: 7, err: 'unable to find specified revision 7 in history' },
  ])('$name', ({ to, err }) => {
    expect(() => planRollback(deployment('nginx:1.25'), sets, to)).toThrow(err);
  });

  it('refuses paused deployments and needs history', () => {
    const paused = deployment('nginx:1.25', {
      spec: { ...deployment('x').spec, paused: true } as Deployment['spec'],
    });
    expect(() => planRollback(paused, sets, 1)).toThrow(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    );
    expect(() => planRollback(deployment('nginx:1.25'), [sets[1] as ReplicaSet], 0)).toThrow(
      'no rollout history found for deployment "web"',
    );
  });

  it('splits owned ReplicaSets into new and old like GetAllReplicaSets', () => {
    const split = splitReplicaSets(deployment('nginx:1.25'), sets);
    expect(split.new?.metadata?.name).toBe('web-bbbb');
    expect(split.old.map((r) => r.metadata?.name)).toEqual(['web-aaaa']);
  });
});
