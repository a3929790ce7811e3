// Packet-flow tests ported from kube-proxy's proxier_test.go: TestExternalTrafficPolicyLocal,
// TestExternalTrafficPolicyCluster, TestInternalExternalMasquerade, plus masquerade-all and
// the no-detector case of kube-proxy.md §2.7, run against both modes.

import { describe } from 'vitest';
import { compileProxyRules } from '../compile.js';
import type { ProxyMode } from '../options.js';
import {
  buildState,
  fakeProxierOptions,
  fakeRuleSet,
  makeTestService,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE_IP,
  TEST_NODE_NAME,
} from '../testing/fixtures.js';
import { runPacketFlowTests } from '../testing/packet-flow.js';

const MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

function lbService(policy: 'Local' | 'Cluster') {
  return makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'LoadBalancer',
      externalTrafficPolicy: policy,
      clusterIP: '172.30.0.41',
      externalIPs: ['192.168.99.11'],
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001, targetPort: 80 }],
      healthCheckNodePort: 30000,
    };
    s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  });
}

const twoEndpoints = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [
  ['10.180.0.1'],
  ['10.180.2.1', TEST_NODE_NAME],
]);
const both = ['10.180.0.1:80', '10.180.2.1:80'];
const local = ['10.180.2.1:80'];

describe.each(MODES)('TestExternalTrafficPolicyLocal (%s)', (mode) => {
  runPacketFlowTests(fakeRuleSet([lbService('Local')], [twoEndpoints], { mode }), [
    {
      name: 'pod to cluster IP hits both endpoints, unmasqueraded',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: both,
    },
    {
      name: 'pod to external IP hits both endpoints, unmasqueraded',
      src: '10.0.0.2',
      dst: '192.168.99.11',
      port: 80,
      want: both,
    },
    {
      name: 'external to external IP hits only local endpoint, unmasqueraded',
      src: TEST_EXTERNAL_CLIENT,
      dst: '192.168.99.11',
      port: 80,
      want: local,
    },
    {
      name: 'pod to LB IP hits only both endpoints, unmasqueraded',
      src: '10.0.0.2',
      dst: '1.2.3.4',
      port: 80,
      want: both,
    },
    {
      name: 'external to LB IP hits only local endpoint, unmasqueraded',
      src: TEST_EXTERNAL_CLIENT,
      dst: '1.2.3.4',
      port: 80,
      want: local,
    },
    {
      name: 'pod to NodePort hits both endpoints, unmasqueraded',
      src: '10.0.0.2',
      dst: TEST_NODE_IP,
      port: 3001,
      want: both,
    },
    {
      name: 'external to NodePort hits only local endpoint, unmasqueraded',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: local,
    },
    {
      name: 'node to NodePort is masqueraded and hits both endpoints',
      src: TEST_NODE_IP,
      dst: TEST_NODE_IP,
      port: 3001,
      want: both,
      masq: true,
    },
  ]);
});

describe.each(MODES)('TestExternalTrafficPolicyLocal without local endpoints (%s)', (mode) => {
  const remoteOnly = simpleSlice('ns1', 'svc1', { name: 'p80', port: 80 }, [['10.180.0.1']]);
  runPacketFlowTests(fakeRuleSet([lbService('Local')], [remoteOnly], { mode }), [
    {
      name: 'pod to LB IP is short-circuited to the remote endpoint',
      src: '10.0.0.2',
      dst: '1.2.3.4',
      port: 80,
      want: ['10.180.0.1:80'],
    },
    {
      name: 'external to LB IP is dropped',
      src: TEST_EXTERNAL_CLIENT,
      dst: '1.2.3.4',
      port: 80,
      want: 'DROP',
    },
    {
      name: 'external to NodePort is dropped',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: 'DROP',
    },
    {
      name: 'external to external IP is dropped',
      src: TEST_EXTERNAL_CLIENT,
      dst: '192.168.99.11',
      port: 80,
      want: 'DROP',
    },
    {
      name: 'pod to cluster IP still works',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: ['10.180.0.1:80'],
    },
  ]);
});

