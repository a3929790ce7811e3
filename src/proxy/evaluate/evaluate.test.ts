import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import { AffinityTable } from '../affinity.js';
import { compileProxyRules, recompileProxyRules } from '../compile.js';
import type { ProxyMode } from '../options.js';
import type { IptablesRuleSet, RuleSet } from '../ruleset.js';
import { fixtureClusters } from '../testing/clusters.js';
import {
  buildState,
  fakeRuleSet,
  makeTestService,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE_IP,
} from '../testing/fixtures.js';
import { packetFlowOutcome } from '../testing/packet-flow.js';
import { evaluatePacket } from './evaluate.js';
import type { Packet } from './types.js';

const MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

function threeEndpointService() {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '172.30.0.41',
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    };
  });
  const slice = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [
    ['10.180.0.1'],
    ['10.180.0.2'],
    ['10.180.0.3'],
  ]);
  return { svc, slice };
}

const podToClusterIP: Packet = {
  protocol: 'TCP',
  srcIP: '10.0.0.2',
  srcPort: 40000,
  dstIP: '172.30.0.41',
  dstPort: 80,
  source: 'pod-local',
};

describe.each(MODES)('random endpoint choice (%s)', (mode) => {
  const { svc, slice } = threeEndpointService();
  const ruleSet = fakeRuleSet([svc], [slice], { mode });

  it('lists every endpoint with probability 1/n (sequential 1/3, 1/2, 1 in iptables)', () => {
    const result = evaluatePacket(ruleSet, podToClusterIP, { random: seededRandom(7) });
    expect(result.candidates.map((c) => c.endpoint).sort()).toEqual([
      '10.180.0.1:80',
      '10.180.0.2:80',
      '10.180.0.3:80',
    ]);
    for (const c of result.candidates) expect(c.probability).toBeCloseTo(1 / 3, 12);
  });

  it('draws uniformly with the injected random source', () => {
    const random = seededRandom(42);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const r = evaluatePacket(ruleSet, podToClusterIP, { random, explore: false });
      const ep = `${r.endpoint?.ip}`;
      counts.set(ep, (counts.get(ep) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['10.180.0.1', '10.180.0.2', '10.180.0.3']);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(850);
      expect(n).toBeLessThan(1150);
    }
  });

  it('is reproducible for a seed', () => {
    const a = evaluatePacket(ruleSet, podToClusterIP, { random: seededRandom(3) });
    const b = evaluatePacket(ruleSet, podToClusterIP, { random: seededRandom(3) });
    expect(a.endpoint).toEqual(b.endpoint);
    expect(a.matched).toEqual(b.matched);
  });

  it('names the service beside every hashed chain it matched', () => {
    const result = evaluatePacket(ruleSet, podToClusterIP, { random: seededRandom(1) });
    const perService = result.matched.filter((m) =>
      /^(KUBE-(SVC|SEP)-|service-[A-Z0-9]{8}-|endpoint-)/.test(m.chain),
    );
    expect(perService.length).toBeGreaterThan(0);
    for (const m of perService) expect(m.humanName).toBe('ns1/svc1:p80');
  });
});

