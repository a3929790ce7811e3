import { describe, expect, it } from 'vitest';
import type { EndpointInfo, ProxyState, ServicePortInfo } from '../proxy/model.js';
import { FakeClock } from '../util/clock.js';
import {
  ConntrackTable,
  formatConntrack,
  UDP_STREAM_TIMEOUT_MS,
  UDP_TIMEOUT_MS,
  type UdpEntryInit,
  udpFlowKey,
} from './conntrack.js';

/** A UDP entry: laptop 127.0.0.1:`sport` → `dst`:`dport`, DNATed to `endpoint`:5353 and SNATed to the node. */
function udp(sport: number, endpoint: string, dst = '127.0.10.2', dport = 30053): UdpEntryInit {
  return {
    node: 'worker-1',
    original: { src: '127.0.0.1', sport, dst, dport },
    reply: { src: endpoint, sport: 5353, dst: '127.0.10.2', dport: 40_001 },
    service: 'default/dns:dns',
    masqueraded: true,
  };
}

function keyOf(init: UdpEntryInit): string {
  const o = init.original;
  return udpFlowKey(o.src, o.sport, o.dst, o.dport);
}

describe('UDP conntrack entries', () => {
  it('time out 30 s after the last packet, counting down in the listing', () => {
    const clock = new FakeClock();
    const table = new ConntrackTable({ clock });
    const init = udp(45678, '10.244.1.5');
    const track = table.addUdp(keyOf(init), init, undefined);
    expect(track.entry).toMatchObject({ protocol: 'UDP', state: 'UNREPLIED', assured: false });
    expect(formatConntrack(table.list('worker-1'), clock.now())).toBe(
      'udp      17 30 src=127.0.0.1 dst=127.0.10.2 sport=45678 dport=30053 [UNREPLIED] src=10.244.1.5 dst=127.0.10.2 sport=5353 dport=40001 mark=0 use=1\n' +
        'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
    );
    clock.step(10_500);
    expect(formatConntrack(table.list(), clock.now())).toMatch(/^udp {6}17 19 src=/);
    // A datagram 20 s in pushes the timeout back to 30 s from then.
    clock.step(9_500);
    expect(table.udpPacket(track, false, 10)).toBe(true);
    clock.step(29_999);
    expect(table.findUdp(keyOf(init))).toBe(track);
    expect(table.list()).toHaveLength(1);
    clock.step(1);
    expect(table.findUdp(keyOf(init))).toBeUndefined();
    expect(table.list()).toEqual([]);
    expect(table.udpPacket(track, false, 10)).toBe(false);
  });

  it('are reclaimed by the clock-driven sweep, which runs their onEnd, and stop() leaves no timer', () => {
    const clock = new FakeClock();
    const table = new ConntrackTable({ clock });
    const ended: string[] = [];
    for (const [sport, delay] of [
      [1, 0],
      [2, 5_000],
    ] as const) {
      clock.step(delay);
      const init = udp(sport, '10.244.1.5');
      table.addUdp(keyOf(init), init, undefined).onEnd = () => ended.push(`${sport}`);
    }
    expect(table.size).toBe(2);
    clock.step(UDP_TIMEOUT_MS - 5_000);
    expect(ended).toEqual(['1']);
    expect(table.size).toBe(1);
    clock.step(5_000);
    expect(ended).toEqual(['1', '2']);
    expect(table.size).toBe(0);
    expect(clock.pending).toBe(0);

    const init = udp(3, '10.244.1.5');
    table.addUdp(keyOf(init), init, undefined).onEnd = () => ended.push('3');
    expect(clock.pending).toBe(1);
    table.stop();
    expect(ended).toEqual(['1', '2', '3']);
    expect(clock.pending).toBe(0);
    expect(table.size).toBe(0);
  });

  it('become [ASSURED] with the 120 s stream timeout once replied and still active after 2 s', () => {
    const clock = new FakeClock();
    const table = new ConntrackTable({ clock });
    const init = udp(45678, '10.244.1.5');
    const track = table.addUdp(keyOf(init), init, undefined);
    // A reply within 2 s: no longer UNREPLIED, but not a stream yet (the kernel's DNS-like exchange).
    clock.step(100);
    table.udpPacket(track, true, 20);
    expect(track.entry).toMatchObject({ state: 'ESTABLISHED', assured: false, bytesReply: 20 });
    expect(formatConntrack(table.list(), clock.now())).toBe(
      'udp      17 30 src=127.0.0.1 dst=127.0.10.2 sport=45678 dport=30053 src=10.244.1.5 dst=127.0.10.2 sport=5353 dport=40001 mark=0 use=1\n' +
        'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
    );
    clock.step(2_000);
    table.udpPacket(track, false, 10);
    expect(track.entry.assured).toBe(true);
    expect(track.entry.expiresAt).toBe(clock.now() + UDP_STREAM_TIMEOUT_MS);
    expect(formatConntrack(table.list(), clock.now())).toBe(
      'udp      17 120 src=127.0.0.1 dst=127.0.10.2 sport=45678 dport=30053 src=10.244.1.5 dst=127.0.10.2 sport=5353 dport=40001 [ASSURED] mark=0 use=1\n' +
        'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
    );
    clock.step(UDP_STREAM_TIMEOUT_MS - 1);
    expect(table.findUdp(keyOf(init))).toBe(track);
    clock.step(1);
    expect(table.findUdp(keyOf(init))).toBeUndefined();
  });

  it('keep the TCP line format unchanged', () => {
    const table = new ConntrackTable({ clock: new FakeClock() });
    table.add({
      node: 'worker-1',
      protocol: 'TCP',
      original: { src: '127.0.0.1', sport: 51234, dst: '127.0.10.2', dport: 30080 },
      reply: { src: '10.244.1.5', sport: 8080, dst: '127.0.10.2', dport: 51234 },
      service: 'default/web:http',
      masqueraded: false,
      state: 'ESTABLISHED',
      createdAt: 1_000,
      bytesOriginal: 0,
      bytesReply: 0,
    });
    expect(formatConntrack(table.list(), 2_000)).toBe(
      'tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.10.2 sport=51234 dport=30080 src=10.244.1.5 dst=127.0.10.2 sport=8080 dport=51234 [ASSURED] mark=0 use=1\n' +
        'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
    );
  });
});

