import { afterEach, describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKind } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { seedCluster } from './cli-fixtures.js';
import { type CliHarness, KUBECTL, startCliHarness } from './cli-harness.js';

// Write commands change the cluster, so each runs twice on two identical
// fresh clusters: once through netkube, once through the real kubectl 1.32.
// Output, exit code and the resulting objects must be the same.

const harnesses: CliHarness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

async function twin(): Promise<[CliHarness, CliHarness]> {
  const now = Date.now();
  const a = await startCliHarness();
  const b = await startCliHarness();
  harnesses.push(a, b);
  seedCluster((o) => a.seed(o), now);
  seedCluster((o) => b.seed(o), now);
  return [a, b];
}

/** An object without what differs between two clusters (uids, times, versions). */
function comparable(h: CliHarness, kind: string, name: string): unknown {
  const info = resourceForKind(kind) as ResourceInfo;
  let obj: KubeObject;
  try {
    obj = h.registry.get(info, info.namespaced ? 'default' : undefined, name);
  } catch {
    return 'absent';
  }
  const text = JSON.stringify(obj, (key, value) =>
    [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'managedFields',
      'deletionTimestamp',
      'kubectl.kubernetes.io/restartedAt',
      'observedGeneration',
    ].includes(key)
      ? undefined
      : value,
  );
  return JSON.parse(text);
}

const SCENARIOS: Array<{ argv: string[]; check?: [kind: string, name: string] }> = [
  { argv: ['scale', 'deploy/web', '--replicas=3'], check: ['Deployment', 'web'] },
  {
    argv: ['scale', 'deployment', 'web', '--replicas=5', '--current-replicas=4'],
    check: ['Deployment', 'web'],
  },
  { argv: ['scale', 'rs/web-7d4b9c8f5b', '--replicas=1'], check: ['ReplicaSet', 'web-7d4b9c8f5b'] },
  { argv: ['scale', 'pod/web-7d4b9c8f5b-4jw2p', '--replicas=2'] },
  { argv: ['set', 'image', 'deployment/web', 'nginx=nginx:1.27'], check: ['Deployment', 'web'] },
  { argv: ['set', 'image', 'deploy/web', 'nginx=nginx:1.25'], check: ['Deployment', 'web'] },
  { argv: ['set', 'image', 'deploy/web', 'app=nginx:1.27'], check: ['Deployment', 'web'] },
  {
    argv: ['set', 'image', 'pod/web-7d4b9c8f5b-4jw2p', '*=nginx:1.26'],
    check: ['Pod', 'web-7d4b9c8f5b-4jw2p'],
  },
  { argv: ['rollout', 'pause', 'deploy/web'], check: ['Deployment', 'web'] },
  { argv: ['rollout', 'resume', 'deploy/web'], check: ['Deployment', 'web'] },
  { argv: ['rollout', 'restart', 'deploy/web'], check: ['Deployment', 'web'] },
  { argv: ['rollout', 'undo', 'deploy/web'], check: ['Deployment', 'web'] },
  { argv: ['rollout', 'undo', 'deploy/web', '--to-revision=2'], check: ['Deployment', 'web'] },
  { argv: ['rollout', 'undo', 'deploy/web', '--to-revision=9'], check: ['Deployment', 'web'] },
  {
    argv: ['label', 'pod', 'web-7d4b9c8f5b-4jw2p', 'app=web-out', '--overwrite'],
    check: ['Pod', 'web-7d4b9c8f5b-4jw2p'],
  },
  { argv: ['label', 'pod/web-7d4b9c8f5b-4jw2p', 'app=other'], check: ['Pod', 'web-7d4b9c8f5b-4jw2p'] },
  {
    argv: ['label', 'pods', '-l', 'app=web', 'tier=front', 'pod-template-hash-'],
    check: ['Pod', 'web-7d4b9c8f5b-x8k2d'],
  },
  { argv: ['label', 'svc', 'web', 'app-', 'nope-'], check: ['Service', 'web'] },
  { argv: ['label', 'svc', 'web', 'app=web'], check: ['Service', 'web'] },
  { argv: ['label', 'svc', 'web', 'bad=a b'] },
  { argv: ['label', 'svc', 'web'] },
  { argv: ['annotate', 'deploy', 'web', 'kubernetes.io/change-cause=demo v2'], check: ['Deployment', 'web'] },
  { argv: ['annotate', 'deploy/web', 'deployment.kubernetes.io/revision=5'], check: ['Deployment', 'web'] },
  { argv: ['annotate', 'svc', 'web', 'note=x', 'note-'] },
  { argv: ['delete', 'svc', 'web'], check: ['Service', 'web'] },
  { argv: ['delete', 'configmap/web-config', 'ingress/shop'], check: ['ConfigMap', 'web-config'] },
  { argv: ['delete', 'pod', 'web-7d4b9c8f5b-4jw2p', '--wait=false'], check: ['Pod', 'web-7d4b9c8f5b-4jw2p'] },
  {
    argv: ['delete', 'pod', 'web-7d4b9c8f5b-x8k2d', '--grace-period=0', '--force'],
    check: ['Pod', 'web-7d4b9c8f5b-x8k2d'],
  },
  { argv: ['delete', 'pods', '-l', 'app=web', '--wait=false'] },
  { argv: ['delete', 'pod', 'nope'] },
  { argv: ['delete', 'ingress', '-l', 'app=none'] },
  { argv: ['delete', 'deploy', 'web', '-o', 'name', '--wait=false'], check: ['Deployment', 'web'] },
];

describe('write commands behave as kubectl', () => {
  it.skipIf(!KUBECTL).each(SCENARIOS.map((s) => [s.argv.join(' '), s] as const))('%s', async (_name, s) => {
    const [ours, theirs] = await twin();
    const [a, b] = await Promise.all([ours.netkube(s.argv), theirs.kubectl(s.argv)]);
    expect(a.stdout).toBe(b?.stdout);
    expect(a.stderr).toBe(b?.stderr);
    expect(a.code).toBe(b?.code);
    if (s.check) expect(comparable(ours, ...s.check)).toEqual(comparable(theirs, ...s.check));
  });
});
