import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json.js';
import { patchSchemaFor } from './schema.js';
import { createThreeWayMergePatch, createTwoWayMergePatch } from './strategic-diff.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function manifest(image: string, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { labels: { app: 'web' }, name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ image, name: 'nginx', ports: [{ containerPort: 80 }] }] },
      },
      ...extra,
    },
  };
}

/** What kubectl sends as `modified`: the manifest with the new last-applied annotation. */
function withAnnotation(m: JsonObject): JsonObject {
  const meta = m.metadata as JsonObject;
  return { ...m, metadata: { ...meta, annotations: { [LAST_APPLIED]: `${JSON.stringify(m)}\n` } } };
}

/** A live object as the server holds it: defaults, status, server metadata. */
function live(m: JsonObject, replicas = 2): JsonObject {
  const applied = withAnnotation(m);
  const spec = applied.spec as JsonObject;
  const template = spec.template as JsonObject;
  const podSpec = template.spec as JsonObject;
  const containers = (podSpec.containers as JsonObject[]).map((c) => ({
    ...c,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    resources: {},
  }));
  return {
    ...applied,
    metadata: { ...(applied.metadata as JsonObject), uid: 'u1', resourceVersion: '7', generation: 1 },
    spec: {
      ...spec,
      replicas,
      revisionHistoryLimit: 10,
      template: {
        ...template,
        spec: { ...podSpec, containers, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
      },
    },
    status: { replicas, readyReplicas: replicas },
  };
}

describe('createThreeWayMergePatch (client-side apply)', () => {
  const schema = patchSchemaFor('Deployment');

  it('produces the patch kubectl sends when only the image changed (reference 3.3)', () => {
    const before = manifest('nginx:1.25');
    const after = manifest('nginx:1.26');
    const patch = createThreeWayMergePatch(before, withAnnotation(after), live(before), schema);
    expect(patch).toEqual({
      metadata: { annotations: { [LAST_APPLIED]: `${JSON.stringify(after)}\n` } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [{ image: 'nginx:1.26', name: 'nginx' }],
          },
        },
      },
    });
  });

  it('is empty when nothing changed (kubectl prints "unchanged")', () => {
    const m = manifest('nginx:1.25');
    expect(createThreeWayMergePatch(m, withAnnotation(m), live(m), schema)).toEqual({});
  });

  it('keeps a replica count set by `kubectl scale` when the manifest omits replicas', () => {
    const base = manifest('nginx:1.25');
    const spec = { ...(base.spec as JsonObject) };
    delete spec.replicas;
    const m: JsonObject = { ...base, spec };
    const current = live(m, 5);
    const next = manifest('nginx:1.26');
    delete (next.spec as JsonObject).replicas;
    const patch = createThreeWayMergePatch(m, withAnnotation(next), current, schema);
    const out = applyStrategicMergePatch(current, patch, schema);
    expect((out.spec as JsonObject).replicas).toBe(5);
    expect((out.status as JsonObject).replicas).toBe(5);
  });

  it('removes a field the manifest no longer has, and keeps server defaults', () => {
    const before = manifest('nginx:1.25', { minReadySeconds: 5 });
    const after = manifest('nginx:1.25');
    const current = live(before);
    const patch = createThreeWayMergePatch(before, withAnnotation(after), current, schema);
    expect((patch.spec as JsonObject).minReadySeconds).toBeNull();
    const out = applyStrategicMergePatch(current, patch, schema);
    expect((out.spec as JsonObject).minReadySeconds).toBeUndefined();
    expect((out.spec as JsonObject).revisionHistoryLimit).toBe(10);
  });

  it('deletes a removed container with a $patch: delete directive', () => {
    const two = manifest('nginx:1.25');
    const tpl = ((two.spec as JsonObject).template as JsonObject).spec as JsonObject;
    tpl.containers = [...(tpl.containers as JsonObject[]), { name: 'sidecar', image: 'busybox' }];
    const one = manifest('nginx:1.25');
    const patch = createThreeWayMergePatch(two, withAnnotation(one), live(two), schema);
    const containers = (((patch.spec as JsonObject).template as JsonObject).spec as JsonObject).containers;
    expect(containers).toEqual([{ $patch: 'delete', name: 'sidecar' }]);
    const out = applyStrategicMergePatch(live(two), patch, schema);
    const names = (((out.spec as JsonObject).template as JsonObject).spec as JsonObject)
      .containers as JsonObject[];
    expect(names.map((c) => c.name)).toEqual(['nginx']);
  });

  it('switching to Recreate emits $retainKeys and clears rollingUpdate', () => {
    const rolling = manifest('nginx:1.25', {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    });
    const recreate = manifest('nginx:1.25', { strategy: { type: 'Recreate' } });
    const patch = createThreeWayMergePatch(rolling, withAnnotation(recreate), live(rolling), schema);
    expect((patch.spec as JsonObject).strategy).toEqual({
      $retainKeys: ['type'],
      rollingUpdate: null,
      type: 'Recreate',
    });
    const out = applyStrategicMergePatch(live(rolling), patch, schema);
    expect((out.spec as JsonObject).strategy).toEqual({ type: 'Recreate' });
  });

  it('removes a label dropped from the manifest', () => {
    const a = manifest('nginx:1.25');
    (a.metadata as JsonObject).labels = { app: 'web', tier: 'fe' };
    const b = manifest('nginx:1.25');
    const patch = createThreeWayMergePatch(a, withAnnotation(b), live(a), schema);
    expect(((patch.metadata as JsonObject).labels as JsonObject).tier).toBeNull();
  });
});

describe('createTwoWayMergePatch', () => {
  it('emits $deleteFromPrimitiveList and $setElementOrder for a removed finalizer', () => {
    const patch = createTwoWayMergePatch(
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['b'] } },
      patchSchemaFor('Pod'),
    );
    expect(patch).toEqual({
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b'] },
    });
  });
});
