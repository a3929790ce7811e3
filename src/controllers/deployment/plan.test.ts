import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../util/clock.js';
import { type DeploymentSyncInput, planDeploymentSync } from './plan.js';
import type { DeploymentAction } from './plan-state.js';
import { newDeployment } from './testing.js';
import { type DeploymentObject, type ReplicaSetObject, resolveFenceposts } from './util.js';

const NOW = Date.UTC(2026, 0, 1);

function rs(
  name: string,
  replicas: number,
  available: number,
  annotations: Record<string, string>,
  age: number,
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: rfc3339(NOW - age * 1000),
      generation: 1,
      annotations,
      labels: { app: 'web' },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } } },
    },
    status: { replicas, availableReplicas: available, readyReplicas: available, observedGeneration: 1 },
  } as ReplicaSetObject;
}

function events(actions: readonly DeploymentAction[]): string[] {
  return actions.flatMap((a) => (a.kind === 'event' ? [`${a.reason} ${a.message}`] : []));
}

/** A rollout whose pods never become available, last seen progressing at NOW. */
function stuckRollout(name: string, since: number): DeploymentSyncInput {
  const d = newDeployment({ progressDeadlineSeconds: 10 });
  return {
    deployment: {
      ...d,
      metadata: {
        ...d.metadata,
        uid: 'd',
        generation: 1,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      },
      status: {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        unavailableReplicas: 3,
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
            lastUpdateTime: rfc3339(NOW),
            lastTransitionTime: rfc3339(NOW),
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${name}" is progressing.`,
            lastUpdateTime: rfc3339(NOW),
            lastTransitionTime: rfc3339(NOW),
          },
        ],
      },
    },
    replicaSets: [
      {
        ...rs(
          name,
          3,
          0,
          {
            'deployment.kubernetes.io/revision': '1',
            'deployment.kubernetes.io/desired-replicas': '3',
            'deployment.kubernetes.io/max-replicas': '4',
          },
          5,
        ),
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: d.spec?.template },
      } as ReplicaSetObject,
    ],
    now: since,
  };
}

describe('planDeploymentSync', () => {
  it('scales proportionally during a rollout (the kubernetes.io docs example: 10 → 15, maxSurge 3)', () => {
    const d = newDeployment({ replicas: 15, maxSurge: 3, maxUnavailable: 2, image: 'nginx:new' });
    const deployment = {
      ...d,
      metadata: { ...d.metadata, uid: 'd', generation: 2 },
      status: { replicas: 13 },
    };
    const newTemplate = deployment.spec?.template;
    const old = rs(
      'web-old',
      8,
      8,
      {
        'deployment.kubernetes.io/revision': '1',
        'deployment.kubernetes.io/desired-replicas': '10',
        'deployment.kubernetes.io/max-replicas': '13',
      },
      60,
    );
    const fresh = {
      ...rs(
        'web-new',
        5,
        0,
        {
          'deployment.kubernetes.io/revision': '2',
          'deployment.kubernetes.io/desired-replicas': '10',
          'deployment.kubernetes.io/max-replicas': '13',
        },
        10,
      ),
      spec: { replicas: 5, selector: { matchLabels: { app: 'web' } }, template: newTemplate },
    } as ReplicaSetObject;
    const plan = planDeploymentSync({ deployment, replicaSets: [old, fresh], now: NOW });
    expect(events(plan.actions)).toEqual([
      'ScalingReplicaSet Scaled up replica set web-old from 8 to 11',
      'ScalingReplicaSet Scaled up replica set web-new from 5 to 7',
    ]);
    const written = plan.actions.flatMap((a) => (a.kind === 'updateReplicaSet' ? [a.replicaSet] : []));
    expect(written.map((r) => r.metadata.annotations?.['deployment.kubernetes.io/max-replicas'])).toEqual([
      '18',
      '18',
    ]);
  });

  it('refuses a selector that selects everything', () => {
    const d = newDeployment();
    const deployment = {
      ...d,
      metadata: { ...d.metadata, generation: 1 },
      spec: { ...d.spec, selector: {} },
    } as DeploymentObject;
    const plan = planDeploymentSync({ deployment, replicaSets: [], now: NOW });
    expect(events(plan.actions)).toEqual([
      'SelectingAll This deployment is selecting all pods. A non-empty selector is required.',
    ]);
    expect(plan.actions.some((a) => a.kind === 'createReplicaSet')).toBe(false);
  });

  it('times out when no progress is made within progressDeadlineSeconds, and requeues until then', () => {
    const name = 'web-x';
    const stuck = (now: number) => stuckRollout(name, now);
    expect(planDeploymentSync(stuck(NOW + 4000)).actions).toEqual([{ kind: 'requeueAfter', ms: 6000 }]);
    const late = planDeploymentSync(stuck(NOW + 11_000)).actions.find(
      (a) => a.kind === 'updateDeploymentStatus',
    );
    const progressing =
      late?.kind === 'updateDeploymentStatus'
        ? late.status.conditions?.find((c) => c.type === 'Progressing')
        : undefined;
    expect(progressing).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${name}" has timed out progressing.`,
    });
  });
});