describe.each(MODES)('ClientIP session affinity (%s)', (mode) => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '172.30.0.41',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    };
  });
  const slice = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [['10.180.0.1'], ['10.180.0.2']]);
  const ruleSet = fakeRuleSet([svc], [slice], { mode });
  const viaNodePort: Packet = {
    ...podToClusterIP,
    srcIP: TEST_EXTERNAL_CLIENT,
    dstIP: TEST_NODE_IP,
    dstPort: 3001,
    source: 'external',
  };
  const fromClient: Packet = { ...podToClusterIP, srcIP: '10.0.0.9' };

  function connect(table: AffinityTable, packet: Packet, now: number, seed = 1) {
    const result = evaluatePacket(ruleSet, packet, { random: seededRandom(seed), affinity: table, now });
    table.commit(result.updates, now);
    return result;
  }

  it('sticks to the first endpoint until the timeout, sliding on every new connection', () => {
    const table = new AffinityTable();
    const t0 = 1_000_000;
    const first = connect(table, fromClient, t0);
    expect(first.candidates).toHaveLength(2);
    const chosen = first.endpoint?.ip;
    const later = connect(table, fromClient, t0 + 9_000, 99);
    expect(later.endpoint?.ip).toBe(chosen);
    expect(later.candidates).toEqual([expect.objectContaining({ ip: chosen, probability: 1 })]);
    // Renewed at t0+9s: still sticky at t0+18s, free again after t0+19s.
    expect(connect(table, fromClient, t0 + 18_000, 5).endpoint?.ip).toBe(chosen);
    const expired = evaluatePacket(ruleSet, fromClient, {
      random: seededRandom(5),
      affinity: table,
      now: t0 + 28_001,
    });
    expect(expired.candidates).toHaveLength(2);
  });

  it('is keyed by client IP and shared by every entry point of the service port', () => {
    const table = new AffinityTable();
    const viaClusterIP: Packet = { ...fromClient, srcIP: TEST_EXTERNAL_CLIENT, source: 'external' };
    const first = connect(table, viaClusterIP, 0);
    const again = evaluatePacket(ruleSet, viaNodePort, {
      random: seededRandom(11),
      affinity: table,
      now: 1000,
    });
    expect(again.candidates).toEqual([expect.objectContaining({ ip: first.endpoint?.ip })]);
    const other = evaluatePacket(
      ruleSet,
      { ...viaNodePort, srcIP: '203.0.113.77' },
      { random: seededRandom(1), affinity: table, now: 1000 },
    );
    expect(other.candidates).toHaveLength(2);
  });

  it('rebalances when the remembered endpoint disappears', () => {
    const table = new AffinityTable();
    const first = connect(table, fromClient, 0, 4);
    const survivor = first.endpoint?.ip === '10.180.0.1' ? '10.180.0.2' : '10.180.0.1';
    const shrunk = fakeRuleSet([svc], [simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [[survivor]])], {
      mode,
    });
    const after = evaluatePacket(shrunk, fromClient, { random: seededRandom(4), affinity: table, now: 1000 });
    expect(after.endpoint?.ip).toBe(survivor);
  });

  it('does not record anything itself (pure): updates are returned', () => {
    const table = new AffinityTable();
    const result = evaluatePacket(ruleSet, fromClient, { random: seededRandom(1), affinity: table, now: 0 });
    expect(table.size).toBe(0);
    expect(result.updates).toEqual([expect.objectContaining({ kind: 'affinity', clientIP: '10.0.0.9' })]);
  });
});

