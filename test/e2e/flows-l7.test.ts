/**
 * Live L7 flows end to end: a whole emulator with its flow log, a whoami
 * Deployment behind a NodePort Service and an Ingress, and real HTTP requests
 * from the laptop over loopback. Each answered request becomes an L7 record:
 * the whoami pod's own (through the NodePort and behind the ingress), and the
 * ingress controller's, with the Ingress, Service and endpoint it used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import type { FlowRecord } from '../../src/dataplane/flow.js';
import { Emulator } from '../../src/emulator/emulator.js';
import { silentLogger } from '../../src/log/index.js';
import { NETKUBE_API_PREFIX } from '../../src/server/extensions.js';
import { defaultTopologyText, loadTopology } from '../../src/topology/load.js';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { get, until } from '../helpers/http.js';

const SLOT = EMULATOR_SLOTS['test/e2e/flows-l7.test.ts'];
const NODE_PORT = 30188;
const HOST = 'whoami.flows.test';

let emulator: Emulator;

const OBJECTS = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'whoami', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'whoami' } },
      template: {
        metadata: { labels: { app: 'whoami' } },
        spec: {
          containers: [{ name: 'whoami', image: 'traefik/whoami:v1.10', ports: [{ containerPort: 80 }] }],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'whoami', namespace: 'default' },
    spec: {
      type: 'NodePort',
      selector: { app: 'whoami' },
      ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: NODE_PORT }],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'whoami', namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: HOST,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'whoami', port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  },
] as unknown as KubeObject[];

function l7(path: string): FlowRecord[] {
  return emulator.flows.list({ filter: { type: ['l7'], httpPath: [new RegExp(`^${path}$`)] } });
}

function nodeAddress(): string {
  return emulator.topology.nodes[0]?.address ?? '';
}

beforeAll(async () => {
  emulator = await Emulator.start({
    name: 'e2e-flows-l7',
    topology: loadTopology({ text: defaultTopologyText(), slot: SLOT }),
    slot: SLOT,
    logger: silentLogger(),
    kubeletTiming: { imagePullMs: 0, containerStartMs: 0 },
  });
  emulator.apply(OBJECTS);
  const ready = await emulator.waitReady({ timeoutMs: 90_000 });
  if (!ready.ready) throw new Error(`cluster not ready: ${JSON.stringify(ready.waiting)}`);
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
}, 60_000);

describe('L7 flows on a running emulator', () => {
  it('a request through a NodePort to whoami: the pod answered, with the addresses it saw', async () => {
    const answer = await until(200, () => get(nodeAddress(), NODE_PORT, '/nodeport?x=1', 'via-nodeport'));
    expect(answer.body).toContain('GET /nodeport?x=1 HTTP/1.1');
    const [flow] = l7('/nodeport').filter((f) => f.l7?.http.code === 200);
    expect(flow).toBeDefined();
    const f = flow as FlowRecord;
    expect(f).toMatchObject({
      Type: 'L7',
      verdict: 'FORWARDED',
      is_reply: true,
      traffic_direction: 'INGRESS',
      l7: {
        type: 'RESPONSE',
        http: { code: 200, method: 'GET', url: 'http://via-nodeport/nodeport?x=1', protocol: 'HTTP/1.1' },
      },
      source: { namespace: 'default', port: 80 },
    });
    expect(f.source.pod_name).toMatch(/^whoami-/);
    expect(f.ingress).toBeUndefined();
    // The client as the pod saw it: the answer's RemoteAddr (a node address after SNAT).
    expect(answer.body).toContain(`RemoteAddr: ${f.destination.ip}:${f.destination.port}`);
    expect(f.l7?.latency_ns).toBeGreaterThanOrEqual(0);
  });

  it('a request through the ingress: the controller record names Ingress, Service and pod; whoami has its own', async () => {
    const port = emulator.topology.ingress.httpNodePort;
    const answer = await until(200, () => get(nodeAddress(), port, '/via-ingress', HOST, 'GET'));
    expect(answer.body).toContain(`Host: ${HOST}`);
    const flows = l7('/via-ingress').filter((f) => f.l7?.http.code === 200);
    const controller = flows.find((f) => f.ingress !== undefined);
    expect(controller).toMatchObject({
      verdict: 'FORWARDED',
      l7: { http: { code: 200, method: 'GET', url: `http://${HOST}/via-ingress`, host: HOST } },
      source_service: { namespace: 'default', name: 'whoami', port: '80' },
      ingress: { namespace: 'default', name: 'whoami', answered_by: 'upstream' },
      source: { namespace: 'default', port: 80 },
    });
    expect(controller?.source.pod_name).toMatch(/^whoami-/);
    expect(controller?.node_name).toBeTruthy();
    // The same request as the whoami pod answered it: from the controller pod.
    const atPod = flows.find((f) => f.ingress === undefined);
    expect(atPod?.destination).toMatchObject({ namespace: 'ingress-nginx' });
    expect(atPod?.destination.pod_name).toMatch(/^ingress-nginx-controller-/);
    expect(atPod?.l7?.http.host).toBe(HOST);
  });

  it("the controller's own 404 is an L7 record too, DROPPED, and GET /flows filters as hubble observe", async () => {
    const port = emulator.topology.ingress.httpNodePort;
    const answer = await get(nodeAddress(), port, '/nowhere', 'unknown.flows.test', 'POST');
    expect(answer.status).toBe(404);
    const [f] = l7('/nowhere');
    expect(f).toMatchObject({
      verdict: 'DROPPED',
      l7: { http: { code: 404, method: 'POST', url: 'http://unknown.flows.test/nowhere' } },
      ingress: { answered_by: 'default-backend' },
      source: { namespace: 'ingress-nginx' },
    });
    const url = new URL(`${emulator.apiUrl}${NETKUBE_API_PREFIX}/flows`);
    url.search = new URLSearchParams({
      type: 'l7',
      http_status: '4+',
      http_method: 'post',
      limit: '1000',
    }).toString();
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const lines = text.trim().split('\n').filter(Boolean);
    const records = lines.map((l) => JSON.parse(l) as FlowRecord);
    expect(records.map((r) => [r.l7?.http.method, r.l7?.http.code, r.l7?.http.url])).toContainEqual([
      'POST',
      404,
      'http://unknown.flows.test/nowhere',
    ]);
    expect(records.every((r) => r.Type === 'L7' && (r.l7?.http.code ?? 0) >= 400)).toBe(true);
  });
});
