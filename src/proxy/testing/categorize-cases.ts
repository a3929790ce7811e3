/**
 * The rows of kube-proxy's pkg/proxy/topology_test.go TestCategorizeEndpoints, plus
 * PreferSameNode rows for the newer topology.go. Test data only.
 */
import { LABEL_TOPOLOGY_ZONE } from '../categorize.js';
import { type EndpointSpec, type servicePortInfo, TEST_NODE } from './builders.js';

// Port of pkg/proxy/topology_test.go TestCategorizeEndpoints. `undefined` stands for Go's
// nil ("the service never uses this kind of endpoint"), `[]` for an empty set.
export interface CategorizeCase {
  readonly name: string;
  readonly nodeLabels?: Record<string, string>;
  readonly service?: Parameters<typeof servicePortInfo>[0];
  readonly endpoints: readonly EndpointSpec[];
  readonly clusterEndpoints: readonly string[] | undefined;
  readonly localEndpoints: readonly string[] | undefined;
  readonly allEndpoints?: readonly string[];
  readonly onlyRemoteEndpoints?: boolean;
  readonly preferSameTrafficDistribution?: boolean;
}

const FOUR_ZONED: readonly EndpointSpec[] = [
  { endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true },
  { endpoint: '10.1.2.4:80', zoneHints: ['zone-b'], ready: true },
  { endpoint: '10.1.2.5:80', zoneHints: ['zone-c'], ready: true },
  { endpoint: '10.1.2.6:80', zoneHints: ['zone-a'], ready: true },
];

const FOUR_ZONED_TWO_LOCAL: readonly EndpointSpec[] = [
  { endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true, isLocal: true },
  { endpoint: '10.1.2.4:80', zoneHints: ['zone-b'], ready: true, isLocal: true },
  { endpoint: '10.1.2.5:80', zoneHints: ['zone-c'], ready: true },
  { endpoint: '10.1.2.6:80', zoneHints: ['zone-a'], ready: true },
];

const ONE_LOCAL_ONE_REMOTE: readonly EndpointSpec[] = [
  { endpoint: '10.0.0.0:80', ready: true, isLocal: true },
  { endpoint: '10.0.0.1:80', ready: true, isLocal: false },
];

export const zoneA = { [LABEL_TOPOLOGY_ZONE]: 'zone-a' };