describe('emulated loopback node addresses (docs/kube-proxy.md)', () => {
  const cluster = fixtureClusters().find((c) => c.name === 'emulator-worker-1');
  if (!cluster) throw new Error('fixture missing');
  const state = buildState(cluster.services, cluster.slices);
  const web = ['10.244.1.5:8080', '10.244.2.7:8080'];
  it.each(MODES)('%s: the laptop reaches a NodePort on a loopback node address, masqueraded', (mode) => {
    const ruleSet = compileProxyRules(state, { ...cluster.options, mode });
    const got = packetFlowOutcome(ruleSet, {
      name: '',
      src: '127.0.0.1',
      dst: '127.0.10.2',
      port: 30080,
      source: 'external',
      want: web,
    });
    expect(got.output).toEqual(web);
    expect(got.result.sourceSeen).toBe('127.0.10.2');
    expect(got.result.matched.some((m) => m.chain === 'KUBE-FIREWALL')).toBe(false);
  });
  it.each(MODES)('%s: another node’s address is not local to worker-1', (mode) => {
    const ruleSet = compileProxyRules(state, { ...cluster.options, mode });
    const got = packetFlowOutcome(ruleSet, {
      name: '',
      src: '10.244.1.9',
      dst: '127.0.10.3',
      port: 30080,
      want: '',
    });
    expect(got.output).toBe('');
  });
  it('iptables: a process on worker-1 may use a localhost NodePort (route_localnet)', () => {
    const ruleSet = compileProxyRules(state, { ...cluster.options, mode: 'iptables' });
    const got = packetFlowOutcome(ruleSet, {
      name: '',
      src: '127.0.0.1',
      dst: '127.0.0.1',
      port: 30080,
      source: 'node-local',
      want: web,
    });
    expect(got.output).toEqual(web);
    expect(got.masq).toBe(true);
  });
  it('eTP Local without local endpoints drops the laptop but keeps its address for local ones', () => {
    const ruleSet = compileProxyRules(state, { ...cluster.options, mode: 'iptables' });
    const shop = packetFlowOutcome(ruleSet, {
      name: '',
      src: '127.0.0.1',
      dst: '127.0.20.1',
      port: 80,
      source: 'external',
      want: 'DROP',
    });
    expect(shop.output).toBe('DROP');
    const metrics = packetFlowOutcome(ruleSet, {
      name: '',
      src: '10.244.1.9',
      dst: '10.96.70.7',
      port: 9100,
      want: [],
    });
    expect(metrics.output).toEqual(['127.0.10.2:9100']);
    expect(metrics.result.sourceSeen).toBe('10.244.1.9');
  });
  it('topology hints keep zone-a endpoints for a zone-a node', () => {
    const ruleSet = compileProxyRules(state, { ...cluster.options, mode: 'iptables' });
    const zonal = packetFlowOutcome(ruleSet, {
      name: '',
      src: '10.244.1.9',
      dst: '10.96.90.9',
      port: 80,
      want: [],
    });
    expect(zonal.output).toEqual(['10.244.1.50:80', '10.244.3.50:80']);
  });
});

describe('evaluator strictness', () => {
  function withRule(ruleSet: IptablesRuleSet, rule: unknown): RuleSet {
    const nat = ruleSet.tables.nat;
    const services = nat.base.get('KUBE-SERVICES');
    if (!services) throw new Error('no KUBE-SERVICES');
    const base = new Map(nat.base);
    base.set('KUBE-SERVICES', { ...services, rules: [rule as never, ...services.rules] });
    return { ...ruleSet, tables: { ...ruleSet.tables, nat: { ...nat, base } } };
  }
  const ruleSet = fakeRuleSet([], []) as IptablesRuleSet;

  it('throws on a match kind it does not know ("unmatched rule")', () => {
    const broken = withRule(ruleSet, {
      matches: [{ kind: 'bpf', program: 'x' }],
      action: { kind: 'accept' },
    });
    expect(() => evaluatePacket(broken, podToClusterIP, { random: seededRandom(1) })).toThrow(
      /Unexpected match/,
    );
  });
  it('throws on an action kind it does not know', () => {
    const broken = withRule(ruleSet, { matches: [], action: { kind: 'tproxy', port: 1 } });
    expect(() => evaluatePacket(broken, podToClusterIP, { random: seededRandom(1) })).toThrow(
      /Unexpected action/,
    );
  });
  it('throws on a jump to a chain that does not exist', () => {
    const broken = withRule(ruleSet, { matches: [], action: { kind: 'jump', chain: 'KUBE-NOPE' } });
    expect(() => evaluatePacket(broken, podToClusterIP, { random: seededRandom(1) })).toThrow(
      /unknown chain/,
    );
  });
  it('recompiles incrementally to the same result as a full compile', () => {
    const { svc, slice } = threeEndpointService();
    const full = fakeRuleSet([svc], [slice]);
    const empty = fakeRuleSet([], []);
    const state = buildState([svc], [slice]);
    const partial = recompileProxyRules(empty, state, state.services.keys());
    expect(evaluatePacket(partial, podToClusterIP, { random: seededRandom(1) })).toEqual(
      evaluatePacket(full, podToClusterIP, { random: seededRandom(1) }),
    );
  });
});
