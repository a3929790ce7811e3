// Packet-flow tests ported from kube-proxy's proxier_test.go: TestInternalTrafficPolicy
// and TestTerminatingEndpointsTrafficPolicyLocal/Cluster, run against both modes.

import { describe } from 'vitest';
import type { EndpointSlice } from '../../api/types.js';
import type { DeepMutable } from '../../util/mutable.js';
import type { ProxyMode } from '../options.js';
import {
  fakeRuleSet,
  makeTestEndpointSlice,
  makeTestService,
  simpleSlice,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE_NAME,
} from '../testing/fixtures.js';
import { runPacketFlowTests } from '../testing/packet-flow.js';

const MODES: readonly ProxyMode[] = ['iptables', 'nftables'];

function itpService(policy: 'Local' | 'Cluster') {
  return makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      clusterIP: '172.30.1.1',
      selector: { foo: 'bar' },
      internalTrafficPolicy: policy,
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
    };
  });
}

function itpSlice(endpoints: readonly [string, string][]): EndpointSlice {
  return simpleSlice('ns1', 'svc1', { name: '', port: 80 }, endpoints);
}

describe.each(MODES)('TestInternalTrafficPolicy (%s)', (mode) => {
  const pod = { src: '10.0.0.2', dst: '172.30.1.1', port: 80 };
  describe('internalTrafficPolicy is cluster', () => {
    const eps = itpSlice([
      ['10.0.1.1', TEST_NODE_NAME],
      ['10.0.1.2', 'node1'],
      ['10.0.1.3', 'node2'],
    ]);
    runPacketFlowTests(fakeRuleSet([itpService('Cluster')], [eps], { mode }), [
      {
        name: 'pod to ClusterIP hits all endpoints',
        ...pod,
        want: ['10.0.1.1:80', '10.0.1.2:80', '10.0.1.3:80'],
      },
    ]);
  });
  describe('internalTrafficPolicy is local and there is one local endpoint', () => {
    const eps = itpSlice([
      ['10.0.1.1', TEST_NODE_NAME],
      ['10.0.1.2', 'node1'],
      ['10.0.1.3', 'node2'],
    ]);
    runPacketFlowTests(fakeRuleSet([itpService('Local')], [eps], { mode }), [
      { name: 'pod to ClusterIP hits only local endpoint', ...pod, want: ['10.0.1.1:80'] },
    ]);
  });
  describe('internalTrafficPolicy is local and there are multiple local endpoints', () => {
    const eps = itpSlice([
      ['10.0.1.1', TEST_NODE_NAME],
      ['10.0.1.2', TEST_NODE_NAME],
      ['10.0.1.3', 'node2'],
    ]);
    runPacketFlowTests(fakeRuleSet([itpService('Local')], [eps], { mode }), [
      { name: 'pod to ClusterIP hits all local endpoints', ...pod, want: ['10.0.1.1:80', '10.0.1.2:80'] },
    ]);
  });
  describe('internalTrafficPolicy is local and there are no local endpoints', () => {
    const eps = itpSlice([
      ['10.0.1.1', 'node0'],
      ['10.0.1.2', 'node1'],
      ['10.0.1.3', 'node2'],
    ]);
    runPacketFlowTests(fakeRuleSet([itpService('Local')], [eps], { mode }), [
      { name: 'no endpoints', ...pod, want: 'DROP' },
    ]);
  });
  describe('endpoints deleted', () => {
    runPacketFlowTests(fakeRuleSet([itpService('Local')], [], { mode }), [
      { name: 'endpoints deleted', ...pod, want: 'REJECT' },
    ]);
  });
});

type Conditions = { ready: boolean; serving: boolean; terminating: boolean };
const READY: Conditions = { ready: true, serving: true, terminating: false };
const SERVING_TERMINATING: Conditions = { ready: false, serving: true, terminating: true };
const GONE: Conditions = { ready: false, serving: false, terminating: true };

function terminatingSlice(endpoints: readonly [string, Conditions, string][]): EndpointSlice {
  return makeTestEndpointSlice('ns1', 'svc1', 1, (eps: DeepMutable<EndpointSlice>) => {
    eps.ports = [{ name: '', port: 80, protocol: 'TCP' }];
    eps.endpoints = endpoints.map(([ip, conditions, nodeName]) => ({
      addresses: [ip],
      conditions,
      nodeName,
    }));
  });
}

function terminatingService(policy: 'Local' | 'Cluster') {
  return makeTestService('ns1', 'svc1', (s) => {
    s.spec = {
      clusterIP: '172.30.1.1',
      type: 'LoadBalancer',
      externalTrafficPolicy: policy,
      ports: [{ name: '', targetPort: 80, port: 80, protocol: 'TCP' }],
      healthCheckNodePort: 30000,
    };
    s.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  });
}

