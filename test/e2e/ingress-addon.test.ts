/**
 * The ingress addon when its stable NodePorts are taken. `npm start` runs the
 * demo, whose `web` Service holds NodePort 30080 — the controller's default
 * http NodePort — and the first Ingress a user then creates brings in the
 * addon. The controller must still come up: on a free NodePort, with a Warning
 * event that says which one and who holds 30080, and its Ingresses must answer
 * there while 30080 stays web's. A Service that asks for a stable NodePort in
 * the same `apply` as the first Ingress keeps it too (the addon follows that
 * apply's objects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { INGRESS_CONTROLLER_NAME, INGRESS_NAMESPACE } from '../../src/emulator/bootstrap.js';
import { Emulator } from '../../src/emulator/emulator.js';
import { silentLogger } from '../../src/log/index.js';
import { defaultTopologyText, loadTopology } from '../../src/topology/load.js';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import { get, until } from '../helpers/http.js';

interface Port {
  readonly name: string;
  readonly port: number;
  readonly nodePort?: number;
}

function whoami(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'traefik/whoami:v1.10', ports: [{ containerPort: 80 }] }] },
      },
    },
  } as unknown as KubeObject;
}

function nodePortService(name: string, nodePort: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'NodePort',
      selector: { app: name },
      ports: [{ name: 'http', port: 80, targetPort: 80, nodePort }],
    },
  } as unknown as KubeObject;
}

function ingress(name: string, host: string, service: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  } as unknown as KubeObject;
}

/** Creates an Ingress as `kubectl create -f` would: a POST the API server answers at once. */
async function post(emulator: Emulator, obj: KubeObject): Promise<number> {
  const res = await fetch(`${emulator.apiUrl}/apis/networking.k8s.io/v1/namespaces/default/ingresses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(obj),
  });
  return res.status;
}

async function start(name: string, slot: number): Promise<Emulator> {
  return Emulator.start({
    name,
    topology: loadTopology({ text: defaultTopologyText(), slot }),
    slot,
    logger: silentLogger(),
    kubeletTiming: { imagePullMs: 0, containerStartMs: 0 },
  });
}

async function ready(emulator: Emulator): Promise<void> {
  const r = await emulator.waitReady({ timeoutMs: 90_000 });
  if (!r.ready) throw new Error(`cluster not ready: ${JSON.stringify(r.waiting)}`);
}

function controllerPorts(emulator: Emulator): Port[] {
  const svc = emulator.cluster.store.get('services', INGRESS_NAMESPACE, INGRESS_CONTROLLER_NAME) as
    | { spec?: { ports?: Port[] } }
    | undefined;
  return svc?.spec?.ports ?? [];
}

/** Waits for the addon, which follows the first Ingress on the next turn of the event loop. */
async function controllerService(emulator: Emulator): Promise<void> {
  for (let i = 0; i < 200 && controllerPorts(emulator).length === 0; i++)
    await new Promise((r) => setTimeout(r, 10));
  expect(controllerPorts(emulator)).not.toEqual([]);
}

function nodePortOf(emulator: Emulator, name: string): number | undefined {
  return controllerPorts(emulator).find((p) => p.name === name)?.nodePort;
}

function warnings(emulator: Emulator): string[] {
  return emulator.cluster.store
    .list('events')
    .map((e) => e as unknown as { reason?: string; message?: string; involvedObject?: { name?: string } })
    .filter((e) => e.reason === 'NodePortInUse' && e.involvedObject?.name === INGRESS_CONTROLLER_NAME)
    .map((e) => e.message ?? '');
}

describe('the first Ingress, created through the API server while web holds NodePort 30080', () => {
  let emulator: Emulator;
  const node = () => emulator.topology.nodes[1]?.address ?? '';

  beforeAll(async () => {
    emulator = await start('e2e-ingress-addon', EMULATOR_SLOTS['test/e2e/ingress-addon.test.ts']);
    emulator.apply([whoami('web'), nodePortService('web', 30080)]);
    await ready(emulator);
    expect(await post(emulator, ingress('web', 'web.addon.test', 'web'))).toBe(201);
    await controllerService(emulator);
    await ready(emulator);
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  }, 60_000);

  it('installs the controller on a free NodePort for http and keeps 30443 for https', () => {
    const http = nodePortOf(emulator, 'http');
    expect(http).toBeGreaterThanOrEqual(30000);
    expect(http).toBeLessThanOrEqual(32767);
    expect(http).not.toBe(30080);
    expect(nodePortOf(emulator, 'https')).toBe(30443);
    expect(emulator.cluster.store.get('services', 'default', 'web')).toMatchObject({
      spec: { ports: [{ nodePort: 30080 }] },
    });
  });

  it('says so in a Warning event on the controller Service', () => {
    expect(warnings(emulator)).toEqual([
      `nodePort 30080 for port http is already allocated to Service default/web, so ${INGRESS_CONTROLLER_NAME} got nodePort ${nodePortOf(emulator, 'http')} instead; the LoadBalancer IP still answers on the Service port`,
    ]);
  });

  it('routes the Ingress on that NodePort, while 30080 still reaches web directly', async () => {
    const port = nodePortOf(emulator, 'http') ?? 0;
    const viaIngress = await until(200, () => get(node(), port, '/through-ingress', 'web.addon.test'));
    expect(viaIngress.body).toContain('GET /through-ingress HTTP/1.1');
    // ingress-nginx's own headers: the request came through the controller.
    expect(viaIngress.body).toMatch(/X-Request-Id: [0-9a-f]{32}/);
    expect(viaIngress.body).toContain('X-Forwarded-Host: web.addon.test');
    const direct = await until(200, () => get(node(), 30080, '/direct', 'web.addon.test'));
    expect(direct.body).toContain('GET /direct HTTP/1.1');
    expect(direct.body).not.toContain('X-Request-Id');
  });
  it('comes back after its namespace was deleted, as an addon manager puts it back', async () => {
    const uid = () => emulator.cluster.store.get('namespaces', undefined, INGRESS_NAMESPACE)?.metadata.uid;
    const before = uid();
    const res = await fetch(`${emulator.apiUrl}/api/v1/namespaces/${INGRESS_NAMESPACE}`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);
    // The Ingress loses its address with the controller; that change brings the addon back.
    for (let i = 0; i < 600 && (uid() === undefined || uid() === before); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(uid()).not.toBe(before);
    await controllerService(emulator);
    await ready(emulator);
    expect(await post(emulator, ingress('again', 'again.addon.test', 'web'))).toBe(201);
    const port = nodePortOf(emulator, 'http') ?? 0;
    const answer = await until(200, () => get(node(), port, '/back', 'again.addon.test'));
    expect(answer.body).toContain('GET /back HTTP/1.1');
  }, 60_000);
});

describe('the first Ingress applied with a Service that asks for NodePort 30443', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await start(
      'e2e-ingress-addon-apply',
      EMULATOR_SLOTS['test/e2e/ingress-addon.test.ts (apply)'],
    );
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
  }, 60_000);

  it("applies both: the Service keeps 30443, the controller's https port moves and says so", async () => {
    const outcome = emulator.apply([
      whoami('tls-app'),
      nodePortService('tls-app', 30443),
      ingress('tls-app', 'tls.addon.test', 'tls-app'),
    ]);
    expect(outcome.warnings).toEqual([]);
    await controllerService(emulator);
    expect(emulator.cluster.store.get('services', 'default', 'tls-app')).toMatchObject({
      spec: { ports: [{ nodePort: 30443 }] },
    });
    expect(nodePortOf(emulator, 'http')).toBe(30080);
    const https = nodePortOf(emulator, 'https');
    expect(https).not.toBe(30443);
    expect(warnings(emulator)).toEqual([
      `nodePort 30443 for port https is already allocated to Service default/tls-app, so ${INGRESS_CONTROLLER_NAME} got nodePort ${https} instead; the LoadBalancer IP still answers on the Service port`,
    ]);
  });
});
