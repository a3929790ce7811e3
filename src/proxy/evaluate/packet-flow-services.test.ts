// Packet-flow tests ported from kube-proxy's pkg/proxy/iptables/proxier_test.go and
// pkg/proxy/nftables/proxier_test.go (runPacketFlowTests tables), run against both modes.
import { describe } from 'vitest';
import type { ProxyMode } from '../options.js';
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

const MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

describe.each(MODES)('TestNoEndpointsReject (%s)', (mode) => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.41',
      externalIPs: ['192.168.99.11'],
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, nodePort: 3001 }],
    };
    s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  });
  runPacketFlowTests(fakeRuleSet([svc], [], { mode }), [
    {
      name: 'pod to cluster IP with no endpoints',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: 'REJECT',
    },
    {
      name: 'external to external IP with no endpoints',
      src: TEST_EXTERNAL_CLIENT,
      dst: '192.168.99.11',
      port: 80,
      want: 'REJECT',
    },
    {
      name: 'pod to NodePort with no endpoints',
      src: '10.0.0.2',
      dst: TEST_NODE_IP,
      port: 3001,
      want: 'REJECT',
    },
    {
      name: 'external to NodePort with no endpoints',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: 'REJECT',
    },
    {
      name: 'pod to LoadBalancer IP with no endpoints',
      src: '10.0.0.2',
      dst: '1.2.3.4',
      port: 80,
      want: 'REJECT',
    },
    {
      name: 'external to LoadBalancer IP with no endpoints',
      src: TEST_EXTERNAL_CLIENT,
      dst: '1.2.3.4',
      port: 80,
      want: 'REJECT',
    },
  ]);
});

describe.each(MODES)('TestClusterIPGeneral (%s)', (mode) => {
  const svc1 = makeTestService('ns1', 'svc1', (s) => {
    s.spec = { clusterIP: '172.30.0.41', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] };
  });
  const svc2 = makeTestService('ns2', 'svc2', (s) => {
    s.spec = {
      clusterIP: '172.30.0.42',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
        { name: 'dns-udp', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 },
        { name: 'dns-sctp', port: 53, protocol: 'SCTP' },
      ],
    };
  });
  const slice1 = simpleSlice('ns1', 'svc1', { name: 'http', port: 80 }, [['10.180.0.1', TEST_NODE_NAME]]);
  const slice2 = simpleSlice('ns2', 'svc2', { name: 'http', port: 80 }, []);
  const svc2Slice = {
    ...slice2,
    endpoints: [
      { addresses: ['10.180.0.1'], nodeName: TEST_NODE_NAME },
      { addresses: ['10.180.2.1'], nodeName: 'host2' },
    ],
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'https', port: 8443, protocol: 'TCP' },
      { name: 'dns-udp', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
      { name: 'dns-sctp', port: 53, protocol: 'SCTP' },
    ],
  };
  // iptables has no rule for undefined ports of a ClusterIP (""); nftables REJECTs them
  // and DROPs unallocated service IPs (cluster-ips-check).
  const noRule = mode === 'iptables' ? '' : 'REJECT';
  runPacketFlowTests(fakeRuleSet([svc1, svc2], [slice1, svc2Slice], { mode }), [
    { name: 'simple clusterIP', src: '10.180.0.2', dst: '172.30.0.41', port: 80, want: ['10.180.0.1:80'] },
    {
      name: 'hairpin to cluster IP',
      src: '10.180.0.1',
      dst: '172.30.0.41',
      port: 80,
      want: ['10.180.0.1:80'],
      masq: true,
    },
    {
      name: 'clusterIP with multiple endpoints',
      src: '10.180.0.2',
      dst: '172.30.0.42',
      port: 80,
      want: ['10.180.0.1:80', '10.180.2.1:80'],
    },
    {
      name: 'clusterIP with TargetPort',
      src: '10.180.0.2',
      dst: '172.30.0.42',
      port: 443,
      want: ['10.180.0.1:8443', '10.180.2.1:8443'],
    },
    {
      name: 'clusterIP with TCP, UDP, and SCTP on same port (TCP)',
      src: '10.180.0.2',
      dst: '172.30.0.42',
      port: 53,
      want: ['10.180.0.1:5353', '10.180.2.1:5353'],
    },
    {
      name: 'clusterIP with TCP, UDP, and SCTP on same port (UDP)',
      src: '10.180.0.2',
      protocol: 'UDP',
      dst: '172.30.0.42',
      port: 53,
      want: ['10.180.0.1:53', '10.180.2.1:53'],
    },
    {
      name: 'clusterIP with TCP, UDP, and SCTP on same port (SCTP)',
      src: '10.180.0.2',
      protocol: 'SCTP',
      dst: '172.30.0.42',
      port: 53,
      want: ['10.180.0.1:53', '10.180.2.1:53'],
    },
    {
      name: 'TCP-only port does not match UDP traffic',
      src: '10.180.0.2',
      protocol: 'UDP',
      dst: '172.30.0.42',
      port: 80,
      want: noRule,
    },
    {
      name: "svc1 does not accept svc2's ports",
      src: '10.180.0.2',
      dst: '172.30.0.41',
      port: 443,
      want: noRule,
    },
    {
      name: 'packet to unallocated cluster ip',
      src: '10.180.0.2',
      dst: '172.30.0.50',
      port: 80,
      want: mode === 'iptables' ? '' : 'DROP',
    },
  ]);
});

