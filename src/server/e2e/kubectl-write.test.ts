/**
 * The real kubectl v1.32 write commands against the ApiServer: client-side
 * `apply` (created, then configured/unchanged), `create -f` conflicts,
 * `replace` with a stale resourceVersion, `scale`, `label`, `patch` (strategic
 * and JSON), server-side apply, and `delete` including the wait for a
 * graceful pod (the test plays the kubelet).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../api/index.js';
import { runningPod, seedWithStatus } from './fixtures.test-helpers.js';
import { type Harness, kubectlSuite, startHarness } from './harness.test-helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

function manifest(image: string, replicas = 2): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
`;
}

type Deployment = KubeObject & {
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
};

function deployment(): Deployment {
  return h.store.get('deployments.apps', 'default', 'web') as Deployment;
}

kubectlSuite('kubectl apply / create / replace', () => {
  it('apply -f creates, then configures and leaves unchanged objects alone', async () => {
    const first = await h.kubectl(['apply', '-f', await h.file('web.yaml', manifest('nginx:1.25'))]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('deployment.apps/web created\nservice/web created\n');
    expect(first.code).toBe(0);
    const annotation =
      deployment().metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    expect(annotation).toContain('"image":"nginx:1.25"');
    const rvService = h.store.get('services', 'default', 'web')?.metadata.resourceVersion;

    const second = await h.kubectl(['apply', '-f', await h.file('web.yaml', manifest('nginx:1.26'))]);
    expect(second.stdout).toBe('deployment.apps/web configured\nservice/web unchanged\n');
    expect(second.code).toBe(0);
    expect(deployment().spec.template.spec.containers[0]?.image).toBe('nginx:1.26');
    expect(deployment().metadata.generation).toBe(2);
    expect(h.store.get('services', 'default', 'web')?.metadata.resourceVersion).toBe(rvService);

    const third = await h.kubectl(['apply', '-f', await h.file('web.yaml', manifest('nginx:1.26'))]);
    expect(third.stdout).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');
  });

  it('netkube apply of the same manifest after kubectl apply is unchanged (identical last-applied)', async () => {
    const objects = parseAllDocuments(manifest('nginx:1.26')).map((d) => d.toJSON() as unknown);
    const res = await fetch(`${h.url}/apis/netkube.dev/v1alpha1/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ objects }),
    });
    const body = (await res.json()) as { results: { action: string }[] };
    expect(body.results.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('create -f of an existing object is AlreadyExists', async () => {
    const r = await h.kubectl(['create', '-f', await h.file('web.yaml', manifest('nginx:1.26'))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(r.stderr).toContain('deployments.apps "web" already exists');
    expect(r.stderr).toContain('services "web" already exists');
  });

  it('replace with a stale resourceVersion is a 409 Conflict', async () => {
    const stale = { ...deployment(), metadata: { ...deployment().metadata, resourceVersion: '1' } };
    const r = await h.kubectl(['replace', '-f', await h.file('stale.json', JSON.stringify(stale))]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Conflict): error when replacing "' +
        `${h.dir}/stale.json` +
        '": Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('rejects an unknown field under fieldValidation=Strict', async () => {
    const bad = manifest('nginx:1.26').replace('replicas: 2', 'replicas: 2\n  replica: 3');
    const r = await h.kubectl(['apply', '-f', await h.file('bad.yaml', bad)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.replica"');
  });

  it('a value of the wrong type is a decode error in Go words; a merge patch one an Invalid patch', async () => {
    // kubectl decodes metadata itself (same words, its own prefix); the rest is the server's.
    const bad = (manifest('nginx:1.26').split('---')[0] ?? '')
      .replace('name: web', 'name: typed')
      .replace(/(\n\s+)(- name: \w+\n\s+image: [^\n]+)/, '$1$2$1  env: [{name: PORT, value: 8080}]');
    expect(bad).toContain('value: 8080');
    const r = await h.kubectl(['apply', '-f', await h.file('typed.yaml', bad)]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${h.dir}/typed.yaml": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string`,
    );
    const patch = await h.kubectl([
      'patch',
      'deploy',
      'web',
      '--type',
      'merge',
      '-p',
      '{"spec":{"replicas":"abc"}}',
    ]);
    expect(patch.code).toBe(1);
    expect(patch.stderr).toContain(
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });
});

kubectlSuite('kubectl scale / label / patch', () => {
  it('scale sends a merge patch to the scale subresource', async () => {
    const r = await h.kubectl(['scale', 'deployment/web', '--replicas=3']);
    expect(r.stdout).toBe('deployment.apps/web scaled\n');
    expect(deployment().spec.replicas).toBe(3);
  });

  it('scale --current-replicas with a wrong count fails client-side', async () => {
    const r = await h.kubectl(['scale', 'deployment/web', '--replicas=4', '--current-replicas=2']);
    expect(r.code).toBe(1);
    expect(deployment().spec.replicas).toBe(3);
  });

  it('label adds and removes labels', async () => {
    expect((await h.kubectl(['label', 'deploy', 'web', 'tier=fe'])).stdout).toBe(
      'deployment.apps/web labeled\n',
    );
    expect(deployment().metadata.labels).toEqual({ app: 'web', tier: 'fe' });
    expect((await h.kubectl(['label', 'deploy', 'web', 'tier-'])).stdout).toBe(
      'deployment.apps/web unlabeled\n',
    );
    expect(deployment().metadata.labels).toEqual({ app: 'web' });
  });

  it('patch with a strategic merge patch and a JSON patch', async () => {
    const smp = await h.kubectl([
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}',
    ]);
    expect(smp.stdout).toBe('deployment.apps/web patched\n');
    expect(deployment().spec.template.spec.containers).toHaveLength(1);
    expect(deployment().spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    const bad = await h.kubectl([
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/paused2","value":true}]',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'The request is invalid: the server rejected our request due to an error in our request',
    );
  });

  it('a re-apply sets the replica count back when the manifest names it (kubectl semantics)', async () => {
    const r = await h.kubectl(['apply', '-f', await h.file('web.yaml', manifest('nginx:1.26'))]);
    expect(r.stdout).toBe('deployment.apps/web configured\nservice/web unchanged\n');
    expect(deployment().spec.replicas).toBe(2);
    expect(deployment().spec.template.spec.containers[0]?.image).toBe('nginx:1.26');
  });

  it('apply --server-side creates and updates', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  a: "1"\n  b: "2"\n';
    const created = await h.kubectl(['apply', '--server-side', '-f', await h.file('cm.yaml', cm)]);
    expect(created.stdout).toBe('configmap/conf serverside-applied\n');
    expect(created.stderr).toContain('Warning: netkube approximates server-side apply');
    const next = cm.replace('  b: "2"\n', '');
    const updated = await h.kubectl(['apply', '--server-side', '-f', await h.file('cm.yaml', next)]);
    expect(updated.stdout).toBe('configmap/conf serverside-applied\n');
    expect((h.store.get('configmaps', 'default', 'conf') as KubeObject & { data: unknown }).data).toEqual({
      a: '1',
    });
  });
});

kubectlSuite('kubectl delete', () => {
  it('waits for a graceful pod until the kubelet removes it', async () => {
    seedWithStatus(h.registry, runningPod('doomed'));
    const off = h.store.subscribe('pods', (event) => {
      if (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp) {
        setTimeout(
          () =>
            h.registry.delete(h.registry.resourceOf(event.object), 'default', 'doomed', {
              gracePeriodSeconds: 0,
            }),
          200,
        );
      }
    });
    const r = await h.kubectl(['delete', 'pod', 'doomed']);
    off();
    expect(r.stdout).toBe('pod "doomed" deleted\n');
    expect(r.code).toBe(0);
    expect(h.store.get('pods', 'default', 'doomed')).toBeUndefined();
  });

  it('deletes a deployment and reports a missing one', async () => {
    const r = await h.kubectl(['delete', 'deploy', 'web']);
    expect(r.stdout).toBe('deployment.apps "web" deleted\n');
    expect(deployment()).toBeUndefined();
    const missing = await h.kubectl(['delete', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
  });

  it('delete -f removes every object of a file', async () => {
    await h.kubectl(['apply', '-f', await h.file('web.yaml', manifest('nginx:1.25'))]);
    const r = await h.kubectl(['delete', '-f', `${h.dir}/web.yaml`]);
    expect(r.stdout).toBe('deployment.apps "web" deleted\nservice "web" deleted\n');
  });
});

/**
 * kubectl's `create` generators send protobuf bodies: each command runs once
 * as it is (namespace `proto`) and once as `--dry-run=client -o json` piped to
 * `create -f -` (namespace `json`); the two stored objects must be the same
 * but for what the API server assigns per object.
 */
