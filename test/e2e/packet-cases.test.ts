/**
 * The core promise: the tracer and the dataplane never disagree. One emulator
 * runs the fixture of packet-cases.table.ts; every row is answered twice —
 * by `traceConnection` (pure: nothing is sent, no state is committed) and by
 * real connections through `POST /curl` (real TCP from the laptop, the pod
 * network from pods and nodes) — and both answers must equal the row's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/types.js';
import { Emulator } from '../../src/emulator/emulator.js';
import { silentLogger } from '../../src/log/index.js';
import { defaultTopologyText, loadTopology } from '../../src/topology/index.js';
import {
  FlowLog,
  liveTraceDeps,
  type Trace,
  type TraceDeps,
  traceConnection,
} from '../../src/trace/index.js';
import { realClock } from '../../src/util/clock.js';
import { seededRandom } from '../../src/util/random.js';
import { EMULATOR_SLOTS } from '../helpers/addresses.js';
import {
  type CaseContext,
  fixtureManifests,
  PACKET_CASES,
  type PacketCase,
  type Seen,
} from './packet-cases.table.js';

const SLOT = EMULATOR_SLOTS['test/e2e/packet-cases.test.ts'];

/** What one side says happened: the pods that answered (or a verdict) and the sources they saw. */
interface Answer {
  readonly endpoints: readonly string[];
  readonly verdict?: 'Rejected' | 'Dropped' | 'Unresolved';
  /** Why the connection failed, as the side that answered put it (for the failure message). */
  readonly reason?: string;
  readonly seen: readonly string[];
  /** The HTTP status the ingress controller answered itself with. */
  readonly status?: number;
  /** Through the ingress controller: the client it saw (X-Real-IP). */
  readonly client?: readonly string[];
}

let emulator: Emulator;
let laptop: Server;
let deps: () => TraceDeps;
let ctx: CaseContext;
const flows = new FlowLog({ maxFlows: 5000 });
const traced = new Map<string, Trace>();
const real = new Map<string, Answer>();
/**
 * Rows that go through the ingress controller run last: the addon installs
 * with the fixture's Ingress, and its controller pod turns Ready only after
 * its readiness probe passes (ingress-nginx's /healthz, periodSeconds 10), by
 * which time the other rows have long been answered.
 */
function viaIngress(c: PacketCase): boolean {
  return c.via === 'ingress';
}

/** The tracer's answer for every row in `cases`, then the dataplane's (the tracer commits nothing). */
async function answerAll(cases: readonly PacketCase[]): Promise<void> {
  for (const c of cases) traced.set(c.name, await trace(c));
  const answers = await Promise.all(
    cases.map(async (c) => [c.name, await dataplaneAnswer(c, traced.get(c.name) as Trace)] as const),
  );
  for (const [name, a] of answers) real.set(name, a);
}

function nodeName(ip: string): string | undefined {
  return emulator.topology.nodes.find((n) => n.address === ip)?.name;
}

/**
 * How the table names the source address a receiver saw. `node:X` is node X's
 * address on the interface toward the receiver, as masquerade and the kernel's
 * source choice give it: X's own address when the receiver is on X (or is not a
 * pod), X's tunnel address (tunl0) when it is a pod on another node.
 * `node-ip:X` is X's own address at a pod on another node: natOutgoing's SNAT
 * on X, kept by the node that delivered it. A tunnel address at a pod on its
 * own node is a mistake and is named so.
 */
function seenAs(ip: string, sourceIP: string, receiverIP?: string): string {
  if (ip === '127.0.0.1' && sourceIP !== '127.0.0.1') return 'loopback';
  const receiver = receiverIP ? emulator.cluster.dataplane.world.podByIP(receiverIP)?.node : undefined;
  const node = nodeName(ip);
  if (node) return receiver === undefined || receiver === node ? `node:${node}` : `node-ip:${node}`;
  const tunnel = emulator.topology.nodes.find((n) => {
    const net = emulator.cluster.network.model.node(n.name);
    return net?.ipipTunnel === ip || net?.vxlanTunnel === ip;
  })?.name;
  if (tunnel)
    return receiver !== undefined && receiver !== tunnel
      ? `node:${tunnel}`
      : `node:${tunnel}'s tunnel address, though the receiver is on it`;
  if (ip === sourceIP) return 'client';
  const pod = emulator.cluster.dataplane.world.podByIP(ip);
  return pod ? `pod:${pod.name}` : ip;
}

