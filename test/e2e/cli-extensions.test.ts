import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import type { LoadResult } from '../../src/cli/manifests.js';
import type { ExtensionRoute, PodLogs } from '../../src/server/index.js';
import { deployment, seedCluster, service } from './cli-fixtures.js';
import { type CliHarness, KUBECTL, startCliHarness } from './cli-harness.js';

// The emulator's parts register these routes; here each answers as
// docs/netkube-api.md says, recording what the CLI sent.
const received: Array<{ path: string; body: unknown; query: string }> = [];

function route(
  method: ExtensionRoute['method'],
  path: string,
  answer: (req: { params: Record<string, string>; body: unknown; query: URLSearchParams }) => unknown,
): ExtensionRoute {
  return {
    method,
    path,
    handle(req) {
      received.push({ path, body: req.body, query: req.query.toString() });
      const value = answer(req);
      return typeof value === 'string' ? { kind: 'text', body: value } : { kind: 'json', body: value };
    },
  };
}

const routes: ExtensionRoute[] = [
  route('POST', '/nodes/:node/stop', ({ params }) => {
    if (params.node !== 'worker-1')
      throw new StatusError('NotFound', 404, `nodes "${params.node}" not found`);
    return { node: params.node, state: 'stopped' };
  }),
  route('POST', '/nodes/:node/start', ({ params }) => ({ node: params.node, state: 'running' })),
  route(
    'GET',
    '/nodes/:node/routes',
    () => 'default via 127.0.10.1 dev eth0\n10.244.1.2 dev cali1a2b3c4d5e6 scope link\n',
  ),
  route(
    'GET',
    '/nodes/:node/rules',
    ({ query }) => `# mode=${query.get('mode') ?? 'default'}\n*nat\nCOMMIT\n`,
  ),
  route('GET', '/nodes/:node/conntrack', ({ query }) =>
    query.get('o') === 'json'
      ? [{ proto: 'tcp', state: 'ESTABLISHED' }]
      : 'tcp      6 86399 ESTABLISHED src=10.244.1.2\n',
  ),
  route('GET', '/ipam', ({ query }) => `+----------+\n| GROUPING |\n+----------+\n${query.toString()}\n`),
  route('POST', '/namespaces/:ns/pods/:pod/exec', ({ body }) => {
    const command = (body as { command: string[] }).command;
    return command[0] === 'false'
      ? { stdout: '', stderr: 'boom\n', exitCode: 3 }
      : { stdout: `${command.join(' ')}\n`, stderr: '', exitCode: 0 };
  }),
  route('POST', '/namespaces/:ns/pods/:pod/kill', () => ({})),
  route('POST', '/namespaces/:ns/pods/:pod/fail-readiness', () => ({})),
  route('POST', '/namespaces/:ns/secrets/tls-selfsigned', ({ body }) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: (body as { name?: string }).name, namespace: 'default' },
    type: 'kubernetes.io/tls',
  })),
  route('POST', '/curl', () => ({
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body: 'web-7d4b9c8f5b-4jw2p\n',
    hops: [{ component: 'node' }],
  })),
  // The server renders text and mermaid itself (`output` in the body); the CLI prints it as is.
  route('POST', '/trace', () => 'host -> 127.0.10.2:30080 -> 10.244.1.2:80\n'),
  route(
    'GET',
    '/flows',
    () =>
      `${JSON.stringify({
        time: '2026-11-22T00:00:00Z',
        verdict: 'FORWARDED',
        IP: { source: '10.244.1.3', destination: '10.244.1.2' },
        l4: { TCP: { source_port: 43210, destination_port: 80 } },
        source: { namespace: 'default', pod_name: 'client' },
        destination: { namespace: 'default', pod_name: 'web-7d4b9c8f5b-4jw2p' },
        l7: { http: { method: 'GET', url: '/', code: 200 } },
      })}\n`,
  ),
];

const podLogs: PodLogs = {
  async *open(req) {
    yield `${req.podName}/${req.container} tail=${req.tailLines ?? 'all'}\n`;
    yield 'GET / 200\n';
  },
};

