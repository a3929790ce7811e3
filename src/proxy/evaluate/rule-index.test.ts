import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import {
  fakeRuleSet,
  nodePortServices,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE_IP,
} from '../testing/fixtures.js';
import { evaluatePacket } from './evaluate.js';
import type { Packet } from './types.js';
import { withoutRuleIndex } from './walker.js';

/** 40 NodePort Services (ClusterIP 172.30.1.N, NodePort 30000+N, two endpoints each): every chain the walk indexes is long. */
function cluster() {
  const services = nodePortServices(40, '172.30.1', 30000);
  const slices = services.map((_, i) =>
    simpleSlice('ns1', `svc${i + 1}`, { name: 'p80', port: 80 }, [
      [`10.180.${i + 1}.1`],
      [`10.180.${i + 1}.2`],
    ]),
  );
  return fakeRuleSet(services, slices, { mode: 'iptables' });
}

describe('the iptables walk with its destination and port index', () => {
  const ruleSet = cluster();

  it('gives exactly the result of the rule-by-rule walk, for any destination and port', () => {
    const packet = fc.record({
      source: fc.constantFrom('external', 'pod-local', 'node-local') as fc.Arbitrary<Packet['source']>,
      dstIP: fc.oneof(
        fc.integer({ min: 0, max: 45 }).map((n) => `172.30.1.${n}`),
        fc.constant(TEST_NODE_IP),
        fc.constant('10.180.3.1'),
      ),
      dstPort: fc.oneof(fc.constantFrom(80, 81, 443), fc.integer({ min: 29998, max: 30045 })),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(packet, ({ source, dstIP, dstPort, seed }) => {
        const p: Packet = {
          protocol: 'TCP',
          srcIP:
            source === 'external'
              ? TEST_EXTERNAL_CLIENT
              : source === 'node-local'
                ? TEST_NODE_IP
                : '10.0.0.2',
          srcPort: 40000,
          dstIP,
          dstPort,
          source,
        };
        const indexed = evaluatePacket(ruleSet, p, { random: seededRandom(seed) });
        const plain = withoutRuleIndex(() => evaluatePacket(ruleSet, p, { random: seededRandom(seed) }));
        expect(indexed).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });

  it('still finds a NodePort among 40 (the KUBE-NODEPORTS rule by its port)', () => {
    const p: Packet = {
      protocol: 'TCP',
      srcIP: TEST_EXTERNAL_CLIENT,
      srcPort: 40000,
      dstIP: TEST_NODE_IP,
      dstPort: 30037,
      source: 'external',
    };
    const result = evaluatePacket(ruleSet, p, { random: seededRandom(1) });
    expect(result.verdict).toBe('DNAT');
    expect(result.candidates.map((c) => c.endpoint).sort()).toEqual(['10.180.37.1:80', '10.180.37.2:80']);
  });
});
