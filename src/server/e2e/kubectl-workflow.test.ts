/**
 * More of the real kubectl v1.32 against the ApiServer: rollout status,
 * set image, rollout restart/pause/resume, annotate, expose and run (JSON
 * bodies), diff (server dry-run patch), cordon and drain (eviction), and
 * foreground deletion's warning. The test plays the controllers and kubelet.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { runningPod, seedDeploymentHistory, seedWithStatus } from './fixtures.test-helpers.js';
import { type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

let h: Harness;
let stopKubelet: () => void;

type Deployment = KubeObject & {
  spec: {
    paused?: boolean;
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: { containers: { image: string }[] };
    };
  };
};

const deployment = () => h.store.get('deployments.apps', 'default', 'web') as Deployment;

beforeAll(async () => {
  h = await startHarness();
  seedDeploymentHistory(h.registry, ['nginx:1.25']);
  seedWithStatus(h.registry, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1' },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '127.0.10.2' }],
      nodeInfo: { kubeletVersion: 'v1.32.0' },
    },
  } as unknown as KubeObject);
  seedWithStatus(h.registry, runningPod('web-abcdefghi0-aaaaa'));
  // The kubelet: finish graceful deletions.
  stopKubelet = h.store.subscribe('pods', (event) => {
    if (
      event.type !== 'MODIFIED' ||
      !event.object.metadata.deletionTimestamp ||
      event.previous.metadata.deletionTimestamp
    )
      return;
    const { namespace, name = '' } = event.object.metadata;
    setTimeout(
      () =>
        h.registry.delete(h.registry.resourceOf(event.object), namespace, name, { gracePeriodSeconds: 0 }),
      50,
    );
  });
});

afterAll(async () => {
  stopKubelet();
  await h.close();
});

kubectlSuite('kubectl rollout and imperative updates', () => {
  it('rollout status reports a finished rollout', async () => {
    const r = await h.kubectl(['rollout', 'status', 'deployment/web', '--timeout=10s']);
    expect(r.stdout).toBe('deployment "web" successfully rolled out\n');
  });

  it('set image, rollout restart, pause and resume patch the template', async () => {
    expect((await h.kubectl(['set', 'image', 'deploy/web', 'nginx=nginx:1.27'])).stdout).toBe(
      'deployment.apps/web image updated\n',
    );
    expect(deployment().spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect((await h.kubectl(['rollout', 'restart', 'deploy/web'])).stdout).toBe(
      'deployment.apps/web restarted\n',
    );
    expect(deployment().spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-/,
    );
    expect((await h.kubectl(['rollout', 'pause', 'deploy/web'])).stdout).toBe('deployment.apps/web paused\n');
    expect(deployment().spec.paused).toBe(true);
    expect((await h.kubectl(['rollout', 'resume', 'deploy/web'])).stdout).toBe(
      'deployment.apps/web resumed\n',
    );
    expect(deployment().spec.paused).toBeUndefined();
  });

  it('annotate, expose and run send JSON bodies', async () => {
    expect((await h.kubectl(['annotate', 'deploy', 'web', 'team=net'])).stdout).toBe(
      'deployment.apps/web annotated\n',
    );
    expect((await h.kubectl(['expose', 'deploy', 'web', '--port=80'])).stdout).toBe('service/web exposed\n');
    expect(
      (h.store.get('services', 'default', 'web') as KubeObject & { spec: { selector: unknown } }).spec
        .selector,
    ).toEqual({ app: 'web' });
    expect((await h.kubectl(['run', 'tmp', '--image=busybox', '--restart=Never'])).stdout).toBe(
      'pod/tmp created\n',
    );
  });

  it('diff shows the server dry-run result of the apply patch', async () => {
    const manifest = (await h.kubectl(['get', 'deploy', 'web', '-o', 'yaml'])).stdout.replace(
      'image: nginx:1.27',
      'image: nginx:1.28',
    );
    const r = await h.kubectl(['diff', '-f', await h.file('web.yaml', manifest)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-\s+- image: nginx:1\.27$/m);
    expect(r.stdout).toMatch(/^\+\s+- image: nginx:1\.28$/m);
    expect(deployment().spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
  });
});

kubectlSuite('kubectl cordon, drain and delete', () => {
  it('cordon shows SchedulingDisabled; drain evicts the pods of the node', async () => {
    expect((await h.kubectl(['cordon', 'worker-1'])).stdout).toBe('node/worker-1 cordoned\n');
    expect((await h.kubectl(['get', 'nodes'])).stdout).toMatch(
      /^worker-1\s+Ready,SchedulingDisabled\s+<none>/m,
    );
    const r = await h.kubectl(['drain', 'worker-1', '--force', '--timeout=20s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pod/web-abcdefghi0-aaaaa evicted');
    expect(r.stdout).toContain('node/worker-1 drained');
    expect(h.store.get('pods', 'default', 'web-abcdefghi0-aaaaa')).toBeUndefined();
  });

  it('foreground deletion warns that it is handled as background', async () => {
    const r = await h.kubectl(['delete', 'deploy', 'web', '--cascade=foreground']);
    expect(r.stdout).toBe('deployment.apps "web" deleted\n');
    expect(r.stderr).toContain('Warning: netkube handles propagationPolicy=Foreground as Background');
  });
});
