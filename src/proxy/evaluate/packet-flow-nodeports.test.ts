// Packet-flow tests ported from kube-proxy's proxier_test.go: TestNodePorts (with and
// without --nodeport-addresses), TestHealthCheckNodePort, TestNonLocalExternalIPs.
import { describe } from 'vitest';
import type { ProxyMode } from '../options.js';
import {
  fakeRuleSet,
  makeTestService,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE_IP,
  TEST_NODE_IP_ALT,
  TEST_NODE_NAME,
} from '../testing/fixtures.js';
import { type PacketFlowCase, runPacketFlowTests } from '../testing/packet-flow.js';

const MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

describe.each(MODES)('TestNodePorts (%s)', (mode) => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '172.30.0.41',
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    };
  });
  const slice = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [
    ['10.180.0.1'],
    ['10.180.2.1', TEST_NODE_NAME],
  ]);
  const both = ['10.180.0.1:80', '10.180.2.1:80'];
  const basic: PacketFlowCase[] = [
    { name: 'pod to cluster IP', src: '10.0.0.2', dst: '172.30.0.41', port: 80, want: both },
    {
      name: 'external to nodePort',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: both,
      masq: true,
    },
    { name: 'node to nodePort', src: TEST_NODE_IP, dst: TEST_NODE_IP, port: 3001, want: both, masq: true },
  ];
  describe('nodeport-addresses unset: every local address accepts NodePorts', () => {
    runPacketFlowTests(fakeRuleSet([svc], [slice], { mode }), [
      ...basic,
      {
        name: 'external to nodePort on secondary IP',
        src: TEST_EXTERNAL_CLIENT,
        dst: TEST_NODE_IP_ALT,
        port: 3001,
        want: both,
        masq: true,
      },
      // Localhost NodePorts exist in iptables mode only (route_localnet).
      mode === 'iptables'
        ? {
            name: 'localhost to nodePort gets masqueraded',
            src: '127.0.0.1',
            dst: '127.0.0.1',
            port: 3001,
            want: both,
            masq: true,
          }
        : {
            name: 'localhost to nodePort is not accepted',
            src: '127.0.0.1',
            dst: '127.0.0.1',
            port: 3001,
            want: '',
          },
    ]);
  });
  describe('nodeport-addresses = the primary node IP', () => {
    runPacketFlowTests(fakeRuleSet([svc], [slice], { mode, nodePortAddresses: [`${TEST_NODE_IP}/32`] }), [
      ...basic,
      {
        name: 'secondary nodeIP ignores NodePorts',
        src: TEST_EXTERNAL_CLIENT,
        dst: TEST_NODE_IP_ALT,
        port: 3001,
        want: '',
      },
    ]);
  });
  describe('multiple nodeport-addresses', () => {
    const addrs = ['192.168.0.0/24', '192.168.1.0/24'];
    runPacketFlowTests(fakeRuleSet([svc], [slice], { mode, nodePortAddresses: addrs }), [
      ...basic,
      {
        name: 'external to nodePort on secondary IP',
        src: TEST_EXTERNAL_CLIENT,
        dst: TEST_NODE_IP_ALT,
        port: 3001,
        want: both,
        masq: true,
      },
    ]);
  });
});

describe('TestHealthCheckNodePort (iptables)', () => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.42',
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
      healthCheckNodePort: 30000,
      externalTrafficPolicy: 'Local',
    };
  });
  runPacketFlowTests(fakeRuleSet([svc], [], { nodePortAddresses: ['127.0.0.0/8'] }), [
    {
      name: 'firewall accepts HealthCheckNodePort',
      src: '1.2.3.4',
      dst: TEST_NODE_IP,
      port: 30000,
      want: 'ACCEPT',
    },
  ]);
  runPacketFlowTests(fakeRuleSet([], [], { nodePortAddresses: ['127.0.0.0/8'] }), [
    {
      name: 'HealthCheckNodePort no longer has any rule',
      src: '1.2.3.4',
      dst: TEST_NODE_IP,
      port: 30000,
      want: '',
    },
  ]);
});

describe.each(MODES)('TestNonLocalExternalIPs (%s)', (mode) => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      clusterIP: '172.30.0.41',
      externalIPs: ['192.168.99.11'],
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', targetPort: 80 }],
    };
  });
  const slice = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [
    ['10.180.0.1'],
    ['10.180.2.1', TEST_NODE_NAME],
  ]);
  const both = ['10.180.0.1:80', '10.180.2.1:80'];
  runPacketFlowTests(fakeRuleSet([svc], [slice], { mode }), [
    { name: 'pod to cluster IP', src: '10.0.0.2', dst: '172.30.0.41', port: 80, want: both },
    {
      name: 'external to external IP',
      src: TEST_EXTERNAL_CLIENT,
      dst: '192.168.99.11',
      port: 80,
      want: both,
      masq: true,
    },
  ]);
});