describe("kube-proxy's cleanStaleEntries", () => {
  function service(overrides: Partial<ServicePortInfo>): ServicePortInfo {
    return {
      name: { namespace: 'default', name: 'dns', port: 'dns', protocol: 'UDP' },
      nameString: 'default/dns:dns',
      key: 'default/dns:dns/UDP',
      clusterIP: '10.96.0.53',
      port: 53,
      protocol: 'UDP',
      nodePort: 30053,
      externalIPs: ['127.0.30.1'],
      loadBalancerVIPs: ['127.0.20.1'],
      loadBalancerSourceRanges: [],
      healthCheckNodePort: 0,
      externalPolicyLocal: false,
      internalPolicyLocal: false,
      stickyMaxAgeSeconds: 0,
      ...overrides,
    };
  }

  function endpoint(ip: string, conditions: Partial<EndpointInfo> = {}): EndpointInfo {
    return {
      ip,
      port: 5353,
      endpoint: `${ip}:5353`,
      nodeName: 'worker-1',
      ready: true,
      serving: true,
      terminating: false,
      zoneHints: [],
      nodeHints: [],
      ...conditions,
    };
  }

  function state(services: ServicePortInfo[], endpoints: Record<string, EndpointInfo[]>): ProxyState {
    return {
      services: new Map(services.map((s) => [s.key, s])),
      endpoints: new Map(Object.entries(endpoints)),
    };
  }

  it('deletes UDP entries of every Service address whose endpoint no longer serves, and only those', () => {
    const table = new ConntrackTable({ clock: new FakeClock() });
    const live = '10.244.1.5';
    const gone = '10.244.2.6';
    const entries = {
      nodePortGone: udp(1, gone),
      nodePortLive: udp(2, live),
      clusterIPGone: udp(3, gone, '10.96.0.53', 53),
      lbGone: udp(4, gone, '127.0.20.1', 53),
      externalIPGone: udp(5, gone, '127.0.30.1', 53),
      clusterIPLive: udp(6, live, '10.96.0.53', 53),
      // Not addressed to the Service: none of kube-proxy's business.
      podDirect: udp(7, gone, gone, 5353),
    };
    const tracks = Object.fromEntries(
      Object.entries(entries).map(([name, init]) => [name, table.addUdp(keyOf(init), init, name)]),
    );
    const ended: string[] = [];
    for (const t of Object.values(tracks)) t.onEnd = () => ended.push(t.data);
    table.add({
      node: 'worker-1',
      protocol: 'TCP',
      original: { src: '127.0.0.1', sport: 9, dst: '10.96.0.53', dport: 53 },
      reply: { src: gone, sport: 5353, dst: '127.0.0.1', dport: 9 },
      service: 'default/dns:dns-tcp',
      masqueraded: false,
      state: 'ESTABLISHED',
      createdAt: 0,
      bytesOriginal: 0,
      bytesReply: 0,
    });
    const terminatingButServing = endpoint(gone, { ready: false, serving: true, terminating: true });
    expect(
      table.cleanStaleEntries(
        state([service({})], { 'default/dns:dns/UDP': [endpoint(live), terminatingButServing] }),
      ),
    ).toBe(0);
    const removed = table.cleanStaleEntries(
      state([service({})], {
        'default/dns:dns/UDP': [
          endpoint(live),
          endpoint(gone, { ready: false, serving: false, terminating: true }),
        ],
      }),
    );
    expect(ended.sort()).toEqual(['clusterIPGone', 'externalIPGone', 'lbGone', 'nodePortGone']);
    expect(removed).toBe(4);
    expect(
      table.list().map((e) => `${e.protocol} ${e.original.dst}:${e.original.dport} → ${e.reply.src}`),
    ).toEqual([
      `UDP 127.0.10.2:30053 → ${live}`,
      `UDP 10.96.0.53:53 → ${live}`,
      `UDP ${gone}:5353 → ${gone}`,
      `TCP 10.96.0.53:53 → ${gone}`,
    ]);
    // A Service with no endpoints left: every entry to its addresses goes.
    expect(table.cleanStaleEntries(state([service({})], {}))).toBe(2);
    // A TCP Service on the same address is not looked at.
    const init = udp(8, gone, '10.96.0.60', 53);
    table.addUdp(keyOf(init), init, 'tcp-only');
    expect(
      table.cleanStaleEntries(
        state(
          [service({ clusterIP: '10.96.0.60', protocol: 'TCP', key: 'default/dns:dns/TCP', nodePort: 0 })],
          {},
        ),
      ),
    ).toBe(0);
  });
});