export const categorizeCases: CategorizeCase[] = [
  {
    name: "should use topology since all endpoints have hints, node has a zone label and and there are endpoints for the node's zone",
    nodeLabels: zoneA,
    endpoints: FOUR_ZONED,
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
    localEndpoints: undefined,
  },
  {
    name: 'externalTrafficPolicy: Local, topology ignored for Local endpoints',
    nodeLabels: zoneA,
    service: { externalPolicyLocal: true, nodePort: 8080 },
    endpoints: FOUR_ZONED_TWO_LOCAL,
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
    localEndpoints: ['10.1.2.3:80', '10.1.2.4:80'],
    allEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
  },
  {
    name: 'internalTrafficPolicy: Local, topology ignored for Local endpoints',
    nodeLabels: zoneA,
    service: { internalPolicyLocal: true, externalPolicyLocal: false, nodePort: 8080 },
    endpoints: FOUR_ZONED_TWO_LOCAL,
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
    localEndpoints: ['10.1.2.3:80', '10.1.2.4:80'],
    allEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
  },
  {
    name: 'empty node labels',
    nodeLabels: {},
    endpoints: [{ endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true }],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: undefined,
  },
  {
    name: 'empty zone label',
    nodeLabels: { [LABEL_TOPOLOGY_ZONE]: '' },
    endpoints: [{ endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true }],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: undefined,
  },
  {
    name: 'node in different zone, no endpoint filtering',
    nodeLabels: { [LABEL_TOPOLOGY_ZONE]: 'zone-b' },
    endpoints: [{ endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true }],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: undefined,
  },
  {
    name: 'unready endpoint',
    nodeLabels: zoneA,
    endpoints: [
      { endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.4:80', zoneHints: ['zone-b'], ready: true },
      { endpoint: '10.1.2.5:80', zoneHints: ['zone-c'], ready: true },
      { endpoint: '10.1.2.6:80', zoneHints: ['zone-a'], ready: false },
    ],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: undefined,
  },
  {
    name: 'only unready endpoints in same zone (should not filter)',
    nodeLabels: zoneA,
    endpoints: [
      { endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: false },
      { endpoint: '10.1.2.4:80', zoneHints: ['zone-b'], ready: true },
      { endpoint: '10.1.2.5:80', zoneHints: ['zone-c'], ready: true },
      { endpoint: '10.1.2.6:80', zoneHints: ['zone-a'], ready: false },
    ],
    clusterEndpoints: ['10.1.2.4:80', '10.1.2.5:80'],
    localEndpoints: undefined,
  },
  {
    name: 'missing hints, no filtering applied',
    nodeLabels: zoneA,
    endpoints: [
      { endpoint: '10.1.2.3:80', zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.4:80', zoneHints: ['zone-b'], ready: true },
      { endpoint: '10.1.2.5:80', ready: true },
      { endpoint: '10.1.2.6:80', zoneHints: ['zone-a'], ready: true },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.5:80', '10.1.2.6:80'],
    localEndpoints: undefined,
  },
  {
    name: 'multiple hints per endpoint, filtering includes any endpoint with zone included',
    nodeLabels: { [LABEL_TOPOLOGY_ZONE]: 'zone-c' },
    endpoints: [
      { endpoint: '10.1.2.3:80', zoneHints: ['zone-a', 'zone-b', 'zone-c'], ready: true },
      { endpoint: '10.1.2.4:80', zoneHints: ['zone-b', 'zone-c'], ready: true },
      { endpoint: '10.1.2.5:80', zoneHints: ['zone-b', 'zone-d'], ready: true },
      { endpoint: '10.1.2.6:80', zoneHints: ['zone-c'], ready: true },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
    localEndpoints: undefined,
  },
  {
    name: 'conflicting topology and localness require merging allEndpoints',
    nodeLabels: zoneA,
    service: { internalPolicyLocal: false, externalPolicyLocal: true, nodePort: 8080 },
    endpoints: [
      { endpoint: '10.0.0.0:80', zoneHints: ['zone-a'], ready: true, isLocal: true },
      { endpoint: '10.0.0.1:80', zoneHints: ['zone-b'], ready: true, isLocal: true },
      { endpoint: '10.0.0.2:80', zoneHints: ['zone-a'], ready: true, isLocal: false },
      { endpoint: '10.0.0.3:80', zoneHints: ['zone-b'], ready: true, isLocal: false },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.2:80'],
    localEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80', '10.0.0.2:80'],
  },
  {
    name: 'internalTrafficPolicy: Local, with empty endpoints',
    service: { internalPolicyLocal: true },
    endpoints: [],
    clusterEndpoints: undefined,
    localEndpoints: [],
  },
  {
    name: 'internalTrafficPolicy: Local, but all endpoints are remote',
    service: { internalPolicyLocal: true },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: true, isLocal: false },
      { endpoint: '10.0.0.1:80', ready: true, isLocal: false },
    ],
    clusterEndpoints: undefined,
    localEndpoints: [],
    onlyRemoteEndpoints: true,
  },
  {
    name: 'internalTrafficPolicy: Local, all endpoints are local',
    service: { internalPolicyLocal: true },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: true, isLocal: true },
      { endpoint: '10.0.0.1:80', ready: true, isLocal: true },
    ],
    clusterEndpoints: undefined,
    localEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'internalTrafficPolicy: Local, some endpoints are local',
    service: { internalPolicyLocal: true },
    endpoints: ONE_LOCAL_ONE_REMOTE,
    clusterEndpoints: undefined,
    localEndpoints: ['10.0.0.0:80'],
  },
  {
    name: 'Cluster traffic policy, endpoints not Ready',
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: false },
      { endpoint: '10.0.0.1:80', ready: false },
    ],
    clusterEndpoints: [],
    localEndpoints: undefined,
  },
  {
    name: 'Cluster traffic policy, some endpoints are Ready',
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: false },
      { endpoint: '10.0.0.1:80', ready: true },
    ],
    clusterEndpoints: ['10.0.0.1:80'],
    localEndpoints: undefined,
  },
  {
    name: 'Cluster traffic policy, all endpoints are terminating',
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: false, serving: true, terminating: true, isLocal: true },
      { endpoint: '10.0.0.1:80', ready: false, serving: true, terminating: true, isLocal: false },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: undefined,
  },
  {
    name: 'iTP: Local, eTP: Cluster, some endpoints local',
    service: { internalPolicyLocal: true, externalPolicyLocal: false, nodePort: 8080 },
    endpoints: ONE_LOCAL_ONE_REMOTE,
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Cluster, eTP: Local, some endpoints local',
    service: { internalPolicyLocal: false, externalPolicyLocal: true, nodePort: 8080 },
    endpoints: ONE_LOCAL_ONE_REMOTE,
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Local, eTP: Local, some endpoints local',
    service: { internalPolicyLocal: true, externalPolicyLocal: true, nodePort: 8080 },
    endpoints: ONE_LOCAL_ONE_REMOTE,
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Local, eTP: Local, all endpoints remote',
    service: { internalPolicyLocal: true, externalPolicyLocal: true, nodePort: 8080 },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: true, isLocal: false },
      { endpoint: '10.0.0.1:80', ready: true, isLocal: false },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: [],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Local, eTP: Local, all endpoints remote and terminating',
    service: { internalPolicyLocal: true, externalPolicyLocal: true, nodePort: 8080 },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: false, serving: true, terminating: true, isLocal: false },
      { endpoint: '10.0.0.1:80', ready: false, serving: true, terminating: true, isLocal: false },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: [],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    onlyRemoteEndpoints: true,
  },
  {
    name: 'iTP: Cluster, eTP: Local, with terminating endpoints',
    service: { internalPolicyLocal: false, externalPolicyLocal: true, nodePort: 8080 },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: true, isLocal: false },
      { endpoint: '10.0.0.1:80', ready: false, serving: false, isLocal: true },
      { endpoint: '10.0.0.2:80', ready: false, serving: true, terminating: true, isLocal: true },
      { endpoint: '10.0.0.3:80', ready: false, serving: true, terminating: true, isLocal: false },
    ],
    clusterEndpoints: ['10.0.0.0:80'],
    localEndpoints: ['10.0.0.2:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.2:80'],
  },
  {
    name: 'externalTrafficPolicy ignored if not externally accessible',
    service: { externalPolicyLocal: true },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: true, isLocal: false },
      { endpoint: '10.0.0.1:80', ready: true, isLocal: true },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: undefined,
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'no cluster endpoints for iTP:Local internal-only service',
    service: { internalPolicyLocal: true },
    endpoints: [
      { endpoint: '10.0.0.0:80', ready: true, isLocal: false },
      { endpoint: '10.0.0.1:80', ready: true, isLocal: true },
    ],
    clusterEndpoints: undefined,
    localEndpoints: ['10.0.0.1:80'],
    allEndpoints: ['10.0.0.1:80'],
  },
  // PreferSameNode (topology.go `topologyModeFromHints`, PreferSameTrafficDistribution gate).
  {
    name: 'PreferSameNode: every ready endpoint has node hints and one is for this node',
    nodeLabels: zoneA,
    endpoints: [
      { endpoint: '10.1.2.3:80', nodeHints: [TEST_NODE], zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.4:80', nodeHints: ['node-2'], zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.5:80', nodeHints: ['node-3'], zoneHints: ['zone-b'], ready: true },
    ],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: undefined,
  },
  {
    name: 'PreferSameNode gate off falls back to PreferSameZone',
    nodeLabels: zoneA,
    preferSameTrafficDistribution: false,
    endpoints: [
      { endpoint: '10.1.2.3:80', nodeHints: [TEST_NODE], zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.4:80', nodeHints: ['node-2'], zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.5:80', nodeHints: ['node-3'], zoneHints: ['zone-b'], ready: true },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.4:80'],
    localEndpoints: undefined,
  },
  {
    name: 'PreferSameNode: no endpoint hinted for this node falls back to zone hints',
    nodeLabels: zoneA,
    endpoints: [
      { endpoint: '10.1.2.4:80', nodeHints: ['node-2'], zoneHints: ['zone-a'], ready: true },
      { endpoint: '10.1.2.5:80', nodeHints: ['node-3'], zoneHints: ['zone-b'], ready: true },
    ],
    clusterEndpoints: ['10.1.2.4:80'],
    localEndpoints: undefined,
  },
  {
    name: 'PreferSameNode: one ready endpoint without node hint disables node filtering',
    nodeLabels: { [LABEL_TOPOLOGY_ZONE]: 'zone-x' },
    endpoints: [
      { endpoint: '10.1.2.3:80', nodeHints: [TEST_NODE], ready: true },
      { endpoint: '10.1.2.4:80', ready: true },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.4:80'],
    localEndpoints: undefined,
  },
];
