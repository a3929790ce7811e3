import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import { ObjectStore } from '../../store/object-store.js';
import { evaluateIngress } from './evaluate.js';
import { NETWORK_POLICIES_KEY, PolicyIndex } from './store-index.js';
import { testNamespace, testPod, testPolicy } from './testing.js';
import type { PolicyConnection } from './types.js';

function kube<T extends object>(apiVersion: string, kind: string, obj: T): T & KubeObject {
  return { apiVersion, kind, ...obj } as T & KubeObject;
}

function pod(ref: string, ip: string, labels: Record<string, string>, extra: { hostNetwork?: boolean } = {}) {
  return kube('v1', 'Pod', testPod(ref, { ip, labels, ...extra }));
}

const DB_FROM_WEB = kube(
  'networking.k8s.io/v1',
  'NetworkPolicy',
  testPolicy('default/db', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'web' } } },
        ],
      },
    ],
  }),
);

const TO_DB: PolicyConnection = {
  protocol: 'TCP',
  srcIP: '10.244.1.2',
  srcPort: 40000,
  dstIP: '10.244.1.3',
  dstPort: 5432,
};

let index: PolicyIndex | undefined;

afterEach(() => index?.stop());

function setup(options: { locate?: (ip: string) => { namespace: string; name: string } | undefined } = {}) {
  const store = new ObjectStore({ freeze: true });
  store.create('namespaces', kube('v1', 'Namespace', testNamespace('default', { team: 'a' })));
  store.create('pods', pod('default/web', '10.244.1.2', { app: 'web' }));
  store.create('pods', pod('default/db', '10.244.1.3', { app: 'db' }));
  store.create('nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1' },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.10.2' }] },
  } as KubeObject);
  index = new PolicyIndex({ store, ...options });
  index.start();
  return { store, index };
}

function verdict(i: PolicyIndex, conn: PolicyConnection = TO_DB): string {
  const v = evaluateIngress(i, conn);
  return v.allowed ? `allowed (${v.reason.kind})` : 'denied';
}

describe('PolicyIndex', () => {
  it('replays what is stored and follows policy changes', () => {
    const { store, index } = setup();
    expect(index.policyCount).toBe(0);
    expect(verdict(index)).toBe('allowed (not-isolated)');
    store.create(NETWORK_POLICIES_KEY, DB_FROM_WEB);
    expect(index.policyCount).toBe(1);
    expect(verdict(index)).toBe('allowed (rule)');
    store.update(NETWORK_POLICIES_KEY, {
      ...DB_FROM_WEB,
      spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [] },
    });
    expect(index.policyCount).toBe(1);
    expect(verdict(index)).toBe('denied');
    store.delete(NETWORK_POLICIES_KEY, 'default', 'db');
    expect(index.policyCount).toBe(0);
    expect(verdict(index)).toBe('allowed (not-isolated)');
  });

  it('follows pod labels and namespace labels', () => {
    const { store, index } = setup();
    store.create(NETWORK_POLICIES_KEY, DB_FROM_WEB);
    store.update('pods', pod('default/web', '10.244.1.2', { app: 'other' }));
    expect(verdict(index)).toBe('denied');
    store.update('pods', pod('default/web', '10.244.1.2', { app: 'web' }));
    expect(verdict(index)).toBe('allowed (rule)');
    store.update('namespaces', kube('v1', 'Namespace', testNamespace('default', { team: 'b' })));
    expect(verdict(index)).toBe('denied');
    store.update('pods', pod('default/db', '10.244.1.3', { app: 'db-v2' }));
    expect(verdict(index)).toBe('allowed (not-isolated)');
  });

  it('keeps an address with its newest pod when an older one goes', () => {
    const { store, index } = setup();
    store.create('pods', pod('default/db-2', '10.244.1.3', { app: 'db-2' }));
    store.delete('pods', 'default', 'db');
    expect(index.podByIP('10.244.1.3')?.name).toBe('db-2');
  });

  it('does not index hostNetwork pods and knows node addresses', () => {
    const { store, index } = setup();
    store.create('pods', pod('default/agent', '127.0.10.2', { app: 'db' }, { hostNetwork: true }));
    expect(index.podByIP('127.0.10.2')).toBeUndefined();
    expect(index.nodeByIP('127.0.10.2')).toBe('worker-1');
    store.create(NETWORK_POLICIES_KEY, DB_FROM_WEB);
    expect(verdict(index, { ...TO_DB, srcIP: '127.0.10.2' })).toBe('allowed (local-node)');
  });

  it('asks `locate` who holds an address when given', () => {
    const { index } = setup({
      locate: (ip) => (ip === '10.244.9.9' ? { namespace: 'default', name: 'db' } : undefined),
    });
    expect(index.podByIP('10.244.9.9')?.name).toBe('db');
    expect(index.podByIP('10.244.1.3')).toBeUndefined();
  });

  it('stops following the store after stop()', () => {
    const { store, index } = setup();
    index.stop();
    store.create(NETWORK_POLICIES_KEY, DB_FROM_WEB);
    expect(index.policyCount).toBe(0);
  });
});
