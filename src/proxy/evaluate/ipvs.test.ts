import { describe, expect, it } from 'vitest';
import type { IpvsScheduler } from '../../topology/types.js';
import { seededRandom } from '../../util/random.js';
import { AffinityTable, IpvsState } from '../affinity.js';
import type { IpvsRealServer } from '../ruleset.js';
import {
  fakeRuleSet,
  makeTestService,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_EXTERNAL_CLIENT_BLOCKED,
  TEST_NODE_IP,
  TEST_NODE_NAME,
} from '../testing/fixtures.js';
import { runPacketFlowTests } from '../testing/packet-flow.js';
import { evaluatePacket } from './evaluate.js';
import { schedule } from './ipvs-schedulers.js';
import type { Packet } from './types.js';

const servers = (weights: number[]): IpvsRealServer[] =>
  weights.map((weight, i) => ({ ip: `10.0.0.${i + 1}`, port: 80, weight }));
const idle = (n: number) => Array.from({ length: n }, () => ({ active: 0, inactive: 0 }));

describe('ipvs schedulers', () => {
  it('rr cycles through servers from the cursor', () => {
    const picks: number[] = [];
    let cursor: { index: number; weight: number } | undefined;
    for (let i = 0; i < 5; i++) {
      const choice = schedule('rr', {
        servers: servers([1, 1, 1]),
        counts: idle(3),
        cursor,
        srcIP: '1.1.1.1',
        dstIP: '2.2.2.2',
      });
      picks.push(choice.index ?? -1);
      cursor = choice.cursor;
    }
    expect(picks).toEqual([0, 1, 2, 0, 1]);
  });

  it('wrr interleaves by weight (weights 4:3:2 → a a b a b c a b c)', () => {
    const picks: number[] = [];
    let cursor: { index: number; weight: number } | undefined;
    for (let i = 0; i < 9; i++) {
      const choice = schedule('wrr', {
        servers: servers([4, 3, 2]),
        counts: idle(3),
        cursor,
        srcIP: '1.1.1.1',
        dstIP: '2.2.2.2',
      });
      picks.push(choice.index ?? -1);
      cursor = choice.cursor;
    }
    expect(picks).toEqual([0, 0, 1, 0, 1, 2, 0, 1, 2]);
  });

  it.each<[IpvsScheduler, number[], { active: number; inactive: number }[], number]>([
    [
      'lc',
      [1, 1, 1],
      [
        { active: 2, inactive: 0 },
        { active: 1, inactive: 5 },
        { active: 1, inactive: 1 },
      ],
      2,
    ],
    [
      'wlc',
      [1, 3, 1],
      [
        { active: 2, inactive: 0 },
        { active: 3, inactive: 0 },
        { active: 2, inactive: 0 },
      ],
      1,
    ],
    [
      'sed',
      [1, 2, 1],
      [
        { active: 0, inactive: 0 },
        { active: 1, inactive: 0 },
        { active: 2, inactive: 0 },
      ],
      0,
    ],
    [
      'nq',
      [1, 5, 1],
      [
        { active: 3, inactive: 0 },
        { active: 1, inactive: 0 },
        { active: 0, inactive: 0 },
      ],
      2,
    ],
    [
      'lc',
      [0, 1, 1],
      [
        { active: 0, inactive: 0 },
        { active: 1, inactive: 0 },
        { active: 2, inactive: 0 },
      ],
      1,
    ],
  ])('%s with weights %j picks the least loaded', (scheduler, weights, counts, want) => {
    expect(
      schedule(scheduler, {
        servers: servers(weights),
        counts,
        cursor: undefined,
        srcIP: '1.1.1.1',
        dstIP: '2.2.2.2',
      }).index,
    ).toBe(want);
  });

  it.each<IpvsScheduler>(['dh', 'sh'])('%s hashes an address to a stable server', (scheduler) => {
    const input = (ip: string) => ({
      servers: servers([1, 1, 1, 1]),
      counts: idle(4),
      cursor: undefined,
      srcIP: ip,
      dstIP: ip,
    });
    const a = schedule(scheduler, input('203.0.113.7')).index;
    expect(schedule(scheduler, input('203.0.113.7')).index).toBe(a);
    const spread = new Set(
      Array.from({ length: 64 }, (_, i) => schedule(scheduler, input(`203.0.113.${i}`)).index),
    );
    expect(spread.size).toBeGreaterThan(1);
  });
});