/** A stand-in manifest loader with the shape src/manifest returns. */
async function loader(inputs: readonly string[]): Promise<LoadResult> {
  if (inputs.includes('bad.yaml')) {
    throw Object.assign(new Error('bad'), {
      problems: [{ file: 'bad.yaml', line: 3, message: 'tabs are not YAML indentation' }],
    });
  }
  const objects: KubeObject[] = inputs.includes('invalid.yaml')
    ? [
        {
          ...deployment('nginx:1.25', '1'),
          metadata: { name: 'api' },
          spec: {
            replicas: -1,
            selector: { matchLabels: { app: 'api' } },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: { containers: [{ name: 'c', image: 'x' }] },
            },
          },
        } as KubeObject,
      ]
    : [
        {
          ...deployment('nginx:1.25', '1'),
          metadata: { name: 'shop', labels: { app: 'shop' } },
        } as KubeObject,
        { ...service(), metadata: { name: 'shop' } } as KubeObject,
      ];
  return {
    manifests: objects.map((object, i) => ({
      object,
      source: { file: inputs[0] ?? '-', line: 1 + i * 20 },
      label: `${object.kind} default/${object.metadata.name}`,
      fieldLine: (path: string) => (path === 'spec.replicas' ? 7 + i * 20 : 1 + i * 20),
    })),
  };
}

let h: CliHarness;

beforeAll(async () => {
  h = await startCliHarness({ extensions: routes, podLogs, manifestLoader: loader });
  seedCluster((o) => h.seed(o), Date.now());
});

afterAll(async () => {
  await h?.close();
});