describe.each(MODES)('TestExternalTrafficPolicyCluster (%s)', (mode) => {
  runPacketFlowTests(fakeRuleSet([lbService('Cluster')], [twoEndpoints], { mode }), [
    {
      name: 'pod to cluster IP hits both endpoints, unmasqueraded',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: both,
    },
    {
      name: 'pod to external IP hits both endpoints, masqueraded',
      src: '10.0.0.2',
      dst: '192.168.99.11',
      port: 80,
      want: both,
      masq: true,
    },
    {
      name: 'external to external IP hits both endpoints, masqueraded',
      src: TEST_EXTERNAL_CLIENT,
      dst: '192.168.99.11',
      port: 80,
      want: both,
      masq: true,
    },
    {
      name: 'pod to LB IP hits both endpoints, masqueraded',
      src: '10.0.0.2',
      dst: '1.2.3.4',
      port: 80,
      want: both,
      masq: true,
    },
    {
      name: 'external to LB IP hits both endpoints, masqueraded',
      src: TEST_EXTERNAL_CLIENT,
      dst: '1.2.3.4',
      port: 80,
      want: both,
      masq: true,
    },
    {
      name: 'pod to NodePort hits both endpoints, masqueraded',
      src: '10.0.0.2',
      dst: TEST_NODE_IP,
      port: 3001,
      want: both,
      masq: true,
    },
    {
      name: 'external to NodePort hits both endpoints, masqueraded',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: both,
      masq: true,
    },
  ]);
});

describe.each(MODES)('TestInternalExternalMasquerade (%s)', (mode) => {
  // iTP never affects NodePort/LB/externalIP traffic and eTP never affects ClusterIP traffic.
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      type: 'NodePort',
      clusterIP: '172.30.0.41',
      internalTrafficPolicy: 'Local',
      externalTrafficPolicy: 'Cluster',
      ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
    };
  });
  runPacketFlowTests(fakeRuleSet([svc], [twoEndpoints], { mode }), [
    {
      name: 'pod to ClusterIP uses only the local endpoint',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: local,
    },
    {
      name: 'node to ClusterIP is masqueraded',
      src: TEST_NODE_IP,
      dst: '172.30.0.41',
      port: 80,
      want: local,
      masq: true,
    },
    {
      name: 'external to NodePort uses every endpoint',
      src: TEST_EXTERNAL_CLIENT,
      dst: TEST_NODE_IP,
      port: 3001,
      want: both,
      masq: true,
    },
  ]);
});

describe.each(MODES)('masquerade-all (%s)', (mode) => {
  const svc = makeTestService('ns1', 'svc1', (s) => {
    s.spec = { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] };
  });
  runPacketFlowTests(fakeRuleSet([svc], [twoEndpoints], { mode, masqueradeAll: true }), [
    {
      name: 'pod to ClusterIP is masqueraded too',
      src: '10.0.0.2',
      dst: '172.30.0.41',
      port: 80,
      want: both,
      masq: true,
    },
  ]);
});

describe.each(MODES)('no local-traffic detector (%s)', (mode) => {
  // Without --detect-local-mode nothing is masqueraded on the ClusterIP path and pods get
  // only local endpoints for eTP=Local external destinations (kube-proxy.md §2.7).
  const { podCIDR: _unused, ...options } = fakeProxierOptions({ mode });
  const state = buildState([lbService('Local')], [twoEndpoints]);
  runPacketFlowTests(compileProxyRules(state, options), [
    {
      name: 'node to ClusterIP is not masqueraded',
      src: TEST_NODE_IP,
      dst: '172.30.0.41',
      port: 80,
      want: both,
    },
    {
      name: 'pod to LB IP gets only the local endpoint',
      src: '10.0.0.2',
      dst: '1.2.3.4',
      port: 80,
      want: local,
      source: 'pod-local',
    },
  ]);
});
