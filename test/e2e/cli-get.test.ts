import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCluster } from './cli-fixtures.js';
import { type CliHarness, KUBECTL, startCliHarness } from './cli-harness.js';

let h: CliHarness;

beforeAll(async () => {
  h = await startCliHarness();
  seedCluster((o) => h.seed(o), Date.now());
  h.seed({
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'IPPool',
    metadata: { name: 'default-ipv4-ippool' },
    spec: {
      cidr: '10.244.0.0/16',
      blockSize: 26,
      ipipMode: 'Always',
      natOutgoing: true,
      nodeSelector: 'all()',
    },
  } as never);
});

afterAll(async () => {
  await h?.close();
});

// Every command here runs through netkube and through the real kubectl 1.32
// against the same API server; the outputs must be identical.
const SAME_AS_KUBECTL: string[][] = [
  ['get', 'pods'],
  ['get', 'pods', '-o', 'wide'],
  ['get', 'po', '-A'],
  // A cluster-scoped kind keeps the NAMESPACE column (blank) in a mixed listing, not on its own.
  ['get', 'svc,nodes', '-A'],
  ['get', 'nodes', '-A'],
  ['get', 'pods', '--show-labels'],
  ['get', 'pods', '-l', 'app=web', '-L', 'pod-template-hash'],
  ['get', 'deploy,rs,pods,svc,endpointslices,ingress', '-o', 'wide'],
  ['get', 'all'],
  ['get', 'nodes'],
  ['get', 'no', '-o', 'wide'],
  ['get', 'ns'],
  ['get', 'deployment', 'web'],
  ['get', 'deploy/web', 'svc/web'],
  ['get', 'pods', 'web-7d4b9c8f5b-4jw2p', 'nope'],
  ['get', 'pods', '-n', 'kube-system'],
  ['get', 'svc', '-o', 'name'],
  ['get', 'deploy', 'web', '-o', 'yaml'],
  ['get', 'deploy', 'web', '-o', 'json'],
  ['get', 'svc', '-o', 'yaml'],
  ['get', 'cm', '-o', 'json'],
  ['get', 'pods', 'nope'],
  ['get', 'configmaps', '--no-headers'],
  ['describe', 'pod', 'web-7d4b9c8f5b-4jw2p'],
  ['describe', 'deployment', 'web'],
  ['describe', 'rs', 'web-7d4b9c8f5b'],
  ['describe', 'svc/web'],
  ['describe', 'endpointslices', 'web-x7k2p'],
  ['describe', 'ingress', 'shop'],
  ['describe', 'ns', 'default'],
  ['describe', 'configmap', 'web-config'],
  ['describe', 'node', 'worker-1'],
  ['describe', 'pod', 'coredns-5d78c9869d-abcde', '-n', 'kube-system'],
  ['describe', 'pods', 'web-7d4b9c8f5b'],
  ['describe', 'pod', 'nope'],
  ['get', 'pod', 'web-7d4b9c8f5b-4jw2p', '-o', 'yaml'],
  ['get', 'pods', '--field-selector', 'spec.nodeName=worker-1', '-o', 'name'],
  ['get', 'pods,svc', '-w'],
  ['get', 'foo'],
  ['describe', 'pods', '-l', 'app=web'],
  ['describe', 'foo', 'x'],
  ['rollout', 'history', 'deploy/web', '--revision', '9'],
  ['rollout', 'status', 'rs/web-7d4b9c8f5b'],
  ['rollout', 'history', 'rs/web-7d4b9c8f5b'],
  ['rollout', 'undo', 'rs/web-7d4b9c8f5b'],
  ['api-resources'],
  ['get', 'pod', 'web-7d4b9c8f5b-4jw2p', '-A'],
  ['describe', 'pod', 'web-7d4b9c8f5b-4jw2p', '-A'],
  ['get', 'nodes', '-A'],
  ['describe', 'secret', 'tls'],
  ['describe', 'endpoints', 'web'],
  ['describe', 'ingressclass', 'nginx'],
  ['describe', 'networkpolicies'],
  ['get', 'secrets,ep,ingressclass,netpol'],
  ['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'],
  ['get', 'pods', '-o', 'jsonpath={.items[*].status.podIP}'],
  ['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.spec.nodeName}{"\n"}{end}'],
  ['get', 'nodes', '-o', "jsonpath={.items[*].status.addresses[?(@.type=='InternalIP')].address}"],
  ['get', 'pod', 'web-7d4b9c8f5b-4jw2p', '-o', 'jsonpath={.metadata.labels}'],
  ['get', 'deploy', 'web', '-o', 'jsonpath={..image}'],
  ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].ports}'],
  ['get', 'pods', '-o', 'jsonpath-as-json={.items[*].metadata.name}'],
  ['get', 'pods', '-o', 'jsonpath={.items[0:1].metadata.name} {.kind}'],
  ['get', 'pods', '-o', 'jsonpath={.nope.missing}'],
  ['get', 'pods', '-o', 'jsonpath={.items[}'],
  ['get', 'pods', '-o', 'jsonpath'],
  [
    'get',
    'pods',
    '-o',
    'custom-columns=NAME:.metadata.name,IP:.status.podIP,NODE:spec.nodeName,MISSING:.x.y',
  ],
  ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,LABELS:.metadata.labels', '--no-headers'],
  ['get', 'svc', '-o', 'custom-columns=PORTS:.spec.ports[*].port'],
  ['get', 'pods', '-o', 'custom-columns=BROKEN'],
  ['get', 'pods', '-A', '--sort-by=.status.podIP'],
  ['get', 'pods', '-A', '--sort-by', '{.metadata.name}', '-o', 'name'],
  ['get', 'nodes', '--sort-by=.metadata.name', '-o', 'wide'],
  ['get', 'svc,deploy', '--sort-by=.metadata.name'],
  ['get', 'pods', '--sort-by=.spec.nope'],
  ['get', 'svc', '--sort-by=.spec.nope'],
  ['get', 'deploy,svc', '--sort-by=.metadata.name', '-o', 'name'],
  ['get', 'pods', '-A', '--sort-by=.spec.nope', '-o', 'name'],
  ['describe', 'events'],
  ['describe', 'ns'],
  ['get', 'events'],
  ['get', 'ev', '-A', '-o', 'wide'],
  ['get', 'deploy/web', 'svc/web', '-o', 'yaml'],
  ['get', 'ingress', '-n', 'kube-system', '-o', 'json'],
  ['get', 'ingress', '-n', 'kube-system', '-o', 'name'],
  ['get', 'all', '-A'],
  ['get', 'pods', '-l', 'app in (web),pod-template-hash!=x'],
  ['get', 'rs,deploy', '--show-labels', '-A'],
  ['get', 'endpointslices', 'web-x7k2p', '-o', 'yaml'],
  ['describe', 'deploy'],
  ['describe', 'nodes', 'worker'],
  ['get', 'ippools'],
  ['describe', 'ippool', 'default-ipv4-ippool'],
  ['rollout', 'history', 'deploy/web'],
  ['rollout', 'history', 'deploy/web', '--revision', '1'],
  ['rollout', 'status', 'deploy/web', '--watch=false'],
];