const toClusterIP = { src: '10.0.0.2', dst: '172.30.1.1', port: 80 };
const toLB = { src: TEST_EXTERNAL_CLIENT, dst: '1.2.3.4', port: 80 };

describe.each(MODES)('TestTerminatingEndpointsTrafficPolicyLocal (%s)', (mode) => {
  const svc = terminatingService('Local');
  describe('ready endpoints exist', () => {
    const eps = terminatingSlice([
      ['10.0.1.1', READY, TEST_NODE_NAME],
      ['10.0.1.2', READY, TEST_NODE_NAME],
      ['10.0.1.3', SERVING_TERMINATING, TEST_NODE_NAME],
      ['10.0.1.4', GONE, TEST_NODE_NAME],
      ['10.0.1.5', READY, 'node-1'],
    ]);
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP', ...toClusterIP, want: ['10.0.1.1:80', '10.0.1.2:80', '10.0.1.5:80'] },
      { name: 'external to LB', ...toLB, want: ['10.0.1.1:80', '10.0.1.2:80'] },
    ]);
  });
  describe('only terminating endpoints exist', () => {
    const eps = terminatingSlice([
      ['10.0.1.2', SERVING_TERMINATING, TEST_NODE_NAME],
      ['10.0.1.3', SERVING_TERMINATING, TEST_NODE_NAME],
      ['10.0.1.4', GONE, TEST_NODE_NAME],
      ['10.0.1.5', READY, 'node-1'],
    ]);
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP', ...toClusterIP, want: ['10.0.1.5:80'] },
      { name: 'external to LB', ...toLB, want: ['10.0.1.2:80', '10.0.1.3:80'] },
    ]);
  });
  describe('terminating endpoints on remote node', () => {
    const eps = terminatingSlice([['10.0.1.5', SERVING_TERMINATING, 'node-1']]);
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP', ...toClusterIP, want: ['10.0.1.5:80'] },
      { name: 'external to LB, no locally-usable endpoints', ...toLB, want: 'DROP' },
    ]);
  });
  describe('no usable endpoints on any node', () => {
    const eps = terminatingSlice([
      ['10.0.1.5', GONE, TEST_NODE_NAME],
      ['10.0.1.5', GONE, 'node-1'],
    ]);
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP, no usable endpoints', ...toClusterIP, want: 'REJECT' },
      { name: 'external to LB, no usable endpoints', ...toLB, want: 'REJECT' },
    ]);
  });
});

describe.each(MODES)('TestTerminatingEndpointsTrafficPolicyCluster (%s)', (mode) => {
  const svc = terminatingService('Cluster');
  describe('ready endpoints exist', () => {
    const eps = terminatingSlice([
      ['10.0.1.1', READY, TEST_NODE_NAME],
      ['10.0.1.2', READY, TEST_NODE_NAME],
      ['10.0.1.3', SERVING_TERMINATING, TEST_NODE_NAME],
      ['10.0.1.4', GONE, TEST_NODE_NAME],
      ['10.0.1.5', READY, 'node-1'],
    ]);
    const ready = ['10.0.1.1:80', '10.0.1.2:80', '10.0.1.5:80'];
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP', ...toClusterIP, want: ready },
      { name: 'external to LB', ...toLB, want: ready, masq: true },
    ]);
  });
  describe('only terminating endpoints exist', () => {
    const eps = terminatingSlice([
      ['10.0.1.2', SERVING_TERMINATING, TEST_NODE_NAME],
      ['10.0.1.3', SERVING_TERMINATING, TEST_NODE_NAME],
      ['10.0.1.4', GONE, TEST_NODE_NAME],
      ['10.0.1.5', SERVING_TERMINATING, 'node-1'],
    ]);
    const serving = ['10.0.1.2:80', '10.0.1.3:80', '10.0.1.5:80'];
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP', ...toClusterIP, want: serving },
      { name: 'external to LB', ...toLB, want: serving, masq: true },
    ]);
  });
  describe('terminating endpoints on remote node', () => {
    const eps = terminatingSlice([['10.0.1.5', SERVING_TERMINATING, 'node-1']]);
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP', ...toClusterIP, want: ['10.0.1.5:80'] },
      { name: 'external to LB', ...toLB, want: ['10.0.1.5:80'], masq: true },
    ]);
  });
  describe('no usable endpoints on any node', () => {
    const eps = terminatingSlice([
      ['10.0.1.5', GONE, TEST_NODE_NAME],
      ['10.0.1.5', GONE, 'node-1'],
    ]);
    runPacketFlowTests(fakeRuleSet([svc], [eps], { mode }), [
      { name: 'pod to clusterIP, no usable endpoints', ...toClusterIP, want: 'REJECT' },
      { name: 'external to LB, no usable endpoints', ...toLB, want: 'REJECT' },
    ]);
  });
});
