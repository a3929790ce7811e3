// ipvsadm lists virtual services in libipvs `ipvs_cmp_services` order (protocol number,
// then address as a wrapping 32-bit difference, then port) and each service's real
// servers in `ipvs_cmp_dests` order (address, then port), both through glibc's qsort.
import { describe, expect, it } from 'vitest';
import { compileProxyRules } from '../compile.js';
import type { IpvsVirtualServer } from '../ruleset.js';
import { buildState, makeTestService, simpleSlice } from '../testing/fixtures.js';
import { compareVirtualServers, glibcQsort, renderIpvsadm } from './ipvsadm.js';

function serverLines(text: string): string[] {
  return text.split('\n').filter((l) => /^(TCP|UDP|SCTP) /.test(l));
}

function render(nodeIP: string): string {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '10.96.0.20',
      ports: [
        { name: 'a', port: 80, protocol: 'SCTP', nodePort: 30001 },
        { name: 'b', port: 80, protocol: 'UDP', nodePort: 30002 },
        { name: 'c', port: 80, protocol: 'TCP', nodePort: 30003 },
      ],
    };
  });
  const slices = ['a', 'b', 'c'].map((name, i) => {
    const protocol = ['SCTP', 'UDP', 'TCP'][i] as string;
    const slice = simpleSlice('ns1', 'svc1', { name, port: 8080, protocol }, [
      ['10.244.10.1'],
      ['10.244.2.7'],
      ['10.244.1.30'],
    ]);
    return { ...slice, metadata: { ...slice.metadata, name: `svc1-${name}` } };
  });
  const ruleSet = compileProxyRules(buildState([svc], slices), {
    mode: 'ipvs',
    nodeName: 'node-1',
    nodeIPs: [nodeIP],
  });
  if (ruleSet.mode !== 'ipvs') throw new Error('not ipvs');
  return renderIpvsadm(ruleSet);
}

describe('ipvsadm -Ln order', () => {
  it('lists TCP (6), then UDP (17), then SCTP (132)', () => {
    expect(serverLines(render('10.1.0.2'))).toEqual([
      'TCP  10.1.0.2:30003 rr',
      'TCP  10.96.0.20:80 rr',
      'UDP  10.1.0.2:30002 rr',
      'UDP  10.96.0.20:80 rr',
      'SCTP  10.1.0.2:30001 rr',
      'SCTP  10.96.0.20:80 rr',
    ]);
  });

  it('sorts real servers by numeric address, not by text', () => {
    const text = render('10.1.0.2');
    const block = text.split('TCP  10.96.0.20:80 rr\n')[1]?.split('\n').slice(0, 3);
    expect(block?.map((l) => l.slice(5, 33).trim())).toEqual([
      '10.244.1.30:8080',
      '10.244.2.7:8080',
      '10.244.10.1:8080',
    ]);
  });

  it('compares addresses as a wrapping 32-bit difference (172.18/16 sorts before 10.96/12)', () => {
    expect(serverLines(render('172.18.0.2')).slice(0, 2)).toEqual([
      'TCP  172.18.0.2:30003 rr',
      'TCP  10.96.0.20:80 rr',
    ]);
  });
});

describe('compareVirtualServers', () => {
  it('orders a real kubeadm node as its ipvsadm -Ln does', () => {
    // Node IPs 172.17.0.1 and 10.10.110.190, ClusterIPs in 10.96.0.0/12, a Calico tunnel
    // address: 172.17.0.1 is listed first because 172.17.0.1 - 10.x wraps negative.
    const want = [
      '172.17.0.1:30023',
      '10.10.110.190:30023',
      '10.96.0.1:443',
      '10.96.0.10:53',
      '10.96.0.10:9153',
      '10.97.105.36:80',
      '10.98.47.133:443',
      '10.110.221.168:8000',
      '10.244.235.192:30023',
    ];
    const servers = [...want].reverse().map((a) => {
      const [ip, port] = a.split(':') as [string, string];
      return { protocol: 'TCP', ip, port: Number(port) } as IpvsVirtualServer;
    });
    expect(glibcQsort(servers, compareVirtualServers).map((s) => `${s.ip}:${s.port}`)).toEqual(want);
  });
});

describe('glibcQsort', () => {
  it('is a stable merge sort', () => {
    const items = [3, 1, 2, 1, 3].map((v, i) => ({ v, i }));
    expect(glibcQsort(items, (a, b) => a.v - b.v).map((x) => x.i)).toEqual([1, 3, 2, 0, 4]);
  });

  it('merges halves as msort_with_tmp does under a non-transitive comparator', () => {
    // a < b, b < c and c < a: the result depends on the algorithm, as with glibc.
    const rank: Record<string, number> = { a: 0, b: 1, c: 2 };
    const cyclic = (x: string, y: string) =>
      ((rank[y] as number) - (rank[x] as number) + 3) % 3 === 1 ? -1 : 1;
    expect(glibcQsort(['a', 'b', 'c'], cyclic)).toEqual(['a', 'b', 'c']);
    expect(glibcQsort(['c', 'b', 'a'], cyclic)).toEqual(['c', 'a', 'b']);
  });
});
