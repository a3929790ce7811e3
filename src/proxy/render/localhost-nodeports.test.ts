// Ports TestEnableLocalhostNodePortsIPv4, TestDisableLocalhostNodePortsIPv4 and
// TestDisableLocalhostNodePortsIPv4WithNodeAddress (kube-proxy proxier_test.go). Those
// tests predate kube-proxy's nfacct counters, so they compile with `nfacct: false`; the
// expected payloads are upstream's, byte for byte.
import { describe, expect, it } from 'vitest';
import { compileProxyRules } from '../compile.js';
import type { CompileOptions } from '../options.js';
import { buildState, makeTestService, simpleSlice, TEST_NODE_NAME } from '../testing/fixtures.js';
import { renderRules } from './index.js';

const svc = makeTestService('ns1', 'svc1', (s) => {
  s.spec = {
    type: 'NodePort',
    clusterIP: '10.69.0.10',
    externalTrafficPolicy: 'Local',
    ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30001 }],
  };
});
const slice = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [
  ['10.244.0.1'],
  ['10.244.2.1', TEST_NODE_NAME],
]);

function render(options: Partial<CompileOptions>): string {
  const base: CompileOptions = {
    mode: 'iptables',
    nodeName: TEST_NODE_NAME,
    nodeIPs: ['192.168.0.2'],
    nfacct: false,
  };
  return renderRules(compileProxyRules(buildState([svc], [slice]), { ...base, ...options }), 'restore');
}

const NAT_TAIL = `-A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "masquerade LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "route LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-EXT-XPGD46QRK7WJZT7O -j KUBE-SVL-XPGD46QRK7WJZT7O
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SEP-6KG6DFHVBKBK53RU -m comment --comment ns1/svc1:p80 -s 10.244.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-6KG6DFHVBKBK53RU -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.244.0.1:80
-A KUBE-SEP-KDGX2M2ONE25PSWH -m comment --comment ns1/svc1:p80 -s 10.244.2.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-KDGX2M2ONE25PSWH -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.244.2.1:80
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.244.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-6KG6DFHVBKBK53RU
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.244.2.1:80" -j KUBE-SEP-KDGX2M2ONE25PSWH
-A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.244.2.1:80" -j KUBE-SEP-KDGX2M2ONE25PSWH
COMMIT
`;

function expected(firewall: boolean, tail: string): string {
  const fw = firewall ? ':KUBE-FIREWALL - [0:0]\n' : '';
  const fwRule = firewall
    ? '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n'
    : '';
  return `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
${fw}:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
${fwRule}-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-XPGD46QRK7WJZT7O - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-6KG6DFHVBKBK53RU - [0:0]
:KUBE-SEP-KDGX2M2ONE25PSWH - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
:KUBE-SVL-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 30001 -j KUBE-EXT-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 10.69.0.10 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
${tail}${NAT_TAIL}`;
}

const LAST =
  '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"';

describe('localhost NodePorts (no local-traffic detector)', () => {
  it('TestEnableLocalhostNodePortsIPv4', () => {
    expect(render({ localhostNodePorts: true })).toBe(
      expected(true, `${LAST} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n`),
    );
  });
  it('TestDisableLocalhostNodePortsIPv4', () => {
    expect(render({ localhostNodePorts: false })).toBe(
      expected(false, `${LAST} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS\n`),
    );
  });
  it('TestDisableLocalhostNodePortsIPv4WithNodeAddress', () => {
    expect(render({ localhostNodePorts: false, nodePortAddresses: ['127.0.0.0/8'] })).toBe(
      expected(false, ''),
    );
  });
  it('--nodeport-addresses=127.0.0.0/8 with localhost NodePorts (TestHealthCheckNodePort)', () => {
    expect(render({ nodePortAddresses: ['127.0.0.0/8'] })).toContain(
      `${LAST} -d 127.0.0.1 -j KUBE-NODEPORTS\n`,
    );
  });
  it('TestMasqueradeRule: --random-fully when iptables supports it', () => {
    expect(render({ masqueradeFullyRandom: true })).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n',
    );
  });
});
