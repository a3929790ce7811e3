/**
 * NetworkPolicy end to end: a whole emulator (controllers, kubelets, Calico
 * IPAM, kube-proxy and the dataplane), a policy written through the API write
 * path, and real virtual connections between simulated pods. A denied
 * connection times out (Felix drops the packet, calico.md §4.2), an allowed
 * one is answered by the app, and the plan names the policy.
 */
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import type { Origin } from '../../src/dataplane/path.js';
import { Emulator } from '../../src/emulator/emulator.js';
import { silentLogger } from '../../src/log/index.js';
import { defaultTopologyText, loadTopology } from '../../src/topology/load.js';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';

const SLOT = EMULATOR_SLOTS['test/e2e/network-policy.test.ts'];
/** How long a dropped connect waits before ETIMEDOUT: a value, never an assertion. */
const DROP_TIMEOUT_MS = 300;

let emulator: Emulator;

function pod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.43',
          args: ['netexec', '--http-port=8080'],
          ports: [{ name: 'http', containerPort: 8080 }],
        },
      ],
    },
  } as KubeObject;
}

const DB_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'default' },
  spec: { selector: { app: 'db' }, ports: [{ port: 80, targetPort: 'http' }] },
} as KubeObject;

/** Only pods labelled app=web may reach the db pods, on their port named http. */
const DB_ALLOW_WEB = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'db-allow-web', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
  },
} as KubeObject;

function origin(name: string): Extract<Origin, { kind: 'pod' }> {
  const a = emulator.cluster.network.model.pod('default', name);
  if (!a) throw new Error(`pod ${name} has no address`);
  return { kind: 'pod', namespace: 'default', name, ip: a.ip, node: a.node };
}

function clusterIP(): string {
  const svc = emulator.cluster.store.get<KubeObject & { spec?: { clusterIP?: string } }>(
    'services',
    'default',
    'db',
  );
  return svc?.spec?.clusterIP ?? '';
}

/** Sends GET /hostname on a connected socket and returns the body (agnhost netexec answers its pod name). */
function hostname(socket: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    socket.on('data', (c: Buffer) => {
      data += c.toString('utf8');
    });
    socket.once('end', () => resolve(data.slice(data.indexOf('\r\n\r\n') + 4)));
    socket.once('error', reject);
    socket.write('GET /hostname HTTP/1.0\r\nHost: db\r\n\r\n');
  });
}

/** `answered by <name>` or the connect error's code. */
async function connect(from: string, ip: string, port: number): Promise<string> {
  try {
    const { socket } = await emulator.cluster.dataplane.executor.connect(
      origin(from),
      { ip, port },
      { timeoutMs: DROP_TIMEOUT_MS },
    );
    return `answered by ${await hostname(socket)}`;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

function dbIP(): string {
  return origin('db').ip;
}

beforeAll(async () => {
  emulator = await Emulator.start({
    name: 'e2e-network-policy',
    topology: loadTopology({ text: defaultTopologyText(), slot: SLOT }),
    slot: SLOT,
    logger: silentLogger(),
    kubeletTiming: { imagePullMs: 0, containerStartMs: 0 },
  });
  emulator.apply([pod('db'), pod('web'), pod('other'), DB_SERVICE]);
  const ready = await emulator.waitReady({ timeoutMs: 90_000 });
  if (!ready.ready) throw new Error(`cluster not ready: ${JSON.stringify(ready.waiting)}`);
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
}, 60_000);

describe('NetworkPolicy on a running emulator', () => {
  it('without a policy every pod reaches db', async () => {
    expect(await connect('other', dbIP(), 8080)).toBe('answered by db');
    expect(await connect('web', dbIP(), 8080)).toBe('answered by db');
  });

  it('with db-allow-web, web is answered and other times out, directly and through the Service', async () => {
    expect(
      emulator.cluster.dataplane.world.policy,
      'the dataplane enforces no policy: the composition root must pass the store to createPathWorld (docs/network-policy.md)',
    ).toBeDefined();
    emulator.apply([DB_ALLOW_WEB]);
    expect(await connect('web', dbIP(), 8080)).toBe('answered by db');
    expect(await connect('web', clusterIP(), 80)).toBe('answered by db');
    expect(await connect('other', dbIP(), 8080)).toBe('ETIMEDOUT');
    expect(await connect('other', clusterIP(), 80)).toBe('ETIMEDOUT');
    // Dropped before the pod, so a closed port times out too instead of being refused.
    expect(await connect('other', dbIP(), 9999)).toBe('ETIMEDOUT');
  });

  it('the plan names the policy that selected db and the rule that allowed web', () => {
    const executor = emulator.cluster.dataplane.executor;
    const tuple = (from: string) => ({
      src: { ip: origin(from).ip, port: 45000 },
      dst: { ip: dbIP(), port: 8080 },
    });
    const denied = executor.plan(origin('other'), 'TCP', tuple('other'), { hops: true });
    expect(denied.outcome.kind).toBe('dropped');
    expect(denied.hops.at(-1)?.summary).toBe(
      `Ingress: denied by default: pod default/db is selected by NetworkPolicy default/db-allow-web (Ingress) and no rule allows ${origin('other').ip} → TCP 8080`,
    );
    const allowed = executor.plan(origin('web'), 'TCP', tuple('web'), { hops: true });
    expect(allowed.outcome.kind).toBe('pod');
    expect(allowed.hops.find((h) => h.component === 'policy')?.summary).toBe(
      'Ingress: allowed by NetworkPolicy default/db-allow-web spec.ingress[0]: from[0] podSelector app=web, ports[0] TCP http',
    );
  });

  it("db's own node still reaches it (kubelet probes); db's egress is not isolated", async () => {
    const db = origin('db');
    const socket = await emulator.cluster.dataplane.connectFromNode(db.node, db.ip, 8080, DROP_TIMEOUT_MS);
    expect(await hostname(socket)).toBe('db');
    expect(await connect('db', origin('other').ip, 8080)).toBe('answered by other');
  });

  it('deleting the policy opens db again', async () => {
    emulator.cluster.registry.delete(
      emulator.cluster.registry.resourceOf(DB_ALLOW_WEB),
      'default',
      'db-allow-web',
    );
    expect(await connect('other', dbIP(), 8080)).toBe('answered by db');
  });
});