describe('rolling update invariants (property)', () => {
  const percent = fc.constantFrom('0%', '10%', '25%', '50%', '100%');
  const bound = fc.oneof(fc.integer({ min: 0, max: 4 }), percent);

  it('never exceeds replicas + maxSurge, never drops below replicas − maxUnavailable, and completes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        bound,
        bound,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }),
        (replicas, surge, unavailable, progress) => {
          fc.pre(!(surge === 0 || surge === '0%') || !(unavailable === 0 || unavailable === '0%'));
          const d1 = newDeployment({ replicas, maxSurge: surge, maxUnavailable: unavailable });
          const start = simulateFrom(
            { ...d1, metadata: { ...d1.metadata, uid: 'd', generation: 1 } },
            [],
            30,
            () => replicas,
          );
          const d2 = newDeployment({
            replicas,
            maxSurge: surge,
            maxUnavailable: unavailable,
            image: 'nginx:2',
          });
          let deployment = {
            ...start.deployment,
            spec: d2.spec,
            metadata: { ...start.deployment.metadata, generation: 2 },
          } as DeploymentObject;
          const { surge: s, unavailable: u } = resolveFenceposts(deployment);
          const rollout = simulateFrom(deployment, start.rss, 40, (round) => progress[round] ?? 1);
          for (const h of rollout.history) {
            expect(h.spec).toBeLessThanOrEqual(replicas + s);
            expect(h.available).toBeGreaterThanOrEqual(replicas - u);
          }
          deployment = rollout.deployment;
          const done = simulateFrom(deployment, rollout.rss, 30, () => replicas);
          const sizes = done.rss.map((r) => r.spec?.replicas);
          expect(sizes.at(-1)).toBe(replicas);
          expect(sizes.slice(0, -1).every((n) => n === 0)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

interface World {
  deployment: DeploymentObject;
  rss: ReplicaSetObject[];
  seq: number;
}

/** Performs a plan's writes on the in-memory world, as the runner does on the store. */
function apply(world: World, actions: readonly DeploymentAction[]): void {
  for (const a of actions) {
    if (a.kind === 'createReplicaSet') {
      world.seq++;
      const metadata = { ...a.replicaSet.metadata, uid: `u${world.seq}`, generation: 1 };
      metadata.creationTimestamp = rfc3339(NOW + world.seq * 1000);
      world.rss = [...world.rss, { ...a.replicaSet, metadata }];
    } else if (a.kind === 'updateReplicaSet') {
      world.rss = world.rss.map((r) =>
        r.metadata.name === a.replicaSet.metadata.name
          ? ({
              ...a.replicaSet,
              metadata: { ...a.replicaSet.metadata, uid: r.metadata.uid ?? '' },
              status: r.status,
            } as ReplicaSetObject)
          : r,
      );
    } else if (a.kind === 'deleteReplicaSet') {
      world.rss = world.rss.filter((r) => r.metadata.name !== a.replicaSet.metadata.name);
    } else if (a.kind === 'updateDeploymentStatus') {
      world.deployment = { ...world.deployment, status: a.status };
    } else if (a.kind === 'updateDeploymentAnnotations') {
      const metadata = { ...world.deployment.metadata, annotations: { ...a.annotations } };
      world.deployment = { ...world.deployment, metadata };
    }
  }
}

/** Reports pods: scaling down removes unavailable pods first; `newlyAvailable` more become available. */
function reportAvailability(world: World, newlyAvailable: number): void {
  world.rss = world.rss.map((r) => {
    const spec = r.spec?.replicas ?? 0;
    const available = Math.min(spec, (r.status?.availableReplicas ?? 0) + newlyAvailable);
    const status = {
      replicas: spec,
      availableReplicas: available,
      readyReplicas: available,
      observedGeneration: 1,
    };
    return { ...r, status };
  });
}

/** In-memory world for the property test: plans, applies, reports pods, and records totals each round. */
function simulateFrom(
  d: DeploymentObject,
  rss: ReplicaSetObject[],
  rounds: number,
  avail: (round: number) => number,
) {
  const world: World = { deployment: d, rss, seq: 100 };
  const history: Array<{ spec: number; available: number }> = [];
  for (let round = 0; round < rounds; round++) {
    const now = NOW + 100_000 + round * 1000;
    apply(world, planDeploymentSync({ deployment: world.deployment, replicaSets: world.rss, now }).actions);
    reportAvailability(world, avail(round));
    history.push({
      spec: world.rss.reduce((n, r) => n + (r.spec?.replicas ?? 0), 0),
      available: world.rss.reduce((n, r) => n + (r.status?.availableReplicas ?? 0), 0),
    });
  }
  return { deployment: world.deployment, rss: world.rss, history };
}