describe('apply (atomic /apply route)', () => {
  it('creates, then reports unchanged', async () => {
    expect(await h.netkube(['apply', '-f', 'shop.yaml'])).toEqual({
      code: 0,
      stdout: 'deployment.apps/shop created\nservice/shop created\n',
      stderr: '',
    });
    expect((await h.netkube(['apply', '-f', 'shop.yaml'])).stdout).toBe(
      'deployment.apps/shop unchanged\nservice/shop unchanged\n',
    );
  });

  it('prints every manifest problem with file:line and applies nothing', async () => {
    expect(await h.netkube(['apply', '-f', 'bad.yaml'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: bad.yaml:3: tabs are not YAML indentation\n',
    });
    const r = await h.netkube(['apply', '-f', 'invalid.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: invalid\.yaml:7: Deployment default\/api: spec\.replicas: Invalid value: -1: /,
    );
    expect((await h.netkube(['get', 'deploy', 'api'])).code).toBe(1);
  });

  it('needs -f', async () => {
    expect((await h.netkube(['apply'])).stderr).toBe('error: must specify one of -f and -k\n');
  });
});

describe('logs (pod log route)', () => {
  it('reads a pod, or the first pod of a deployment, with --tail', async () => {
    expect(await h.netkube(['logs', 'web-7d4b9c8f5b-4jw2p', '--tail', '5'])).toEqual({
      code: 0,
      stdout: 'web-7d4b9c8f5b-4jw2p/nginx tail=5\nGET / 200\n',
      stderr: '',
    });
    const r = await h.netkube(['logs', 'deploy/web']);
    expect(r.stderr).toMatch(/^Found 2 pods, using pod\/web-7d4b9c8f5b-/);
    expect(r.stdout).toMatch(/\/nginx tail=all\nGET \/ 200\n$/);
    expect((await h.netkube(['logs', 'web-7d4b9c8f5b-4jw2p', '-c', 'nope'])).stderr).toBe(
      'error: container nope is not valid for pod web-7d4b9c8f5b-4jw2p\n',
    );
  });
});

describe('logs print what kubectl logs prints', () => {
  it.skipIf(!KUBECTL).each([
    ['logs', 'web-7d4b9c8f5b-4jw2p', '--tail=5'],
    ['logs', 'deploy/web'],
    ['logs', 'rs/web-7d4b9c8f5b', '--timestamps'],
    ['logs', 'web-7d4b9c8f5b-4jw2p', '-c', 'nope'],
    ['logs', 'nope'],
    ['logs', 'web-7d4b9c8f5b-4jw2p', 'nginx', '-c', 'nginx'],
    ['logs', '-l', 'k8s-app=kube-dns', '-n', 'kube-system', '--prefix'],
    ['logs', '-l', 'k8s-app=kube-dns', '-n', 'kube-system', '--tail=3'],
    ['logs', '-l', 'app=none'],
    ['logs', 'web-7d4b9c8f5b-4jw2p', '--prefix'],
  ])('%s %s %s', async (...argv) => {
    const [ours, theirs] = await Promise.all([h.netkube(argv), h.kubectl(argv)]);
    expect(ours.stdout).toBe(theirs?.stdout);
    expect(ours.stderr).toBe(theirs?.stderr);
    expect(ours.code).toBe(theirs?.code);
  });
});

describe('logs -l', () => {
  it('reads the last 10 lines of every matching pod', async () => {
    const r = await h.netkube(['logs', '-l', 'app=web', '--prefix']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '[pod/web-7d4b9c8f5b-4jw2p/nginx] GET / 200',
      '[pod/web-7d4b9c8f5b-4jw2p/nginx] web-7d4b9c8f5b-4jw2p/nginx tail=10',
      '[pod/web-7d4b9c8f5b-x8k2d/nginx] GET / 200',
      '[pod/web-7d4b9c8f5b-x8k2d/nginx] web-7d4b9c8f5b-x8k2d/nginx tail=10',
    ]);
  });
});

describe('extension-route commands', () => {
  it.each([
    { argv: ['node', 'stop', 'worker-1'], stdout: 'node/worker-1 stopped\n' },
    { argv: ['node', 'start', 'worker-1'], stdout: 'node/worker-1 started\n' },
    {
      argv: ['routes', 'worker-1'],
      stdout: 'default via 127.0.10.1 dev eth0\n10.244.1.2 dev cali1a2b3c4d5e6 scope link\n',
    },
    {
      argv: ['rules', '--node', 'worker-1', '--mode', 'nftables'],
      stdout: '# mode=nftables\n*nat\nCOMMIT\n',
    },
    { argv: ['conntrack', '--node', 'worker-1'], stdout: 'tcp      6 86399 ESTABLISHED src=10.244.1.2\n' },
    {
      argv: ['conntrack', '--node', 'worker-1', '-o', 'json'],
      stdout: '[\n    {\n        "proto": "tcp",\n        "state": "ESTABLISHED"\n    }\n]\n',
    },
    {
      argv: ['ipam', 'show', '--show-blocks'],
      stdout: '+----------+\n| GROUPING |\n+----------+\nshowBlocks=1\n',
    },
    { argv: ['exec', 'web-7d4b9c8f5b-4jw2p', '--', 'ip', 'addr'], stdout: 'ip addr\n' },
    { argv: ['pod', 'kill', 'web-7d4b9c8f5b-4jw2p'], stdout: 'pod/web-7d4b9c8f5b-4jw2p killed\n' },
    {
      argv: ['pod', 'fail-readiness', 'web-7d4b9c8f5b-4jw2p', '--seconds', '30'],
      stdout: 'pod/web-7d4b9c8f5b-4jw2p readiness failing for 30s\n',
    },
    { argv: ['curl', '--from', 'pod/client', 'http://web/'], stdout: 'web-7d4b9c8f5b-4jw2p\n' },
    {
      argv: [
        'create',
        'secret',
        'tls-selfsigned',
        'shop-tls',
        '--host',
        'shop.example.com',
        '--host',
        '*.shop.test',
      ],
      stdout: 'secret/shop-tls created\n',
    },
    {
      argv: ['trace', '--from', 'host', '--to', '127.0.10.2:30080'],
      stdout: 'host -> 127.0.10.2:30080 -> 10.244.1.2:80\n',
    },
    {
      argv: ['flows'],
      stdout:
        'Nov 22 00:00:00.000: default/client -> default/web-7d4b9c8f5b-4jw2p http-response FORWARDED (HTTP/1.1 200 0ms (GET /))\n',
    },
  ])('netkube $argv', async ({ argv, stdout }) => {
    expect(await h.netkube(argv)).toEqual({ code: 0, stdout, stderr: '' });
  });

  it('sends the request bodies the routes expect', async () => {
    received.length = 0;
    await h.netkube(['curl', '-X', 'PUT', '-H', 'X-Test: 1', '-d', 'hi', 'http://web/x']);
    await h.netkube(['exec', '-c', 'nginx', 'web-7d4b9c8f5b-4jw2p', '--', 'nslookup', 'web']);
    await h.netkube(['create', 'secret', 'tls-selfsigned', 'a-tls', '--host', 'a.test']);
    expect(received.map((r) => r.body)).toEqual([
      {
        from: 'host',
        url: 'http://web/x',
        method: 'PUT',
        headers: { 'X-Test': '1' },
        body: 'hi',
        trace: false,
        namespace: 'default',
      },
      { command: ['nslookup', 'web'], container: 'nginx' },
      { name: 'a-tls', hosts: ['a.test'] },
    ]);
  });

  it("exits with the command's exit code, as kubectl exec does", async () => {
    expect(await h.netkube(['exec', 'web-7d4b9c8f5b-4jw2p', '--', 'false'])).toEqual({
      code: 3,
      stdout: '',
      stderr: 'boom\ncommand terminated with exit code 3\n',
    });
  });

  it("shows the server's Status for errors", async () => {
    expect(await h.netkube(['node', 'stop', 'worker-9'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): nodes "worker-9" not found\n',
    });
  });
});
