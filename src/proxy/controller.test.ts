import { afterEach, describe, expect, it } from 'vitest';
import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { silentLogger } from '../log/index.js';
import { ObjectStore } from '../store/object-store.js';
import { FakeClock } from '../util/clock.js';
import { ProxyController, type ProxySyncEvent } from './controller.js';
import { renderRules } from './render/index.js';
import { proxyExtensionRoutes } from './routes.js';
import { makeTestService, simpleSlice } from './testing/fixtures.js';
import { ENDPOINT_SLICES, SERVICES } from './watch-inputs.js';

const NODES = [
  { name: 'worker-1', ips: ['127.0.10.2'] },
  { name: 'worker-2', ips: ['127.0.10.3'] },
];

function web(port = 80) {
  return makeTestService('default', 'web', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '10.96.0.20',
      ports: [{ port, protocol: 'TCP', nodePort: 30080 }],
    };
  }) as KubeObject;
}

function webSlice(ips: [string, string][]) {
  return simpleSlice('default', 'web', { name: '', port: 8080 }, ips) as KubeObject;
}

let controller: ProxyController | undefined;
afterEach(() => controller?.stop());

function setup(minSyncPeriodMs = 0) {
  const store = new ObjectStore({ freeze: true });
  const clock = new FakeClock();
  const events: ProxySyncEvent[] = [];
  controller = new ProxyController({
    store,
    nodes: NODES,
    mode: 'iptables',
    podCIDR: '10.244.0.0/16',
    serviceCIDRs: ['10.96.0.0/12'],
    emulatedAddressRanges: ['127.0.10.0/24'],
    minSyncPeriodMs,
    clock,
    logger: silentLogger(),
  });
  controller.onSynced((e) => events.push(e));
  return { store, clock, events, controller };
}

