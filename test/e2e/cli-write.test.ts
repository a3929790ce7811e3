import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ResourceInfo, resourceForKind } from '../../src/api/resources.js';
import type { Deployment, KubeObject, Pod } from '../../src/api/types.js';
import { seedCluster } from './cli-fixtures.js';
import { type CliHarness, startCliHarness } from './cli-harness.js';

const DEPLOY = resourceForKind('Deployment') as ResourceInfo;
const POD = resourceForKind('Pod') as ResourceInfo;

let h: CliHarness;
let cluster: ReturnType<typeof seedCluster>;

beforeEach(async () => {
  h = await startCliHarness();
  cluster = seedCluster((o) => h.seed(o), Date.now());
});

afterEach(async () => {
  await h?.close();
});

function web(): Deployment {
  return h.registry.get<Deployment & KubeObject>(DEPLOY, 'default', 'web') as Deployment;
}

/** Waits (bounded by the test timeout) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe('scale', () => {
  it("patches the scale subresource and prints kubectl's line", async () => {
    expect(await h.netkube(['scale', 'deploy/web', '--replicas', '3'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web scaled\n',
      stderr: '',
    });
    expect(web().spec?.replicas).toBe(3);
  });

  it('checks --current-replicas', async () => {
    const r = await h.netkube(['scale', 'deployment', 'web', '--replicas=5', '--current-replicas=4']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: Expected replicas to be 4, was 2\n' });
  });
});

describe('set image', () => {
  it("updates the template with kubectl's strategic merge patch", async () => {
    const r = await h.netkube(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    expect(r).toEqual({ code: 0, stdout: 'deployment.apps/web image updated\n', stderr: '' });
    expect(web().spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27');
  });

  it('prints nothing when the image is unchanged, and names unknown containers', async () => {
    expect(await h.netkube(['set', 'image', 'deploy/web', 'nginx=nginx:1.25'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(await h.netkube(['set', 'image', 'deploy/web', 'app=x'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unable to find container named "app"\n',
    });
  });
});

describe('rollout', () => {
  it('pauses, refuses to pause twice, resumes and restarts', async () => {
    expect((await h.netkube(['rollout', 'pause', 'deploy/web'])).stdout).toBe('deployment.apps/web paused\n');
    expect(web().spec?.paused).toBe(true);
    expect(await h.netkube(['rollout', 'pause', 'deploy/web'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: deployments.apps "web" is already paused\n',
    });
    expect((await h.netkube(['rollout', 'restart', 'deploy/web'])).stderr).toBe(
      'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n',
    );
    expect((await h.netkube(['rollout', 'resume', 'deploy/web'])).stdout).toBe(
      'deployment.apps/web resumed\n',
    );
    expect(web().spec?.paused).toBeFalsy();
    expect((await h.netkube(['rollout', 'resume', 'deploy/web'])).stderr).toBe(
      'error: deployments.apps "web" is not paused\n',
    );
    expect((await h.netkube(['rollout', 'restart', 'deploy/web'])).stdout).toBe(
      'deployment.apps/web restarted\n',
    );
    expect(web().spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-/,
    );
  });

  it('undoes to the previous revision with a JSON patch, and skips or fails like kubectl', async () => {
    expect(await h.netkube(['rollout', 'undo', 'deploy/web', '--to-revision=2'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web skipped rollback (current template already matches revision 2)\n',
      stderr: '',
    });
    expect(await h.netkube(['rollout', 'undo', 'deploy/web', '--to-revision=9'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unable to find specified revision 9 in history\n',
    });
    expect(await h.netkube(['rollout', 'undo', 'deploy/web'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/web rolled back\n',
      stderr: '',
    });
    const d = web();
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.24');
    expect(d.spec?.template.metadata?.labels).toEqual({ app: 'web' });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('watches the status until the rollout is done', async () => {
    const d = web();
    h.registry.update({ ...d, status: { observedGeneration: 0 } } as never, { subresource: 'status' });
    let out = '';
    const running = h.netkube(['rollout', 'status', 'deploy/web'], { onStdout: (s) => (out += s) });
    await until(() => out.includes('Waiting for deployment spec update to be observed...'));
    const gen = web().metadata?.generation ?? 1;
    const steps = [
      { observedGeneration: gen, replicas: 2, updatedReplicas: 1, availableReplicas: 1 },
      { observedGeneration: gen, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      { observedGeneration: gen, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    ];
    for (const status of steps) {
      h.registry.update({ ...web(), status } as never, { subresource: 'status' });
    }
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Waiting for deployment spec update to be observed...\n' +
        'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n' +
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n' +
        'deployment "web" successfully rolled out\n',
    );
  });
});

describe('delete', () => {
  it("deletes, prints kubectl's line and waits until the object is gone", async () => {
    expect(await h.netkube(['delete', 'svc', 'web'])).toEqual({
      code: 0,
      stdout: 'service "web" deleted\n',
      stderr: '',
    });
    expect(await h.netkube(['delete', 'cm/web-config', 'deploy/web', '--wait=false'])).toEqual({
      code: 0,
      stdout: 'configmap "web-config" deleted\ndeployment.apps "web" deleted\n',
      stderr: '',
    });
  });

  it('waits for a gracefully deleted pod until the kubelet removes it', async () => {
    let out = '';
    const name = cluster.pods[0]?.metadata.name ?? '';
    const running = h.netkube(['delete', 'pod', name], { onStdout: (s) => (out += s) });
    await until(() => out !== '');
    expect(out).toBe(`pod "${name}" deleted\n`);
    const marked = h.registry.get<Pod & KubeObject>(POD, 'default', name);
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    h.registry.delete(POD, 'default', name, { gracePeriodSeconds: 0 });
    expect(await running).toEqual({ code: 0, stdout: `pod "${name}" deleted\n`, stderr: '' });
  });

  it('force-deletes with a warning', async () => {
    const name = cluster.pods[1]?.metadata.name ?? '';
    const r = await h.netkube(['delete', 'pod', name, '--grace-period=0', '--force']);
    expect(r.stdout).toBe(`pod "${name}" force deleted\n`);
    expect(r.stderr).toBe(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
    expect(r.code).toBe(0);
  });

  it('reports missing objects and type-only arguments as kubectl does', async () => {
    expect(await h.netkube(['delete', 'pod', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): pods "nope" not found\n',
    });
    expect(await h.netkube(['delete', 'pods'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: resource(s) were provided, but no name was specified\n',
    });
    expect(await h.netkube(['delete', 'ingress', '-l', 'app=none'])).toEqual({
      code: 0,
      stdout: 'No resources found\n',
      stderr: '',
    });
  });
});

describe('get -w', () => {
  it('prints the list, then a row per change, until interrupted', async () => {
    const controller = new AbortController();
    let out = '';
    const running = h.netkube(['get', 'deploy', '-w'], {
      signal: controller.signal,
      onStdout: (s) => (out += s),
    });
    await until(() => out.includes('web'));
    h.registry.update(
      {
        ...web(),
        status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      } as never,
      {
        subresource: 'status',
      },
    );
    await until(() => out.split('\n').length >= 4);
    controller.abort();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n' +
        'web    0/2     0            0           0s\n' +
        'web    2/2     2            2           0s\n',
    );
  });
});
