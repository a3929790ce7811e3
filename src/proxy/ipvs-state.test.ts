/**
 * ipvs mode over live connection state: TIME_WAIT inactive connections (lc/wlc spread,
 * InActConn), graceful termination of deleted real servers, persistence templates kept
 * while they control connections, and the counts in `ipvsadm -Ln`.
 */
import { describe, expect, it } from 'vitest';
import type { IpvsScheduler } from '../topology/types.js';
import { seededRandom } from '../util/random.js';
import { AffinityTable, IPVS_TIME_WAIT_SECONDS, IpvsState } from './affinity.js';
import { evaluatePacket } from './evaluate/evaluate.js';
import { templateAlive } from './evaluate/ipvs.js';
import type { Packet } from './evaluate/types.js';
import type { ProxyMode } from './options.js';
import { renderRules } from './render/index.js';
import { proxyExtensionRoutes } from './routes.js';
import { virtualServerKey } from './ruleset.js';
import { fakeRuleSet, makeTestService, simpleSlice } from './testing/fixtures.js';

const VIP = '172.30.0.60';
const VS = virtualServerKey('TCP', VIP, 80);
const PODS = ['10.1.0.1', '10.1.0.2', '10.1.0.3'];

function service(affinitySeconds?: number) {
  return makeTestService('ns1', 'web', (s) => {
    s.spec = {
      clusterIP: VIP,
      ports: [{ name: 'p', port: 80, protocol: 'TCP' }],
      ...(affinitySeconds === undefined
        ? {}
        : {
            sessionAffinity: 'ClientIP',
            sessionAffinityConfig: { clientIP: { timeoutSeconds: affinitySeconds } },
          }),
    };
  });
}

function ruleSet(pods: readonly string[], opts: { scheduler?: IpvsScheduler; affinity?: number } = {}) {
  const eps = simpleSlice(
    'ns1',
    'web',
    { name: 'p', port: 80 },
    pods.map((ip) => [ip]),
  );
  return fakeRuleSet([service(opts.affinity)], [eps], {
    mode: 'ipvs',
    ipvsScheduler: opts.scheduler ?? 'rr',
  });
}

const packet = (src = '10.0.0.2'): Packet => ({
  protocol: 'TCP',
  srcIP: src,
  srcPort: 40000,
  dstIP: VIP,
  dstPort: 80,
  source: 'pod-local',
});

function harness() {
  const clock = { t: 1_000_000 };
  const ipvs = new IpvsState({ now: () => clock.t });
  const affinity = new AffinityTable();
  /** Evaluates, commits and opens the connection as the dataplane does; returns `ip:port`. */
  const connect = (rs: ReturnType<typeof ruleSet>, src = '10.0.0.2') => {
    const r = evaluatePacket(rs, packet(src), {
      random: seededRandom(1),
      now: clock.t,
      affinity,
      ipvsConnections: ipvs,
      ipvsCursors: ipvs,
    });
    ipvs.commit(r.updates);
    affinity.commit(r.updates, clock.t);
    const real = `${r.endpoint?.ip}:${r.endpoint?.port}`;
    const template = r.updates.find((u) => u.kind === 'affinity')?.clientIP;
    ipvs.opened(VS, real, template);
    const how = r.matched[0]?.rule.matches.find((m) => m.kind === 'comment');
    return { real, template, how: how?.kind === 'comment' ? how.text : '' };
  };
  return { clock, ipvs, affinity, connect };
}

/** The real server's row of `ipvsadm -Ln`, spaces collapsed. */
const row = (text: string, ip: string) =>
  text
    .split('\n')
    .find((l) => l.includes(`-> ${ip}:80`))
    ?.trim()
    .split(/ +/)
    .join(' ');