describe.each(MODES)('TestLoadBalancer (%s)', (mode) => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.41',
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
      loadBalancerSourceRanges: ['192.168.0.0/24', ' 203.0.113.0/25'],
    };
    s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }] } };
  });
  const ep = ['10.180.0.1:80'];
  runPacketFlowTests(
    fakeRuleSet([svc], [simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [['10.180.0.1']])], { mode }),
    [
      { name: 'pod to cluster IP', src: '10.0.0.2', dst: '172.30.0.41', port: 80, want: ep },
      {
        name: 'external to nodePort',
        src: TEST_EXTERNAL_CLIENT,
        dst: TEST_NODE_IP,
        port: 3001,
        want: ep,
        masq: true,
      },
      {
        name: 'nodePort bypasses LoadBalancerSourceRanges',
        src: TEST_EXTERNAL_CLIENT_BLOCKED,
        dst: TEST_NODE_IP,
        port: 3001,
        want: ep,
        masq: true,
      },
      {
        name: 'accepted external to LB1',
        src: TEST_EXTERNAL_CLIENT,
        dst: '1.2.3.4',
        port: 80,
        want: ep,
        masq: true,
      },
      {
        name: 'accepted external to LB2',
        src: TEST_EXTERNAL_CLIENT,
        dst: '5.6.7.8',
        port: 80,
        want: ep,
        masq: true,
      },
      {
        name: 'blocked external to LB1',
        src: TEST_EXTERNAL_CLIENT_BLOCKED,
        dst: '1.2.3.4',
        port: 80,
        want: 'DROP',
      },
      {
        name: 'blocked external to LB2',
        src: TEST_EXTERNAL_CLIENT_BLOCKED,
        dst: '5.6.7.8',
        port: 80,
        want: 'DROP',
      },
      {
        name: 'pod to LB1 (blocked by LoadBalancerSourceRanges)',
        src: '10.0.0.2',
        dst: '1.2.3.4',
        port: 80,
        want: 'DROP',
      },
      {
        name: 'pod to LB2 (blocked by LoadBalancerSourceRanges)',
        src: '10.0.0.2',
        dst: '5.6.7.8',
        port: 80,
        want: 'DROP',
      },
      {
        name: 'node to LB1 (allowed by LoadBalancerSourceRanges)',
        src: TEST_NODE_IP,
        dst: '1.2.3.4',
        port: 80,
        want: ep,
        masq: true,
      },
      {
        name: 'node to LB2 (allowed by LoadBalancerSourceRanges)',
        src: TEST_NODE_IP,
        dst: '5.6.7.8',
        port: 80,
        want: ep,
        masq: true,
      },
      {
        name: 'same node to LB1, SNATted to LB1 (implicitly allowed)',
        src: '1.2.3.4',
        dst: '1.2.3.4',
        port: 80,
        want: ep,
        masq: true,
      },
      {
        name: 'same node to LB2, SNATted to LB2 (implicitly allowed)',
        src: '5.6.7.8',
        dst: '5.6.7.8',
        port: 80,
        want: ep,
        masq: true,
      },
    ],
  );
});