describe('ipvs mode evaluation', () => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.41',
      externalTrafficPolicy: 'Local',
      externalIPs: ['192.168.99.11'],
      loadBalancerSourceRanges: ['203.0.113.0/25'],
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    };
    s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  });
  const slice = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [
    ['10.180.0.1'],
    ['10.180.2.1', TEST_NODE_NAME],
  ]);
  const ruleSet = fakeRuleSet([svc], [slice], { mode: 'ipvs' });
  const both = ['10.180.0.1:80', '10.180.2.1:80'];
  runPacketFlowTests(ruleSet, [
    {
      name: 'pod to cluster IP: every endpoint, no masquerade',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: both,
    },
    {
      name: 'node to cluster IP is masqueraded',
      src: TEST_NODE_IP,
      dst: '172.30.0.41',
      port: 80,
      want: both,
      masq: true,
    },
    {
      name: 'external to NodePort (Local): local endpoint, client IP kept',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: ['10.180.2.1:80'],
    },
    {
      name: 'external to LB IP inside the source ranges',
      src: TEST_EXTERNAL_CLIENT,
      dst: '1.2.3.4',
      port: 80,
      want: ['10.180.2.1:80'],
    },
    {
      name: 'external to LB IP outside the source ranges',
      src: TEST_EXTERNAL_CLIENT_BLOCKED,
      dst: '1.2.3.4',
      port: 80,
      want: 'DROP',
    },
    { name: 'no virtual server: not ipvs traffic', src: '10.0.0.2', dst: '172.30.0.41', port: 81, want: '' },
  ]);

  it('rejects when a virtual server has no real servers (ip_vs_leave sends port unreachable)', () => {
    const noLocal = fakeRuleSet(
      [svc],
      [simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [['10.180.0.1']])],
      { mode: 'ipvs' },
    );
    const packet: Packet = {
      protocol: 'TCP',
      srcIP: TEST_EXTERNAL_CLIENT,
      srcPort: 1,
      dstIP: TEST_NODE_IP,
      dstPort: 3001,
      source: 'external',
    };
    expect(evaluatePacket(noLocal, packet, { random: seededRandom(1) }).verdict).toBe('REJECT');
  });

  it('round-robins with committed cursors and keeps persistence for ClientIP affinity', () => {
    const sticky = makeTestService('ns1', 'sticky', (s) => {
      s.spec = {
        clusterIP: '172.30.0.50',
        sessionAffinity: 'ClientIP',
        ports: [{ name: 'p', port: 80, protocol: 'TCP' }],
      };
    });
    const eps = simpleSlice('ns1', 'sticky', { name: 'p', port: 80 }, [['10.1.0.1'], ['10.1.0.2']]);
    const rs = fakeRuleSet([svc, sticky], [slice, eps], { mode: 'ipvs' });
    const ipvs = new IpvsState();
    const affinity = new AffinityTable();
    const pick = (packet: Packet, now: number) => {
      const r = evaluatePacket(rs, packet, {
        random: seededRandom(1),
        ipvsCursors: ipvs,
        ipvsConnections: ipvs,
        affinity,
        now,
      });
      ipvs.commit(r.updates);
      affinity.commit(r.updates, now);
      return r.endpoint?.ip;
    };
    const pod = (src: string, dstIP: string): Packet => ({
      protocol: 'TCP',
      srcIP: src,
      srcPort: 1,
      dstIP,
      dstPort: 80,
      source: 'pod-local',
    });
    expect([pick(pod('10.0.0.2', '172.30.0.41'), 0), pick(pod('10.0.0.3', '172.30.0.41'), 0)]).toEqual([
      '10.180.0.1',
      '10.180.2.1',
    ]);
    const first = pick(pod('10.0.0.2', '172.30.0.50'), 0);
    expect(pick(pod('10.0.0.2', '172.30.0.50'), 5_000)).toBe(first);
    expect(pick(pod('10.0.0.9', '172.30.0.50'), 5_000)).not.toBe(first);
  });
});