kubectlSuite('kubectl create generators (protobuf bodies)', () => {
  const GENERATORS: { resource: string; name: string; args: string[] }[] = [
    {
      resource: 'deployments.apps',
      name: 'web',
      args: ['deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80'],
    },
    {
      resource: 'deployments.apps',
      name: 'sleeper',
      args: ['deployment', 'sleeper', '--image=busybox', '--', 'sleep', '3600'],
    },
    {
      resource: 'configmaps',
      name: 'settings',
      args: ['configmap', 'settings', '--from-literal=a=b', '--from-literal=c=d'],
    },
    { resource: 'secrets', name: 'pw', args: ['secret', 'generic', 'pw', '--from-literal=password=s3cret'] },
    { resource: 'services', name: 'np', args: ['service', 'nodeport', 'np', '--tcp=80:8080'] },
    {
      resource: 'services',
      name: 'headless',
      args: ['service', 'clusterip', 'headless', '--clusterip=None'],
    },
    { resource: 'services', name: 'lb', args: ['service', 'loadbalancer', 'lb', '--tcp=80:80'] },
    {
      resource: 'services',
      name: 'ext',
      args: ['service', 'externalname', 'ext', '--external-name=example.com'],
    },
    {
      resource: 'ingresses.networking.k8s.io',
      name: 'shop',
      args: [
        'ingress',
        'shop',
        '--class=nginx',
        '--rule=shop.example.com/cart*=cart:8080,tls=shop-tls',
        '--default-backend=web:80',
      ],
    },
  ];

  /** The object without what the API server assigns to each object (identity, times, allocated IPs and ports). */
  function comparable(obj: KubeObject | undefined): unknown {
    if (!obj) return undefined;
    const { uid, resourceVersion, creationTimestamp, namespace, managedFields, ...metadata } =
      obj.metadata as Record<string, unknown>;
    const spec = (obj as { spec?: Record<string, unknown> }).spec;
    const { clusterIP, clusterIPs, ...rest } = spec ?? {};
    const ports = (rest.ports as Record<string, unknown>[] | undefined)?.map(({ nodePort, ...p }) => p);
    return { ...obj, metadata, spec: spec && { ...rest, ...(ports ? { ports } : {}) }, status: undefined };
  }

  function withNamespace(args: string[], namespace: string, extra: string[] = []): string[] {
    const cut = args.indexOf('--');
    const flags = ['-n', namespace, ...extra];
    return cut < 0
      ? ['create', ...args, ...flags]
      : ['create', ...args.slice(0, cut), ...flags, ...args.slice(cut)];
  }

  it('create namespace sends protobuf and makes the namespaces', async () => {
    for (const ns of ['proto', 'json']) {
      const r = await h.kubectl(['create', 'namespace', ns]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`namespace/${ns} created\n`);
    }
    expect(h.store.get('namespaces', undefined, 'proto')?.metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'proto',
    });
  });

  it.each(GENERATORS)(
    'create $args.0 $name stores what the same command sends as JSON',
    async ({ resource, name, args }) => {
      const proto = await h.kubectl(withNamespace(args, 'proto'));
      expect(proto.stderr).toBe('');
      expect(proto.stdout).toMatch(new RegExp(`/${name} created\\n$`));
      const json = await h.kubectl(withNamespace(args, 'json', ['--dry-run=client', '-o', 'json']));
      expect(json.code).toBe(0);
      const viaJson = await h.kubectl(['create', '-n', 'json', '-f', '-'], { stdin: json.stdout });
      expect(viaJson.stderr).toBe('');
      const stored = h.store.get(resource, 'proto', name);
      expect(stored).toBeDefined();
      expect(comparable(stored)).toEqual(comparable(h.store.get(resource, 'json', name)));
    },
  );

  it('create secret docker-registry with an empty config is refused as ValidateSecret words it', async () => {
    const r = await h.kubectl([
      'create',
      'secret',
      'docker-registry',
      'dr2',
      '--from-file=.dockerconfigjson=/dev/null',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: failed to create secret Secret "dr2" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input\n',
    );
    expect(h.store.get('secrets', 'default', 'dr2')).toBeUndefined();
  });
});
