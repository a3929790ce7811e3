import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileProxyRules } from '../compile.js';
import type { ProxyMode } from '../options.js';
import { fixtureClusters } from '../testing/clusters.js';
import { buildState, fakeRuleSet, overallEndpointSlices, overallServices } from '../testing/fixtures.js';
import { computeProbability, renderRules } from './index.js';
import { savedProbability } from './iptables-save.js';

describe('TestOverallIPTablesRules (kube-proxy.md §2.11)', () => {
  it('reproduces the upstream restore payload byte for byte', () => {
    const want = readFileSync(
      new URL('./__golden__/upstream-TestOverallIPTablesRules.restore.txt', import.meta.url),
      'utf8',
    );
    expect(renderRules(fakeRuleSet(overallServices(), overallEndpointSlices()), 'restore')).toBe(want);
  });
});

describe('TestOverallNFTablesRules (kube-proxy.md §4)', () => {
  const text = renderRules(fakeRuleSet(overallServices(), overallEndpointSlices(), { mode: 'nftables' }));
  it.each([
    'add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade',
    'add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }',
    'add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade',
    'add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80',
    'add element ip kube-proxy cluster-ips { 172.30.0.41 }',
    'add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }',
    'add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips',
    'add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    'add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
    'add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports',
    'add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips',
    'add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
    'add rule ip kube-proxy cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"',
    'add rule ip kube-proxy reject-chain reject',
    'add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000',
    'add rule ip kube-proxy masquerading mark and 0x4000 == 0 return',
    'add rule ip kube-proxy masquerading mark set mark xor 0x4000',
    'add rule ip kube-proxy masquerading masquerade fully-random',
    'add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }',
    'add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2:p80" : drop }',
    'add rule ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr != { 203.0.113.0/25 } drop',
    'add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }',
  ])('contains %s', (line) => {
    expect(text.split('\n')).toContain(line);
  });
});

describe('nftables element comments (kube-proxy 1.32 syncProxyRules)', () => {
  const lines = renderRules(fakeRuleSet(overallServices(), overallEndpointSlices(), { mode: 'nftables' }))
    .split('\n')
    .filter((l) => l.startsWith('add element '));

  it('comments only the no-endpoint-* elements, with the ServicePortName', () => {
    const commented = lines.filter((l) => l.includes(' comment "'));
    expect(commented.length).toBeGreaterThan(0);
    for (const l of commented)
      expect(l).toMatch(/^add element ip kube-proxy no-endpoint-(services|nodeports) /);
    for (const l of lines.filter((x) => / no-endpoint-/.test(x))) expect(l).toContain(' comment "ns');
  });

  it('adds firewall-ips elements without a comment, as TestOverallNFTablesRules expects', () => {
    expect(lines).toContain(
      'add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80 }',
    );
  });
});

describe('probabilities', () => {
  it.each([
    [1, '1.0000000000'],
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [4, '0.2500000000'],
    [10, '0.1000000000'],
    [100, '0.0100000000'],
    [1000, '0.0010000000'],
    [10000, '0.0001000000'],
    [100000, '0.0000100000'],
    [100001, '0.0000099999'],
  ])('1/%i is %s in the restore payload (TestComputeProbability)', (n, want) => {
    expect(computeProbability(n)).toBe(want);
  });

  it.each([
    [2, '0.50000000000'],
    [3, '0.33333333349'],
    [4, '0.25000000000'],
    [5, '0.20000000019'],
    [10, '0.10000000009'],
  ])('1/%i shows as %s in iptables-save (kernel quantisation, kube-proxy.md §2.5)', (n, want) => {
    expect(savedProbability(n)).toBe(want);
  });
});

const MODES: readonly [ProxyMode, 'restore' | 'save', string][] = [
  ['iptables', 'restore', 'iptables-restore'],
  ['iptables', 'save', 'iptables-save'],
  ['nftables', 'save', 'nftables'],
  ['ipvs', 'save', 'ipvsadm'],
];

describe.each(fixtureClusters())('golden rules of cluster $name', (cluster) => {
  it.each(MODES)('%s (%s)', async (mode, format, label) => {
    const ruleSet = compileProxyRules(buildState(cluster.services, cluster.slices), {
      ...cluster.options,
      mode,
    });
    expect(ruleSet.problems).toEqual([]);
    await expect(renderRules(ruleSet, format)).toMatchFileSnapshot(
      `__golden__/${cluster.name}.${label}.rules.txt`,
    );
  });
});
