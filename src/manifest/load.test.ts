import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from './load.js';
import { ManifestError, type ManifestProblem } from './problems.js';

async function problemsOf(text: string): Promise<string[]> {
  try {
    await loadManifests(['-'], { stdin: text });
  } catch (err) {
    if (err instanceof ManifestError) return err.message.split('\n');
    throw err;
  }
  return [];
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 70000
`;

describe('manifest problems, with file and line', () => {
  it.each([
    {
      name: 'an invalid field, placed on its line',
      text: DEPLOYMENT,
      want: [
        'STDIN:18: Deployment default/web: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    },
    {
      name: 'malformed YAML',
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n',
      want: [
        'STDIN:4: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (line 4, column 1)',
        'STDIN:4: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (line 4, column 1)',
      ],
    },
    {
      name: 'tab indentation',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: c\n',
      want: ['STDIN:4: tabs are not allowed as YAML indentation (line 4, column 1): indent with spaces'],
    },
    {
      name: 'no apiVersion',
      text: 'kind: Pod\nmetadata:\n  name: p\n',
      want: ['STDIN:1: apiVersion not set'],
    },
    { name: 'no kind', text: 'apiVersion: v1\nmetadata:\n  name: p\n', want: ['STDIN:1: kind not set'] },
    {
      name: 'a lower-case kind',
      text: 'apiVersion: v1\nkind: service\nmetadata:\n  name: s\n',
      want: ['STDIN:2: kind "service" is not known: did you mean "Service"?'],
    },
    {
      name: 'a misspelt kind',
      text: 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: d\n',
      want: ['STDIN:2: kind "Deploymnet" is not known: did you mean "Deployment"?'],
    },
    {
      name: 'a resource name used as kind',
      text: 'apiVersion: v1\nkind: configmaps\nmetadata:\n  name: d\n',
      want: ['STDIN:2: kind "configmaps" is not known: did you mean "ConfigMap"?'],
    },
    {
      name: 'a kind under the wrong apiVersion',
      text: 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: d\n',
      want: ['STDIN:1: Deployment is served as apps/v1, not v1'],
    },
    {
      name: 'no name and no generateName',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app: x\n',
      want: [
        'STDIN:3: ConfigMap default/(no name): metadata.name: Required value: name or generateName is required',
      ],
    },
    {
      name: 'unknown fields',
      text: DEPLOYMENT.replace('  selector:', '  replica: 2\n  selector:').replace(
        'ports:\n        - containerPort: 70000',
        'imagePullPolicyy: Always',
      ),
      want: [
        'STDIN:6: Deployment default/web: strict decoding error: unknown field "spec.replica"',
        'STDIN:18: Deployment default/web: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
      ],
    },
    {
      name: 'a number where a string belongs',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    version: 1.0\n',
      want: [
        'STDIN:6: ConfigMap default/c: metadata.labels[version]: Invalid value: 1: must be of type string',
      ],
    },
    {
      name: 'a scalar document',
      text: 'just text\n',
      want: ['STDIN:1: a Kubernetes object must be a mapping with apiVersion and kind, found a string'],
    },
    {
      name: 'conflicting duplicates',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "2"\n',
      want: [
        'STDIN:8: ConfigMap default/c: conflicts with a different definition of the same object at STDIN:1',
      ],
    },
    { name: 'nothing at all', text: '# just a comment\n---\n', want: ['-:1: no objects found'] },
  ])('$name', async ({ text, want }) => {
    expect(await problemsOf(text)).toEqual(want);
  });

  it('carries every problem as data, with its code', async () => {
    const err = await loadManifests(['-'], { stdin: 'kind: Pod\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).code).toBe('ERR_MANIFEST');
    expect((err as ManifestError).problems).toEqual<ManifestProblem[]>([
      { code: 'MISSING_API_VERSION', file: 'STDIN', line: 1, message: 'apiVersion not set' },
    ]);
  });
});

describe('loading objects', () => {
  it('leaves to the API server what its allocators fill in before validation (healthCheckNodePort)', async () => {
    const lb = (extra: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n${extra}  selector:\n    app: web\n  ports:\n  - port: 80\n`;
    expect(await problemsOf(lb(''))).toEqual([]);
    const loaded = await loadManifests(['-'], { stdin: lb('') });
    expect(loaded.manifests[0]?.object).not.toHaveProperty('spec.healthCheckNodePort');
    expect(await problemsOf(lb('  healthCheckNodePort: 70000\n'))).toEqual([
      'STDIN:8: Service default/lb: spec.healthCheckNodePort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });

  it('expands a List and keeps each item’s position', async () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
  data:
    k: v
`;
    const { manifests } = await loadManifests(['-'], { stdin: text });
    expect(manifests.map((m) => [m.label, m.source])).toEqual([
      ['ConfigMap default/a', { file: 'STDIN', line: 4, document: 0, item: 0 }],
      ['ConfigMap default/b', { file: 'STDIN', line: 8, document: 0, item: 1 }],
    ]);
    expect(manifests[1]?.fieldLine('data[k]')).toBe(13);
    expect(manifests[1]?.fieldLine('data[missing]')).toBe(12);
  });

  it('reads JSON', async () => {
    const { manifests } = await loadManifests(['-'], {
      stdin: '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}',
    });
    expect(manifests.map((m) => m.label)).toEqual(['Namespace team-a']);
  });

  it('reads YAML as kubectl does (YAML 1.1 booleans, timestamps as strings)', async () => {
    const { manifests } = await loadManifests(['-'], {
      stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    date: 2024-01-02\n',
    });
    expect(manifests[0]?.object.metadata.annotations).toEqual({ date: '2024-01-02' });
  });

  describe('from a directory', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'netkube-manifests-'));
      await mkdir(join(dir, 'b'));
      await writeFile(
        join(dir, 'b', 'svc.yml'),
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n',
      );
      await writeFile(join(dir, 'a.json'), '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}');
      await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads the directory’s own files only, as kubectl -f DIR does, and skips other files', async () => {
      const { manifests } = await loadManifests(['.'], { cwd: dir });
      expect(manifests.map((m) => `${m.source.file}:${m.source.line} ${m.label}`)).toEqual([
        'a.json:1 ConfigMap default/c',
      ]);
    });

    it('recurses into subdirectories in sorted order with recursive (kubectl -R)', async () => {
      const { manifests } = await loadManifests(['.'], { cwd: dir, recursive: true });
      expect(manifests.map((m) => `${m.source.file}:${m.source.line} ${m.label}`)).toEqual([
        'a.json:1 ConfigMap default/c',
        'b/svc.yml:1 Service default/web',
      ]);
    });

    it('says when a directory has no manifest of its own, and that -R reads its subdirectories', async () => {
      const empty = await mkdtemp(join(tmpdir(), 'netkube-empty-'));
      await mkdir(join(empty, 'sub'));
      const e2 = await loadManifests([empty], {}).catch((e: unknown) => e);
      await rm(empty, { recursive: true, force: true });
      expect((e2 as ManifestError).message).toBe(
        `${empty}:1: no .json, .yaml or .yml file in this directory (its subdirectories are read only with -R): recognized file extensions are [.json .yaml .yml]`,
      );
    });

    it('names a missing file', async () => {
      const err = await loadManifests(['nope.yaml'], { cwd: dir }).catch((e: unknown) => e);
      expect((err as ManifestError).message).toBe('nope.yaml:1: cannot read: no such file or directory');
    });
  });
});
