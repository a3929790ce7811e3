/**
 * The real kubectl v1.32 `describe`, `rollout history|undo`, `logs`,
 * `api-resources`, `version`, and the commands netkube answers with an
 * explanation (port-forward, exec). The Deployment
 * history is seeded by hand: no controllers run here.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import { containerWaitingError, type PodLogRequest, type PodLogs } from '../pod-logs.js';
import { eventFor, runningPod, seedDeploymentHistory, seedWithStatus } from './fixtures.test-helpers.js';
import { collectOutput, type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

const requests: PodLogRequest[] = [];

/** Lines a following log stream yields when the test pushes them; `null` ends the stream. */
const follow: { push?: (line: string | null) => void } = {};

async function* followed(signal: AbortSignal): AsyncGenerator<string> {
  yield 'first line\n';
  for (;;) {
    const next = await new Promise<string | null>((resolve) => {
      follow.push = resolve;
      signal.addEventListener('abort', () => resolve(null), { once: true });
    });
    if (next === null) return;
    yield next;
  }
}

const podLogs: PodLogs = {
  open(request, signal) {
    requests.push(request);
    if (request.podName === 'starting')
      throw containerWaitingError(request.podName, request.container, 'ContainerCreating');
    if (request.follow) return followed(signal);
    return (async function* lines() {
      yield '10.244.1.1 - - "GET / HTTP/1.1" 200\n';
      yield Buffer.from('10.244.1.1 - - "GET /healthz HTTP/1.1" 200\n');
    })();
  },
};

let h: Harness;
let deployment: KubeObject;

beforeAll(async () => {
  h = await startHarness({ podLogs });
  ({ deployment } = seedDeploymentHistory(h.registry, ['nginx:1.25', 'nginx:1.26']));
  h.registry.create(
    eventFor(
      deployment,
      'ScalingReplicaSet',
      'Scaled up replica set web-abcdefghi1 from 0 to 2',
      'deployment-controller',
    ),
  );
  const pod = seedWithStatus(h.registry, runningPod('web-abcdefghi1-x2x4z'));
  h.registry.create(
    eventFor(
      pod,
      'Scheduled',
      'Successfully assigned default/web-abcdefghi1-x2x4z to worker-1',
      'default-scheduler',
    ),
  );
  seedWithStatus(h.registry, { ...runningPod('starting'), status: { phase: 'Pending' } } as KubeObject);
  const { nodeName: _n, ...unscheduled } = runningPod('pend').spec as Record<string, unknown>;
  seedWithStatus(h.registry, {
    ...runningPod('pend'),
    spec: { ...unscheduled, nodeSelector: { disk: 'none' } },
    status: { phase: 'Pending' },
  } as KubeObject);
});

afterAll(async () => {
  await h.close();
});