describe('ipvs connection state', () => {
  it.each<IpvsScheduler>(['lc', 'wlc'])(
    '%s spreads back-to-back short connections (TIME_WAIT counts)',
    (s) => {
      const { ipvs, connect } = harness();
      const rs = ruleSet(PODS, { scheduler: s });
      const picks = new Map<string, number>();
      for (let i = 0; i < 9; i++) {
        const { real } = connect(rs);
        ipvs.closed(VS, real);
        picks.set(real, (picks.get(real) ?? 0) + 1);
      }
      expect([...picks.values()]).toEqual([3, 3, 3]);
    },
  );

  it('keeps a closed connection as inactive until TIME_WAIT expires', () => {
    const { clock, ipvs, connect } = harness();
    const { real } = connect(ruleSet(PODS));
    expect(ipvs.connections(VS, real)).toEqual({ active: 1, inactive: 0 });
    ipvs.closed(VS, real);
    expect(ipvs.connections(VS, real)).toEqual({ active: 0, inactive: 1 });
    clock.t += IPVS_TIME_WAIT_SECONDS * 1000 - 1;
    expect(ipvs.connections(VS, real)).toEqual({ active: 0, inactive: 1 });
    clock.t += 1;
    expect(ipvs.connections(VS, real)).toEqual({ active: 0, inactive: 0 });
  });

  it('ipvsadm -Ln shows the live ActiveConn and InActConn', () => {
    const { ipvs, connect } = harness();
    const rs = ruleSet(PODS);
    const a = connect(rs).real;
    connect(rs);
    ipvs.closed(VS, a);
    const text = renderRules(rs, 'save', ipvs);
    expect(row(text, '10.1.0.1')).toBe('-> 10.1.0.1:80 Masq 1 0 1');
    expect(row(text, '10.1.0.2')).toBe('-> 10.1.0.2:80 Masq 1 1 0');
    expect(row(text, '10.1.0.3')).toBe('-> 10.1.0.3:80 Masq 1 0 0');
  });

  it('keeps a deleted real server at weight 0 while it has connections (graceful termination)', () => {
    const { clock, ipvs, connect } = harness();
    expect(connect(ruleSet(PODS)).real).toBe('10.1.0.1:80');
    const after = ruleSet(PODS.slice(1));
    expect(row(renderRules(after, 'save', ipvs), '10.1.0.1')).toBe('-> 10.1.0.1:80 Masq 0 1 0');
    // Weight 0 takes no new connections.
    for (let i = 0; i < 4; i++) expect(connect(after).real).not.toBe('10.1.0.1:80');
    ipvs.closed(VS, '10.1.0.1:80');
    expect(row(renderRules(after, 'save', ipvs), '10.1.0.1')).toBe('-> 10.1.0.1:80 Masq 0 0 1');
    clock.t += IPVS_TIME_WAIT_SECONDS * 1000;
    expect(row(renderRules(after, 'save', ipvs), '10.1.0.1')).toBeUndefined();
  });

  it('keeps a persistence template while it controls a connection, open or in TIME_WAIT', () => {
    const { clock, ipvs, connect } = harness();
    const rs = ruleSet(PODS, { affinity: 60 });
    const first = connect(rs);
    expect(first.template).toBe('10.0.0.2');
    clock.t += 200_000; // past the 60 s timeout, the connection still open
    const again = connect(rs);
    expect(again).toMatchObject({ real: first.real, how: 'persistence' });
    ipvs.closed(VS, first.real, first.template);
    ipvs.closed(VS, again.real, again.template);
    clock.t += 100_000; // template refreshed 100 s ago, the connections in TIME_WAIT
    expect(connect(rs)).toMatchObject({ real: first.real, how: 'persistence' });
  });

  it('times a controlled template out at the first timer firing after its control ends', () => {
    // Made at 0, timeout 60 s, last controlled connection leaves TIME_WAIT at 130 s: the
    // timer fires at 60 and 120 (re-armed), then at 180 finds nothing to control.
    expect(templateAlive(0, 60_000, 60_000)).toBe(true);
    expect(templateAlive(0, 60_001, 60_000)).toBe(false);
    expect(templateAlive(0, 179_000, 60_000, 130_000)).toBe(true);
    expect(templateAlive(0, 180_001, 60_000, 130_000)).toBe(false);
    expect(templateAlive(0, 10_000_000, 60_000, Number.POSITIVE_INFINITY)).toBe(true);
  });
});

describe('GET /nodes/:node/rules?mode=ipvs', () => {
  function get(clusterMode: ProxyMode, ipvs: IpvsState) {
    const controller = {
      ruleSetInMode: () => ruleSet(PODS),
      nodeNames: () => ['test-node'],
    };
    const [route] = proxyExtensionRoutes({ controller, mode: clusterMode, ipvsConnections: () => ipvs });
    if (!route) throw new Error('no route');
    const out = route.handle(
      {
        params: { node: 'test-node' },
        query: new URLSearchParams('mode=ipvs'),
        body: undefined,
        raw: undefined as never,
        signal: new AbortController().signal,
      },
      undefined as never,
    ) as { body: string };
    return out.body;
  }

  it("shows the node's live counts in ipvs mode, zeros for a view compiled on demand", () => {
    const ipvs = new IpvsState();
    ipvs.opened(VS, '10.1.0.2:80');
    ipvs.opened(VS, '10.1.0.2:80');
    expect(row(get('ipvs', ipvs), '10.1.0.2')).toBe('-> 10.1.0.2:80 Masq 1 2 0');
    expect(row(get('iptables', ipvs), '10.1.0.2')).toBe('-> 10.1.0.2:80 Masq 1 0 0');
  });
});