function sourceIP(from: string): string {
  if (from === 'host') return '127.0.0.1';
  const [kind, name] = from.split('/') as [string, string];
  if (kind === 'node') return emulator.topology.nodes.find((n) => n.name === name)?.address ?? '';
  return emulator.cluster.network.model.pod('default', name)?.ip ?? '';
}

function target(c: PacketCase): string {
  return typeof c.to === 'function' ? c.to(ctx) : c.to;
}

async function trace(c: PacketCase): Promise<Trace> {
  const to = target(c);
  const outcome = await traceConnection(deps(), {
    from: c.from,
    ...(c.via ? { url: to, via: c.via } : { to }),
    seed: 1,
  });
  if (!outcome.ok) throw new Error(`${c.name}: ${outcome.problem.message}`);
  return outcome.trace;
}

/** The tracer's answer: every candidate endpoint (or the verdict) and the source the receiver sees. */
function tracerAnswer(t: Trace): Answer {
  const r = t.result;
  const reason = r.reason ?? '';
  if (r.kind === 'refused') return { endpoints: [], verdict: 'Rejected', seen: [], reason };
  if (r.kind === 'dropped') return { endpoints: [], verdict: 'Dropped', seen: [], reason };
  if (r.kind === 'unresolved') return { endpoints: [], verdict: 'Unresolved', seen: [], reason };
  if (r.kind === 'host') return { endpoints: ['laptop'], seen: ['laptop'] };
  if (t.ingress && t.ingress.action !== 'proxy')
    return { endpoints: [], seen: [], ...(t.ingress.status ? { status: t.ingress.status } : {}) };
  const pods = t.candidates.filter((x) => x.probability > 0 && x.pod).map((x) => x.pod?.name as string);
  const endpoints = pods.length ? pods : [r.pod?.name as string];
  const seen = t.seen ? [seenAs(t.seen.src.ip, t.source.ip, t.seen.dst.ip)] : [];
  // Through the ingress: the client is what the controller pod (the backend's source) saw.
  const client = t.ingress?.client
    ? { client: [seenAs(t.ingress.client.ip, t.source.ip, t.seen?.src.ip)] }
    : {};
  return { endpoints: [...new Set(endpoints)].sort(), seen, ...client };
}

/** The URL and headers a real client uses for the case (names stay names: the pod's resolver runs). */
function request(c: PacketCase, t: Trace): { url: string; headers?: Record<string, string> } {
  if (c.via === 'ingress') {
    const path = new URL(target(c)).pathname;
    return {
      url: `http://${t.destination.ip}:${t.destination.port}${path}`,
      headers: { Host: new URL(target(c)).host },
    };
  }
  const host = t.destination.host ?? t.destination.ip;
  return { url: `http://${host}:${t.destination.port}/` };
}

async function curl(from: string, url: string, headers?: Record<string, string>) {
  const res = await fetch(`${emulator.apiUrl}/apis/netkube.dev/v1alpha1/curl`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from, url, ...(headers ? { headers } : {}) }),
  });
  const body = (await res.json()) as { status?: number; body?: string; message?: string };
  if (res.status !== 200) return { error: body.message ?? String(res.status) };
  return { status: body.status ?? 0, body: body.body ?? '' };
}