kubectlSuite('kubectl describe', () => {
  it('describe deploy shows the template, replica sets and events', async () => {
    const r = await h.kubectl(['describe', 'deploy', 'web']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+web$/m);
    expect(r.stdout).toMatch(/^Selector:\s+app=web$/m);
    expect(r.stdout).toMatch(/Image:\s+nginx:1\.26/);
    expect(r.stdout).toMatch(/Port:\s+80\/TCP/);
    expect(r.stdout).toMatch(/^NewReplicaSet:\s+web-abcdefghi1 \(2\/2 replicas created\)$/m);
    expect(r.stdout).toMatch(
      /Normal\s+ScalingReplicaSet\s+\d+s\s+deployment-controller\s+Scaled up replica set web-abcdefghi1 from 0 to 2/,
    );
  });

  it('describe pod shows status, IP, node and events', async () => {
    const r = await h.kubectl(['describe', 'pod', 'web-abcdefghi1-x2x4z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Status:\s+Running$/m);
    expect(r.stdout).toMatch(/^IP:\s+10\.244\.1\.5$/m);
    expect(r.stdout).toMatch(/^Node:\s+worker-1/m);
    expect(r.stdout).toMatch(/Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned/);
  });
});

kubectlSuite('kubectl rollout', () => {
  it('rollout history lists the owned ReplicaSets by revision', async () => {
    const r = await h.kubectl(['rollout', 'history', 'deployment/web']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual([
      'deployment.apps/web',
      'REVISION  CHANGE-CAUSE',
      '1         <none>',
      '2         <none>',
      '',
      '',
    ]);
  });

  it('rollout history --revision=1 prints that template', async () => {
    const r = await h.kubectl(['rollout', 'history', 'deployment/web', '--revision=1']);
    expect(r.stdout).toMatch(/Image:\s+nginx:1\.25/);
  });

  it('rollout undo sends a JSON patch that restores the previous template', async () => {
    const r = await h.kubectl(['rollout', 'undo', 'deployment/web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web rolled back\n');
    const live = h.store.get('deployments.apps', 'default', 'web') as KubeObject & {
      spec: {
        template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } };
      };
    };
    expect(live.spec.template.spec.containers[0]?.image).toBe('nginx:1.25');
    expect(live.spec.template.metadata.labels).toEqual({ app: 'web' });
    const again = await h.kubectl(['rollout', 'undo', 'deployment/web', '--to-revision=1']);
    expect(again.stdout).toBe(
      'deployment.apps/web skipped rollback (current template already matches revision 1)\n',
    );
    const missing = await h.kubectl(['rollout', 'undo', 'deployment/web', '--to-revision=9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: unable to find specified revision 9 in history');
  });
});

kubectlSuite('kubectl logs', () => {
  it('streams the container output from PodLogs', async () => {
    const r = await h.kubectl(['logs', 'web-abcdefghi1-x2x4z', '--tail=2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '10.244.1.1 - - "GET / HTTP/1.1" 200\n10.244.1.1 - - "GET /healthz HTTP/1.1" 200\n',
    );
    expect(requests.at(-1)).toMatchObject({
      container: 'nginx',
      tailLines: 2,
      follow: false,
      namespace: 'default',
    });
  });

  it('reports a container that has not started as kubectl expects', async () => {
    const r = await h.kubectl(['logs', 'starting']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (BadRequest): container "nginx" in pod "starting" is waiting to start: ContainerCreating',
    );
  });

  it('logs -f streams each chunk as it is written and ends with the stream', async () => {
    const child = h.spawnKubectl(['logs', '-f', 'web-abcdefghi1-x2x4z']);
    const output = collectOutput(child);
    await output.waitFor((out) => out.includes('first line'));
    follow.push?.('second line\n');
    await output.waitFor((out) => out.includes('second line'));
    expect(requests.at(-1)).toMatchObject({ follow: true, container: 'nginx' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    follow.push?.(null);
    expect(await exited).toBe(0);
    expect(output.text).toBe('first line\nsecond line\n');
  });

  it('a pod with no node has no logs yet: nothing printed, exit 0 (no kubelet is asked)', async () => {
    const before = requests.length;
    const r = await h.kubectl(['logs', 'pend']);
    expect(r).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(requests.length).toBe(before);
    const bad = await h.kubectl(['logs', 'pend', '-c', 'nope']);
    expect(bad.stderr).toContain('container nope is not valid for pod pend');
  });

  it('rejects an unknown container', async () => {
    const r = await h.kubectl(['logs', 'web-abcdefghi1-x2x4z', '-c', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('container nope is not valid for pod web-abcdefghi1-x2x4z');
  });
});

kubectlSuite('discovery, version and unsupported paths', () => {
  it('api-resources lists every resource with short names', async () => {
    const r = await h.kubectl(['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^ippools\s+crd\.projectcalico\.org\/v1\s+false\s+IPPool$/m);
  });

  it('version reports minor 32', async () => {
    const r = await h.kubectl(['version', '-o', 'json']);
    const v = JSON.parse(r.stdout) as { serverVersion: { major: string; minor: string } };
    expect(v.serverVersion).toMatchObject({ major: '1', minor: '32' });
    expect(r.stderr).toBe('');
  });

  it('get all lists the resources of category all', async () => {
    const r = await h.kubectl(['get', 'all']);
    expect(r.stdout).toMatch(/^pod\/web-abcdefghi1-x2x4z\s+1\/1\s+Running/m);
    expect(r.stdout).toMatch(/^deployment\.apps\/web\s+2\/2/m);
    expect(r.stdout).toMatch(/^replicaset\.apps\/web-abcdefghi0\s+0\s+0\s+0/m);
  });

  it('port-forward without pods to forward to says what to use instead', async () => {
    const r = await h.kubectl(['port-forward', 'pod/web-abcdefghi1-x2x4z', '0:80']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'this API server has no pods to forward to (netkube serves port-forward from a running emulator)',
    );
  });

  it('explain reports that no schema is served (netkube serves no OpenAPI schemas)', async () => {
    const r = await h.kubectl(['explain', 'deployment.spec']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: GVK map[group:apps kind:Deployment version:v1] not found in OpenAPI schema\n',
    );
  });

  it('exec explains that netkube exec is the way', async () => {
    const r = await h.kubectl(['exec', 'web-abcdefghi1-x2x4z', '--', 'ls']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('use `netkube exec` instead');
  });
});
