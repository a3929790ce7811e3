import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import { AffinityTable } from '../affinity.js';
import type { ProxyMode } from '../options.js';
import {
  fakeRuleSet,
  nodePortServices,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE_IP,
} from '../testing/fixtures.js';
import { evaluatePacket } from './evaluate.js';
import { MEMO_CLASSES_PER_RULESET, withoutWalkMemo } from './memo.js';
import type { Packet } from './types.js';

const MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

/**
 * Six NodePort Services (ClusterIP 172.30.2.N, NodePort 31000+N): N endpoints for
 * N = 1..5 (svc5 with ClientIP affinity, svc3 with externalTrafficPolicy Local), and
 * svc6 with none (REJECT).
 */
function cluster(mode: ProxyMode) {
  const services = nodePortServices(6, '172.30.2', 31000, (n) => ({
    ...(n === 5
      ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }
      : {}),
    ...(n === 3 ? { externalTrafficPolicy: 'Local' } : {}),
  }));
  const slices = [1, 2, 3, 4, 5].map((n) =>
    simpleSlice(
      'ns1',
      `svc${n}`,
      { name: 'p80', port: 80 },
      Array.from({ length: n }, (_, i) => [`10.181.${n}.${i + 1}`, i === 0 ? 'test-node' : 'other'] as const),
    ),
  );
  return fakeRuleSet(services, slices, { mode });
}

interface PacketChoice {
  readonly source: Packet['source'];
  readonly client: number;
  readonly viaNodePort: boolean;
  readonly n: number;
  readonly srcPort: number;
}

const packetArb: fc.Arbitrary<PacketChoice> = fc.record({
  source: fc.constantFrom('external', 'pod-local', 'pod-remote', 'node-local') as fc.Arbitrary<
    Packet['source']
  >,
  client: fc.integer({ min: 0, max: 2 }),
  viaNodePort: fc.boolean(),
  n: fc.integer({ min: 1, max: 7 }),
  srcPort: fc.integer({ min: 1024, max: 65535 }),
});

function packetOf(p: PacketChoice): Packet {
  const srcIP =
    p.source === 'external'
      ? [TEST_EXTERNAL_CLIENT, '203.0.113.77', '198.51.100.4'][p.client]
      : p.source === 'node-local'
        ? TEST_NODE_IP
        : `10.0.${p.client}.2`;
  return {
    protocol: 'TCP',
    srcIP: srcIP as string,
    srcPort: p.srcPort,
    dstIP: p.viaNodePort ? TEST_NODE_IP : `172.30.2.${p.n}`,
    dstPort: p.viaNodePort ? 31000 + p.n : 80,
    source: p.source,
  };
}

describe.each(MODES)('remembered walks (%s)', (mode) => {
  it('give exactly what full walks give, and leave the random stream where full walks leave it', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 40 }), fc.integer(), (packets, seed) => {
        const ruleSet = cluster(mode);
        const remembered = { random: seededRandom(seed), affinity: new AffinityTable() };
        const full = { random: seededRandom(seed), affinity: new AffinityTable() };
        let now = 1_000_000;
        for (const p of packets) {
          now += 1_000;
          const packet = packetOf(p);
          const a = evaluatePacket(ruleSet, packet, { ...remembered, now, explore: false });
          const b = withoutWalkMemo(() => evaluatePacket(ruleSet, packet, { ...full, now, explore: false }));
          expect(a).toEqual(b);
          remembered.affinity.commit(a.updates, now);
          full.affinity.commit(b.updates, now);
        }
        expect(remembered.random.float()).toBe(full.random.float());
      }),
      { numRuns: 150 },
    );
  });

  it('draw the endpoints of a five-endpoint Service with the rules’ probabilities', () => {
    const ruleSet = cluster(mode);
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    const packet: Packet = {
      protocol: 'TCP',
      srcIP: TEST_EXTERNAL_CLIENT,
      srcPort: 40000,
      dstIP: TEST_NODE_IP,
      dstPort: 31004,
      source: 'external',
    };
    for (let i = 0; i < 4000; i++) {
      const r = evaluatePacket(ruleSet, packet, { random, explore: false });
      const ip = r.endpoint?.ip ?? 'none';
      counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['10.181.4.1', '10.181.4.2', '10.181.4.3', '10.181.4.4']);
    for (const c of counts.values()) expect(c).toBeGreaterThan(850);
  });

  it('follow affinity memory as it changes (a walk that reads it is never remembered)', () => {
    const ruleSet = cluster(mode);
    const affinity = new AffinityTable();
    const packet: Packet = {
      protocol: 'TCP',
      srcIP: '10.0.0.2',
      srcPort: 40000,
      dstIP: '172.30.2.5',
      dstPort: 80,
      source: 'pod-local',
    };
    const first = evaluatePacket(ruleSet, packet, {
      random: seededRandom(1),
      affinity,
      now: 0,
      explore: false,
    });
    affinity.commit(first.updates, 0);
    const chosen = first.endpoint?.ip;
    for (let seed = 2; seed < 30; seed++)
      expect(
        evaluatePacket(ruleSet, packet, { random: seededRandom(seed), affinity, now: 5_000, explore: false })
          .endpoint?.ip,
      ).toBe(chosen);
    // After the timeout the choice is free again: some seed picks another endpoint.
    const later = new Set<string | undefined>();
    for (let seed = 2; seed < 30; seed++)
      later.add(
        evaluatePacket(ruleSet, packet, { random: seededRandom(seed), affinity, now: 60_000, explore: false })
          .endpoint?.ip,
      );
    expect(later.size).toBeGreaterThan(1);
  });

  it('hand out frozen results (a caller cannot change what the next connection gets)', () => {
    const ruleSet = cluster(mode);
    const packet: Packet = {
      protocol: 'TCP',
      srcIP: TEST_EXTERNAL_CLIENT,
      srcPort: 40000,
      dstIP: TEST_NODE_IP,
      dstPort: 31001,
      source: 'external',
    };
    evaluatePacket(ruleSet, packet, { random: seededRandom(1), explore: false });
    const again = evaluatePacket(ruleSet, packet, { random: seededRandom(1), explore: false });
    expect(Object.isFrozen(again)).toBe(true);
    expect(Object.isFrozen(again.matched)).toBe(true);
    expect(again.endpoint).toEqual({ ip: '10.181.1.1', port: 80 });
  });

  it('start over past the bound of remembered packet classes, with the same answers', () => {
    const ruleSet = cluster(mode);
    for (let i = 0; i < MEMO_CLASSES_PER_RULESET + 10; i++) {
      const packet: Packet = {
        protocol: 'TCP',
        srcIP: `203.0.${i >> 8}.${i & 255}`,
        srcPort: 40000,
        dstIP: TEST_NODE_IP,
        dstPort: 31001,
        source: 'external',
      };
      expect(evaluatePacket(ruleSet, packet, { random: seededRandom(i), explore: false }).endpoint?.ip).toBe(
        '10.181.1.1',
      );
    }
  });
});