function verdictOf(error: string): Answer['verdict'] {
  // REJECT: ICMP port unreachable on a real node, "connection refused" here (a Service
  // port without endpoints has no listener on the laptop; pods get ECONNREFUSED).
  // netkube curl words failures as curl 8 does: (7) "Couldn't connect to server", (28) "Timeout was reached".
  if (/refused|couldn't connect to server/i.test(error)) return 'Rejected';
  if (/resolve/i.test(error)) return 'Unresolved';
  if (/timed out|timeout was reached|ETIMEDOUT|EHOSTUNREACH|cannot reach/i.test(error)) return 'Dropped';
  throw new Error(`Unexpected curl failure: ${error}`);
}

/** Real connections: sample until every expected endpoint answered (or enough tries). */
async function dataplaneAnswer(c: PacketCase, t: Trace): Promise<Answer> {
  const { url, headers } = request(c, t);
  if (t.result.kind === 'host' && t.result.host && !t.result.host.ip.startsWith('127.'))
    throw new Error(`${c.name}: refusing to connect outside loopback (${t.result.host.ip})`);
  const want = 'endpoints' in c.want ? c.want.endpoints : [];
  const tries = !('endpoints' in c.want) ? 1 : c.want.sticky ? 8 : 12 * want.length;
  const endpoints = new Set<string>();
  const seen = new Set<string>();
  const client = new Set<string>();
  for (let i = 0; i < tries; i++) {
    const r = await curl(c.from, url, headers);
    if ('error' in r) {
      const verdict = verdictOf(r.error ?? '');
      return verdict ? { endpoints: [], verdict, seen: [], reason: r.error } : { endpoints: [], seen: [] };
    }
    // The controller's own answer (its default backend's 404, a redirect): no pod behind it.
    if (c.via === 'ingress' && r.status !== 200) return { endpoints: [], seen: [], status: r.status };
    const host = /^Hostname: (\S+)/m.exec(r.body ?? '')?.[1] ?? '?';
    const remote = /^RemoteAddr: (\S+):\d+$/m.exec(r.body ?? '')?.[1] ?? '?';
    endpoints.add(host);
    const receiver = emulator.cluster.network.model.pod('default', host)?.ip;
    seen.add(host === 'laptop' ? 'laptop' : seenAs(remote, sourceIP(c.from), receiver));
    // whoami echoes the request it got: the controller's X-Real-IP names the client it saw.
    const realIP = /^X-Real-Ip: (\S+)\r?$/im.exec(r.body ?? '')?.[1];
    if (realIP) client.add(seenAs(realIP, sourceIP(c.from), remote));
    if (!('sticky' in c.want) && want.every((w) => endpoints.has(w))) break;
  }
  return {
    endpoints: [...endpoints].sort(),
    seen: [...seen].sort(),
    ...(c.via === 'ingress' ? { client: [...client].sort() } : {}),
  };
}

function seenMatches(want: Seen, got: string): boolean {
  if (want === 'any-node') return got.startsWith('node:');
  if (want.startsWith('pod:')) return got.startsWith(want);
  return got === want;
}

function checkAnswer(c: PacketCase, side: string, got: Answer): void {
  const label = `${c.name} [${side}]`;
  if ('verdict' in c.want) {
    expect(got.verdict, `${label}: verdict`).toBe(c.want.verdict);
    return;
  }
  expect(got.verdict, `${label}: verdict (${got.reason})`).toBeUndefined();
  if ('status' in c.want) {
    expect(got.status, `${label}: HTTP status from the ingress controller`).toBe(c.want.status);
    expect(got.endpoints, `${label}: no backend pod`).toEqual([]);
    return;
  }
  expect(got.status, `${label}: a backend pod answered`).toBeUndefined();
  if (c.want.client) {
    const want = c.want.client;
    expect(got.client?.length, `${label}: the client the controller saw`).toBeGreaterThan(0);
    for (const s of got.client ?? [])
      expect(seenMatches(want, s), `${label}: controller saw ${s}, want ${want}`).toBe(true);
  }
  const endpoints = c.want.endpoints;
  if (('sticky' in c.want && side === 'dataplane') || ('one' in c.want && side === 'tracer')) {
    expect(got.endpoints.length, `${label}: one endpoint only, got ${got.endpoints}`).toBe(1);
    expect(endpoints, `${label}: endpoint`).toContain(got.endpoints[0]);
  } else {
    expect(got.endpoints, `${label}: endpoints`).toEqual([...endpoints].sort());
  }
  for (const s of got.seen)
    expect(seenMatches(c.want.seen, s), `${label}: source seen ${s}, want ${c.want.seen}`).toBe(true);
  expect(got.seen.length, `${label}: a source address`).toBeGreaterThan(0);
}

async function startLaptopServer(): Promise<Server> {
  const server = createServer((req, res) => {
    res.end(`Hostname: laptop\nRemoteAddr: ${req.socket.remoteAddress}:${req.socket.remotePort}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function writeTerminatingSlice(): Promise<void> {
  const web2 = emulator.cluster.network.model.pod('default', 'web-2');
  if (!web2) throw new Error('web-2 has no IP');
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'term-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'term' } },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [web2.ip],
        nodeName: 'worker-2',
        conditions: { ready: false, serving: true, terminating: true },
        targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2' },
      },
    ],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  };
  emulator.apply([slice as unknown as KubeObject]);
}

type Labelled = KubeObject & { metadata: { labels?: Record<string, string> } };
type ReadyPod = Labelled & { status?: { podIP?: string; conditions?: { type: string; status: string }[] } };

/**
 * The default namespace's selector Services whose EndpointSlices do not yet
 * list every Ready pod they select as a ready endpoint: the EndpointSlice
 * controller works through Services one at a time, so a loaded machine can
 * trace one Service before the controller has reached it.
 */
function servicesMissingEndpoints(store: Emulator['cluster']['store']): string[] {
  const pods = store.list<ReadyPod>('pods', { namespace: 'default' });
  const slices = store.list<
    Labelled & { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }
  >('endpointslices.discovery.k8s.io', { namespace: 'default' });
  const missing: string[] = [];
  for (const svc of store.list<Labelled & { spec?: { selector?: Record<string, string> } }>('services', {
    namespace: 'default',
  })) {
    const selector = svc.spec?.selector;
    if (!selector) continue;
    const ready = new Set<string>();
    for (const slice of slices) {
      if (slice.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
      for (const e of slice.endpoints ?? [])
        if (e.conditions?.ready) for (const a of e.addresses) ready.add(a);
    }
    const want = pods.filter(
      (p) =>
        Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) &&
        p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
    );
    if (want.some((p) => !ready.has(p.status?.podIP ?? ''))) missing.push(svc.metadata.name ?? '');
  }
  return missing;
}

/** Polls `check` until it returns true; its last other answer says what is still missing. */
async function waitFor(what: string, check: () => Promise<true | string>, timeoutMs = 20_000): Promise<void> {
  let last: true | string = 'nothing checked';
  for (let i = 0; i < timeoutMs / 50; i++) {
    last = await check();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}: ${last}`);
}

beforeAll(async () => {
  laptop = await startLaptopServer();
  const topology = loadTopology({ text: defaultTopologyText(), slot: SLOT });
  emulator = await Emulator.start({
    name: 'packet-cases',
    topology,
    logger: silentLogger(),
    random: seededRandom(7),
    flows,
    kubeletTiming: { imagePullMs: 0, containerStartMs: 0 },
  });
  const objects = parseAllDocuments(fixtureManifests(SLOT)).map((d) => d.toJS() as KubeObject);
  emulator.apply(objects);
  const c = emulator.cluster;
  deps = liveTraceDeps({
    world: c.dataplane.world,
    store: c.store,
    nodes: topology.nodes.map((n) => ({ name: n.name, address: n.address })),
    dns: { view: c.dnsView, lookupExternal: async () => [] },
    clock: realClock,
    entryNodes: (key) => c.dataplane.entryCandidates(key),
    ingressService: { namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
  });
  // Not emulator.waitReady(): the ingress controller's readiness is waited for last (see viaIngress).
  await waitFor('the fixture pods', async () => {
    const pods = c.store.list<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
      'pods',
      {
        namespace: 'default',
      },
    );
    const ready = pods.filter((p) =>
      p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
    );
    return ready.length >= 5 || `${ready.length}/5 pods ready`;
  });
  await writeTerminatingSlice();
  const lbIP = (name: string) => {
    const svc = c.store.get<KubeObject & { status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>(
      'services',
      'default',
      name,
    );
    return svc?.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
  };
  ctx = { slot: SLOT, lbIP, laptopPort: (laptop.address() as AddressInfo).port };
  await waitFor('every selector Service to list its ready pods in its EndpointSlices', async () => {
    const missing = servicesMissingEndpoints(c.store);
    return missing.length === 0 || `no ready endpoint yet for ${missing.join(', ')}`;
  });
  await waitFor('LoadBalancer IPs, the terminating endpoint and the ingress controller', async () => {
    // kube-proxy syncs on a timer, and tracing only awaits promises: without this, the rows
    // would be traced against the rules of before the last EndpointSlice change.
    if (c.proxy.syncPending) return 'kube-proxy has changes to sync';
    await c.dataplane.whenSettled();
    if (!lbIP('web-lb') || !lbIP('local-lb')) return 'LoadBalancer IPs';
    const term = await trace(PACKET_CASES.find((x) => x.to === 'svc/term:80') as PacketCase);
    if (term.result.kind !== 'pod') return `term: ${term.result.reason}`;
    // Every Service's rules are in: the last-listed externalIP is routed to its endpoints.
    const unbound = await trace(
      PACKET_CASES.find((x) => x.name === 'node to an unbindable externalIP') as PacketCase,
    );
    return unbound.result.kind === 'pod' || `web-unbound: ${unbound.result.reason ?? unbound.result.kind}`;
  });
  // The tracer first: it commits nothing, so the dataplane starts from the same state.
  await answerAll(PACKET_CASES.filter((x) => !viaIngress(x)));
  await waitFor(
    'the ingress controller to serve',
    async () => {
      const pods = c.store.list<
        KubeObject & { status?: { conditions?: { type: string; status: string }[] } }
      >('pods', { namespace: 'ingress-nginx' });
      const ready = pods.some((p) =>
        p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
      );
      if (!ready) return 'the controller pod is not Ready';
      if (c.proxy.syncPending) return 'kube-proxy has changes to sync';
      await c.dataplane.whenSettled();
      const t = await trace(PACKET_CASES.find(viaIngress) as PacketCase);
      return t.result.kind === 'pod' || `ingress row: ${t.result.reason ?? t.result.kind}`;
    },
    30_000,
  );
  await answerAll(PACKET_CASES.filter(viaIngress));
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
  await new Promise((r) => laptop?.close(r));
});

describe('the shared packet cases', () => {
  it('has at least 40 cases with unique names', () => {
    expect(PACKET_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PACKET_CASES.map((c) => c.name)).size).toBe(PACKET_CASES.length);
  });

  describe.each(PACKET_CASES.map((c) => ({ ...c, label: c.name })))('$label', (c) => {
    // A known issue must fail its Kubernetes check until it is fixed (see the row's knownIssue).
    const vsKubernetes = c.knownIssue ? it.fails : it;

    vsKubernetes('tracer', () => {
      checkAnswer(c, 'tracer', tracerAnswer(traced.get(c.name) as Trace));
    });

    vsKubernetes('dataplane', () => {
      checkAnswer(c, 'dataplane', real.get(c.name) as Answer);
    });

    it('agree', async () => {
      const t = tracerAnswer(traced.get(c.name) as Trace);
      const d = real.get(c.name) as Answer;
      expect(d.verdict, `${c.name}: verdicts differ (tracer: ${t.reason}; dataplane: ${d.reason})`).toBe(
        t.verdict,
      );
      if ('sticky' in c.want) {
        // Once the dataplane remembered the client, the tracer must predict exactly that endpoint.
        const again = tracerAnswer(await trace(c));
        expect(again.endpoints, `${c.name}: the tracer must follow the affinity`).toEqual(d.endpoints);
      } else if ('one' in c.want) {
        // DNS rotates the addresses: the tracer follows one of those the clients spread over.
        expect(d.endpoints, `${c.name}: the tracer's endpoint is one the clients reach`).toContain(
          t.endpoints[0],
        );
      } else expect(d.endpoints, `${c.name}: endpoint sets differ`).toEqual(t.endpoints);
      expect(d.status, `${c.name}: HTTP statuses differ`).toBe(t.status);
      expect(d.client, `${c.name}: the clients the ingress controller saw differ`).toEqual(t.client);
      const comparable = !('endpoints' in c.want) || (c.want.seen !== 'any-node' && c.want.seen !== 'laptop');
      if (comparable) expect(d.seen, `${c.name}: source addresses differ`).toEqual(t.seen);
    });
  });

  it('recorded a flow per real connection, refusals as DROPPED with their Service', () => {
    const dropped = flows.list({ filter: { verdict: ['DROPPED'] } });
    expect(
      dropped.some((f) => /service default\/empty:http has no endpoints/.test(f.drop_reason_desc ?? '')),
    ).toBe(true);
    const forwarded = flows.list({ filter: { verdict: ['FORWARDED'], pod: ['default/web-'] } });
    expect(forwarded.length).toBeGreaterThan(0);
  });
});
