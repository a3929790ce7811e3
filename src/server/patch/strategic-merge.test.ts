import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from './json.js';
import { patchSchemaFor } from './schema.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

const deployment: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'A', value: '1' }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    },
  },
  status: { replicas: 2 },
};

interface Case {
  name: string;
  kind?: string;
  original?: JsonObject;
  patch: JsonValue;
  /** Paths checked in the result: dotted path → expected value (undefined = absent). */
  want: Record<string, unknown>;
}

function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const cases: Case[] = [
  {
    name: 'kubectl set image: $setElementOrder + merge by name keeps other container fields',
    patch: {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.27', name: 'nginx' }],
          },
        },
      },
    },
    want: {
      'spec.template.spec.containers.0.image': 'nginx:1.27',
      'spec.template.spec.containers.0.ports.0.containerPort': 80,
      'spec.template.spec.containers.1.name': 'sidecar',
      'spec.replicas': 2,
    },
  },
  {
    name: 'client-side apply second run: annotation + image change',
    patch: {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.26', name: 'nginx' }],
          },
        },
      },
    },
    want: {
      'spec.template.spec.containers.0.image': 'nginx:1.26',
      'metadata.labels.app': 'web',
    },
  },
  {
    name: 'rollout restart adds a template annotation',
    patch: {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } },
        },
      },
    },
    want: { 'spec.template.metadata.labels.app': 'web' },
  },
  {
    name: 'rollout pause',
    patch: { spec: { paused: true } },
    want: { 'spec.paused': true, 'spec.replicas': 2 },
  },
  {
    name: 'rollout resume: null deletes',
    patch: { spec: { paused: null } },
    want: { 'spec.paused': undefined },
  },
  {
    name: 'new container appended in $setElementOrder position (first)',
    patch: {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'init' }, { name: 'nginx' }, { name: 'sidecar' }],
            containers: [{ name: 'init', image: 'alpine' }],
          },
        },
      },
    },
    want: {
      'spec.template.spec.containers.0.name': 'init',
      'spec.template.spec.containers.1.name': 'nginx',
      'spec.template.spec.containers.2.name': 'sidecar',
    },
  },
  {
    name: '$patch: delete removes a container by merge key',
    patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
    want: { 'spec.template.spec.containers.1': undefined, 'spec.template.spec.containers.0.name': 'nginx' },
  },
  {
    name: '$patch: replace on a list replaces it',
    patch: {
      spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } },
    },
    want: { 'spec.template.spec.containers.0.name': 'only', 'spec.template.spec.containers.1': undefined },
  },
  {
    name: '$patch: replace on a map replaces it',
    patch: { metadata: { labels: { tier: 'fe', $patch: 'replace' } } },
    want: { 'metadata.labels.tier': 'fe', 'metadata.labels.app': undefined },
  },
  {
    name: '$retainKeys clears rollingUpdate when switching to Recreate',
    patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
    want: { 'spec.strategy.type': 'Recreate', 'spec.strategy.rollingUpdate': undefined },
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    patch: {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b'] },
    },
    want: { 'metadata.finalizers.0': 'b', 'metadata.finalizers.1': undefined },
  },
  {
    name: 'finalizers merge as a set',
    patch: { metadata: { finalizers: ['c', 'a'] } },
    // Upstream order: patch items first unless the live order says otherwise.
    want: { 'metadata.finalizers.0': 'c', 'metadata.finalizers.1': 'a', 'metadata.finalizers.2': 'b' },
  },
  {
    name: 'env merges by name',
    patch: {
      spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: '2' }] }] } } },
    },
    want: {
      'spec.template.spec.containers.0.env.0.name': 'B',
      'spec.template.spec.containers.0.env.1.name': 'A',
    },
  },
  {
    name: 'container ports merge by containerPort',
    patch: {
      spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 443 }] }] } } },
    },
    want: {
      'spec.template.spec.containers.0.ports.0.containerPort': 443,
      'spec.template.spec.containers.0.ports.1.containerPort': 80,
    },
  },
  {
    name: 'a new subtree carries no directives',
    patch: {
      spec: { template: { spec: { volumes: [{ name: 'v', emptyDir: {} }], tolerations: [{ key: 'k' }] } } },
    },
    want: { 'spec.template.spec.volumes.0.name': 'v', 'spec.template.spec.tolerations.0.key': 'k' },
  },
  {
    name: 'service ports merge by port',
    kind: 'Service',
    original: {
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
    patch: { spec: { ports: [{ port: 80, nodePort: 30080 }] } },
    want: { 'spec.ports.0.targetPort': 8080, 'spec.ports.0.nodePort': 30080, 'spec.ports.1': undefined },
  },
  {
    name: 'cordon',
    kind: 'Node',
    original: { kind: 'Node', metadata: { name: 'n' }, spec: {} },
    patch: { spec: { unschedulable: true } },
    want: { 'spec.unschedulable': true },
  },
  {
    name: 'atomic lists are replaced (tolerations)',
    kind: 'Pod',
    original: { kind: 'Pod', metadata: { name: 'p' }, spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } },
    patch: { spec: { tolerations: [{ key: 'c' }] } },
    want: { 'spec.tolerations.0.key': 'c', 'spec.tolerations.1': undefined },
  },
];

describe('applyStrategicMergePatch', () => {
  it.each(cases)('$name', ({ kind, original, patch, want }) => {
    const input = original ?? deployment;
    const snapshot = JSON.stringify(input);
    const out = applyStrategicMergePatch(input, patch, patchSchemaFor(kind ?? 'Deployment'));
    for (const [path, value] of Object.entries(want)) {
      expect(at(out, path), path).toEqual(value);
    }
    expect(JSON.stringify(input)).toBe(snapshot);
  });

  it('stores the last-applied annotation verbatim', () => {
    const value = '{"apiVersion":"apps/v1"}\n';
    const out = applyStrategicMergePatch(
      deployment,
      { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': value } } },
      patchSchemaFor('Deployment'),
    );
    expect((out.metadata as JsonObject).annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': value,
    });
  });

  it('rejects a patch list out of $setElementOrder order', () => {
    expect(() =>
      applyStrategicMergePatch(
        deployment,
        {
          spec: {
            template: {
              spec: {
                '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
                containers: [
                  { name: 'sidecar', image: 'a' },
                  { name: 'nginx', image: 'b' },
                ],
              },
            },
          },
        },
        patchSchemaFor('Deployment'),
      ),
    ).toThrow(/doesn't match \$setElementOrder/);
  });

  it('rejects $patch: merge on a map', () => {
    expect(() =>
      applyStrategicMergePatch(deployment, { metadata: { $patch: 'merge' } }, patchSchemaFor('Deployment')),
    ).toThrow(/Unknown patch type: merge/);
  });
});