describe('netkube get/describe/rollout print exactly what kubectl prints', () => {
  it.skipIf(!KUBECTL).each(SAME_AS_KUBECTL.map((argv) => [argv.join(' '), argv] as const))(
    '%s',
    async (_name, argv) => {
      const [ours, theirs] = await Promise.all([h.netkube(argv), h.kubectl(argv)]);
      expect(ours.stdout).toBe(theirs?.stdout);
      expect(ours.stderr).toBe(theirs?.stderr);
      expect(ours.code).toBe(theirs?.code);
    },
  );
});

describe('netkube get (without kubectl to compare)', () => {
  it('lists pods as a table', async () => {
    const r = await h.netkube(['get', 'pods']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME {2,}READY {3}STATUS {4}RESTARTS {3}AGE$/);
    expect(r.stdout).toContain('web-7d4b9c8f5b-4jw2p   1/1     Running   0');
  });

  it('says when nothing is found, on stderr', async () => {
    const r = await h.netkube(['get', 'ingress', '-n', 'kube-system']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'No resources found in kube-system namespace.\n' });
  });

  it('prints a List for -o yaml of a collection', async () => {
    const r = await h.netkube(['get', 'svc', '-o', 'yaml']);
    expect(r.stdout.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n')).toBe(true);
    expect(r.stdout.endsWith('kind: List\nmetadata:\n  resourceVersion: ""\n')).toBe(true);
  });

  it('reports a missing object with the server Status, exit 1', async () => {
    const r = await h.netkube(['get', 'deploy', 'nope']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
  });

  it('works for the Calico IPAM kinds through the generic path', async () => {
    const get = await h.netkube(['get', 'ippools']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^NAME +/);
    expect(get.stdout).toContain('default-ipv4-ippool');
    const describe = await h.netkube(['describe', 'ippool', 'default-ipv4-ippool']);
    expect(describe.stdout).toMatch(
      /\nSpec:\n( {2}.*\n)* {2}Block Size: +26\n( {2}.*\n)* {2}Cidr: +10\.244\.0\.0\/16\n/,
    );
  });
});