describe('ProxyController', () => {
  it('replays the store on start and compiles every node', () => {
    const { store, controller, events } = setup();
    store.create(SERVICES, web());
    store.create(ENDPOINT_SLICES, webSlice([['10.244.1.5', 'worker-1']]));
    controller.start();
    expect(events).toHaveLength(1);
    expect(events[0]?.full).toBe(true);
    for (const node of ['worker-1', 'worker-2']) {
      expect(renderRules(controller.ruleSet(node) ?? fail(), 'restore')).toContain(
        '--to-destination 10.244.1.5:8080',
      );
    }
    expect(controller.ruleSet('worker-3')).toBeUndefined();
  });

  it('debounces changes and recompiles only the changed service ports', () => {
    const { store, controller, clock, events } = setup(1000);
    controller.start();
    store.create(SERVICES, web());
    store.create(ENDPOINT_SLICES, webSlice([['10.244.1.5', 'worker-1']]));
    const other = makeTestService('default', 'other', (s) => {
      s.spec = { clusterIP: '10.96.0.21', ports: [{ port: 80, protocol: 'TCP' }] };
    });
    store.create(SERVICES, other as KubeObject);
    expect(events).toHaveLength(1);
    clock.step(999);
    expect(events).toHaveLength(1);
    clock.step(1);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ full: false, nodes: ['worker-1', 'worker-2'] });
    expect([...(events[1]?.changedServicePorts ?? [])].sort()).toEqual([
      'default/other:/TCP',
      'default/web:/TCP',
    ]);
    store.update(ENDPOINT_SLICES, webSlice([['10.244.2.7', 'worker-2']]));
    clock.step(1000);
    expect([...(events[2]?.changedServicePorts ?? [])]).toEqual(['default/web:/TCP']);
    expect(renderRules(controller.ruleSet('worker-1') ?? fail(), 'restore')).toContain('10.244.2.7:8080');
  });

  it('says a sync is pending from a change until the timer has run it', () => {
    const { store, controller, clock } = setup(1000);
    expect(controller.syncPending).toBe(true); // nothing compiled yet
    controller.start();
    expect(controller.syncPending).toBe(false);
    store.create(SERVICES, web());
    expect(controller.syncPending).toBe(true);
    clock.step(1000);
    expect(controller.syncPending).toBe(false);
    store.create(ENDPOINT_SLICES, webSlice([['10.244.1.5', 'worker-1']]));
    expect(controller.syncPending).toBe(true);
    clock.step(1000);
    expect(controller.syncPending).toBe(false);
    const svc = store.get(SERVICES, 'default', 'web') ?? fail();
    store.update(SERVICES, { ...svc, metadata: { ...svc.metadata, labels: { team: 'a' } } });
    expect(controller.syncPending).toBe(false); // nothing kube-proxy reads
  });

  it('ignores writes that change nothing kube-proxy reads', () => {
    const { store, controller, clock, events } = setup();
    store.create(SERVICES, web());
    controller.start();
    const svc = store.get(SERVICES, 'default', 'web') ?? fail();
    store.update(SERVICES, { ...svc, metadata: { ...svc.metadata, labels: { team: 'a' } } });
    clock.step(10);
    expect(events).toHaveLength(1);
  });

  it('forgets slices that become hidden from kube-proxy (service.kubernetes.io/headless)', () => {
    const { store, controller, clock } = setup();
    store.create(SERVICES, web());
    store.create(ENDPOINT_SLICES, webSlice([['10.244.1.5', 'worker-1']]));
    controller.start();
    const slice = store.get(ENDPOINT_SLICES, 'default', 'web-1') ?? fail();
    const labels = { ...slice.metadata.labels, 'service.kubernetes.io/headless': '' };
    store.update(ENDPOINT_SLICES, { ...slice, metadata: { ...slice.metadata, labels } });
    clock.step(0);
    expect(renderRules(controller.ruleSet('worker-1') ?? fail(), 'restore')).toContain(
      '"default/web has no endpoints"',
    );
  });

  it('resyncs a node in full when its topology labels change', () => {
    const { store, controller, clock, events } = setup();
    controller.start();
    store.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'worker-1', labels: { 'topology.kubernetes.io/zone': 'a' } },
    });
    clock.step(0);
    expect(events.at(-1)?.full).toBe(true);
  });

  it('compiles other modes on demand from the same state', () => {
    const { store, controller } = setup();
    store.create(SERVICES, web());
    store.create(ENDPOINT_SLICES, webSlice([['10.244.1.5', 'worker-1']]));
    controller.start();
    expect(controller.ruleSetInMode('worker-2', 'ipvs')?.mode).toBe('ipvs');
    expect(renderRules(controller.ruleSetInMode('worker-2', 'nftables') ?? fail())).toContain(
      'dnat to 10.244.1.5:8080',
    );
    expect(controller.ruleSetInMode('worker-2', 'ipvs')).toBe(controller.ruleSetInMode('worker-2', 'ipvs'));
  });
});

describe('GET /nodes/:node/rules', () => {
  function get(node: string, query = '') {
    const { store, controller } = setup();
    store.create(SERVICES, web());
    controller.start();
    const [route] = proxyExtensionRoutes({ controller, mode: 'iptables' });
    if (!route) throw new Error('no route');
    return route.handle(
      {
        params: { node },
        query: new URLSearchParams(query),
        body: undefined,
        raw: undefined as never,
        signal: new AbortController().signal,
      },
      undefined as never,
    );
  }

  it.each([
    ['', '*filter\n:INPUT ACCEPT [0:0]'],
    ['format=restore', '*filter\n:KUBE-NODEPORTS - [0:0]'],
    ['mode=nftables', 'add table ip kube-proxy'],
    ['mode=ipvs', 'IP Virtual Server version 1.2.1'],
  ])('?%s renders the node’s rules', async (query, start) => {
    const result = await get('worker-1', query);
    expect(result.kind).toBe('text');
    expect(result.kind === 'text' && result.body.startsWith(start)).toBe(true);
  });

  it('answers 404 naming close node names', async () => {
    const error = await Promise.resolve()
      .then(() => get('wrker-1'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).httpCode).toBe(404);
    expect((error as StatusError).message).toBe(
      'nodes "wrker-1" not found; did you mean "worker-1" or "worker-2"?',
    );
  });

  it('answers 400 for an unknown mode', async () => {
    const error = await Promise.resolve()
      .then(() => get('worker-1', 'mode=userspace'))
      .catch((e: unknown) => e);
    expect((error as StatusError).httpCode).toBe(400);
  });
});

function fail(): never {
  throw new Error('missing');
}
