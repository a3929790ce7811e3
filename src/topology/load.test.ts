import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatHostPort, slotDefaults } from './addresses.js';
import { defaultTopologyText, loadTopology, TopologyError } from './load.js';

const HEAD = 'apiVersion: netkube.dev/v1alpha1\nkind: Cluster\n';
const NODES = 'nodes:\n  - name: control-plane\n    role: control-plane\n  - name: worker-1\n';

function errorsOf(text: string): string[] {
  try {
    loadTopology({ text });
  } catch (err) {
    if (err instanceof TopologyError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('topology defaults', () => {
  it('resolves the embedded default cluster', () => {
    const t = loadTopology();
    expect(t.name).toBe('netkube');
    expect(t.nodes.map((n) => [n.name, n.role, n.address])).toEqual([
      ['control-plane', 'control-plane', '127.0.10.1'],
      ['worker-1', 'worker', '127.0.10.2'],
      ['worker-2', 'worker', '127.0.10.3'],
    ]);
    expect(t.api).toEqual({ host: '127.0.10.1', port: 6443 });
    expect([formatHostPort(t.dns), formatHostPort(t.socks)]).toEqual(['127.0.0.1:10053', '127.0.0.1:1080']);
    expect(t.networking).toEqual({
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/12',
      nodePortRange: { base: 30000, size: 2768 },
      clusterDomain: 'cluster.local',
      proxyMode: 'iptables',
      ipvsScheduler: 'rr',
      ipam: {
        type: 'calico',
        blockSize: 26,
        blockSelection: 'calico',
        encapsulation: 'IPIP',
        strictAffinity: false,
      },
      nodeSubnet: '127.0.10.0/24',
      loadBalancerPool: '127.0.20.0/24',
    });
    expect(t.ingress).toEqual({ enabled: true, httpNodePort: 30080, httpsNodePort: 30443 });
    expect(t.nodeLifecycle).toEqual({
      podEvictionTimeoutSeconds: 300,
      heartbeatSeconds: 10,
      nodeMonitorGracePeriodSeconds: 40,
    });
    expect(t.allowNonLoopback).toBe(false);
    expect(t.source).toBeUndefined();
  });

  it('gives nodes the kubeadm labels and taints the control plane of a cluster with workers', () => {
    const [cp, worker] = loadTopology().nodes;
    expect(cp?.labels).toEqual({
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'control-plane',
      'kubernetes.io/os': 'linux',
      'node-role.kubernetes.io/control-plane': '',
    });
    expect(cp?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(worker?.taints).toEqual([]);
    expect(worker?.capacity).toEqual({ cpu: '4', memory: '8Gi', pods: 110 });
  });

  it('reads the ingress controller nodeSelector (kind: the node labelled ingress-ready)', () => {
    const t = loadTopology({
      text: `${HEAD}ingress:\n  nodeSelector:\n    ingress-ready: "true"\nnodes:\n  - name: control-plane\n    role: control-plane\n    labels:\n      ingress-ready: "true"\n  - name: worker-1\n`,
    });
    expect(t.ingress).toEqual({
      enabled: true,
      httpNodePort: 30080,
      httpsNodePort: 30443,
      nodeSelector: { 'ingress-ready': 'true' },
    });
    expect(t.nodes[0]?.labels['ingress-ready']).toBe('true');
  });

  it('leaves a single-node control plane schedulable, as kind does', () => {
    const t = loadTopology({ file: 'topologies/single-node.yaml' });
    expect(t.nodes.map((n) => [n.name, n.taints])).toEqual([['control-plane', []]]);
    expect(t.source).toBe('topologies/single-node.yaml');
  });

  it('spreads the three-node cluster over zones, every node schedulable', () => {
    const t = loadTopology({ file: 'topologies/three-node.yaml' });
    expect(t.nodes.map((n) => [n.name, n.labels['topology.kubernetes.io/zone'], n.taints.length])).toEqual([
      ['node-a', 'zone-a', 0],
      ['node-b', 'zone-b', 0],
      ['node-c', 'zone-c', 0],
    ]);
  });

  it('serves the embedded default from topologies/default.yaml', () => {
    expect(parse(defaultTopologyText())).toMatchObject({
      kind: 'Cluster',
      nodes: [{ name: 'control-plane' }, {}, {}],
    });
  });

  it('skips addresses given explicitly when it numbers the others', () => {
    const t = loadTopology({
      text: `${HEAD}nodes:\n  - name: a\n    role: control-plane\n  - name: b\n    address: 127.0.10.1\n  - name: c\n`,
    });
    expect(t.nodes.map((n) => n.address)).toEqual(['127.0.10.2', '127.0.10.1', '127.0.10.3']);
  });

  it('moves every default address and port with the slot', () => {
    const t = loadTopology({ slot: 2 });
    expect(t.nodes.map((n) => n.address)).toEqual(['127.2.10.1', '127.2.10.2', '127.2.10.3']);
    expect([formatHostPort(t.api), formatHostPort(t.dns), formatHostPort(t.socks)]).toEqual([
      '127.2.10.1:6443',
      '127.0.0.1:10055',
      '127.0.0.1:1082',
    ]);
    expect(t.networking.loadBalancerPool).toBe('127.2.20.0/24');
  });

  it('never gives two slots the same address or port', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b) => {
        fc.pre(a !== b);
        const [x, y] = [slotDefaults(a), slotDefaults(b)];
        const claims = (d: typeof x) => [
          d.nodeSubnet,
          d.loadBalancerPool,
          formatHostPort(d.dns),
          formatHostPort(d.socks),
        ];
        const overlap = claims(x).filter((c) => claims(y).includes(c));
        expect(overlap).toEqual([]);
      }),
    );
  });
});

describe('topology errors name the file and field, and nothing starts', () => {
  it.each([
    {
      name: 'an unknown field',
      text: `${HEAD}networking:\n  podSubnett: 10.0.0.0/16\n${NODES}`,
      want: ['<topology>: networking.podSubnett: unknown field (did you mean "podSubnet"?)'],
    },
    {
      name: 'a wrong type',
      text: `${HEAD}ingress:\n  httpNodePort: "30080"\n${NODES}`,
      want: ['<topology>: ingress.httpNodePort: must be an integer'],
    },
    {
      name: 'a wrong apiVersion',
      text: `apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n${NODES}`,
      want: [
        '<topology>: apiVersion: Unsupported value "kind.x-k8s.io/v1alpha4": supported values: "netkube.dev/v1alpha1"',
      ],
    },
    {
      name: 'a bad CIDR',
      text: `${HEAD}networking:\n  podSubnet: 10.244.0.0/33\n${NODES}`,
      want: [
        '<topology>: networking.podSubnet: invalid CIDR "10.244.0.0/33": must be a CIDR such as 10.244.0.0/16',
      ],
    },
    {
      name: 'an IPv6 subnet',
      text: `${HEAD}networking:\n  podSubnet: fd00::/64\n${NODES}`,
      want: ['<topology>: networking.podSubnet: invalid CIDR "fd00::/64": only IPv4 is supported'],
    },
    {
      name: 'host bits in a CIDR',
      text: `${HEAD}networking:\n  podSubnet: 10.244.1.0/16\n${NODES}`,
      want: [
        '<topology>: networking.podSubnet: 10.244.1.0/16 is not a network address (did you mean 10.244.0.0/16?)',
      ],
    },
    {
      name: 'pod and service subnets overlapping',
      text: `${HEAD}networking:\n  podSubnet: 10.96.0.0/16\n${NODES}`,
      want: ['<topology>: networking.serviceSubnet: 10.96.0.0/12 overlaps networking.podSubnet 10.96.0.0/16'],
    },
    {
      name: 'node subnet and LoadBalancer pool overlapping',
      text: `${HEAD}networking:\n  loadBalancerPool: 127.0.10.128/25\n${NODES}`,
      want: [
        '<topology>: networking.loadBalancerPool: 127.0.10.128/25 overlaps networking.nodeSubnet 127.0.10.0/24',
      ],
    },
    {
      name: 'a service subnet larger than /12',
      text: `${HEAD}networking:\n  serviceSubnet: 10.0.0.0/8\n  podSubnet: 172.16.0.0/16\n${NODES}`,
      want: [
        '<topology>: networking.serviceSubnet: 10.0.0.0/8 is too large: kube-apiserver requires a mask of at least /12',
      ],
    },
    {
      name: 'a non-loopback node subnet',
      text: `${HEAD}networking:\n  nodeSubnet: 192.168.50.0/24\n${NODES}`,
      want: [
        '<topology>: networking.nodeSubnet: 192.168.50.0/24 is outside 127.0.0.0/8; set allowNonLoopback: true to use non-loopback addresses',
      ],
    },
    {
      name: 'a node address outside 127.0.0.0/8',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n    address: 192.168.56.10\n`,
      want: [
        '<topology>: nodes[0].address: 192.168.56.10 is outside 127.0.0.0/8; set allowNonLoopback: true to use non-loopback addresses',
      ],
    },
    {
      name: 'a node address that is not an address',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n    address: localhost\n`,
      want: ['<topology>: nodes[0].address: "localhost" is not an IPv4 address'],
    },
    {
      name: 'two nodes on one address',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n    address: 127.0.0.5\n  - name: w\n    address: 127.0.0.5\n`,
      want: ['<topology>: nodes[1].address: 127.0.0.5 is already the address of node "cp"'],
    },
    {
      name: 'a node inside the LoadBalancer pool',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n    address: 127.0.20.7\n`,
      want: ['<topology>: nodes[0].address: 127.0.20.7 is inside networking.loadBalancerPool 127.0.20.0/24'],
    },
    {
      name: 'duplicate node names',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n  - name: cp\n`,
      want: ['<topology>: nodes[1].name: duplicate node name "cp" (also nodes[0].name)'],
    },
    {
      name: 'an invalid node name',
      text: `${HEAD}nodes:\n  - name: Worker_1\n    role: control-plane\n`,
      want: [
        "<topology>: nodes[0].name: \"Worker_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    {
      name: 'a node without a name',
      text: `${HEAD}nodes:\n  - role: control-plane\n`,
      want: ['<topology>: nodes[0].name: required'],
    },
    {
      name: 'an unknown role',
      text: `${HEAD}nodes:\n  - name: cp\n    role: master\n`,
      want: [
        '<topology>: nodes[0].role: Unsupported value "master": supported values: "control-plane", "worker"',
        '<topology>: nodes: at least one node must have role control-plane',
      ],
    },
    {
      name: 'no nodes',
      text: `${HEAD}nodes: []\n`,
      want: ['<topology>: nodes: at least one node is required'],
    },
    {
      name: 'no control plane',
      text: `${HEAD}nodes:\n  - name: w\n`,
      want: ['<topology>: nodes: at least one node must have role control-plane'],
    },
    {
      name: 'an unknown proxy mode',
      text: `${HEAD}networking:\n  proxyMode: ebpf\n${NODES}`,
      want: [
        '<topology>: networking.proxyMode: Unsupported value "ebpf": supported values: "iptables", "ipvs", "nftables"',
      ],
    },
    {
      name: 'an unknown IPAM encapsulation',
      text: `${HEAD}networking:\n  ipam:\n    encapsulation: GRE\n${NODES}`,
      want: [
        '<topology>: networking.ipam.encapsulation: Unsupported value "GRE": supported values: "IPIP", "VXLAN", "None"',
      ],
    },
    {
      name: 'a block size out of range',
      text: `${HEAD}networking:\n  ipam:\n    blockSize: 33\n${NODES}`,
      want: ['<topology>: networking.ipam.blockSize: 33 must be between 20 and 32, inclusive'],
    },
    {
      name: 'blocks bigger than the pod subnet',
      text: `${HEAD}networking:\n  podSubnet: 10.244.0.0/28\n${NODES}`,
      want: ['<topology>: networking.ipam.blockSize: /26 blocks are larger than networking.podSubnet /28'],
    },
    {
      name: 'a NodePort range that is not a range',
      text: `${HEAD}networking:\n  nodePortRange: "30000:32767"\n${NODES}`,
      want: ['<topology>: networking.nodePortRange: "30000:32767" must be "first-last" (e.g. 30000-32767)'],
    },
    {
      name: 'a NodePort range backwards',
      text: `${HEAD}networking:\n  nodePortRange: 32767-30000\n${NODES}`,
      want: [
        '<topology>: networking.nodePortRange: 32767-30000: the first port (32767) is after the last (30000)',
      ],
    },
    {
      name: 'a NodePort range beyond 65535',
      text: `${HEAD}networking:\n  nodePortRange: 60000-70000\ningress:\n  enabled: false\n  httpNodePort: 60080\n  httpsNodePort: 60443\n${NODES}`,
      want: [
        '<topology>: networking.nodePortRange: 60000-70000: ports must be between 1 and 65535, inclusive',
        '<topology>: ingress.httpNodePort: 60080 is outside networking.nodePortRange 30000-32767',
        '<topology>: ingress.httpsNodePort: 60443 is outside networking.nodePortRange 30000-32767',
      ],
    },
    {
      name: 'an ingress NodePort outside the range',
      text: `${HEAD}ingress:\n  httpNodePort: 8080\n${NODES}`,
      want: ['<topology>: ingress.httpNodePort: 8080 is outside networking.nodePortRange 30000-32767'],
    },
    {
      name: 'an ingress nodeSelector with a bad label key',
      text: `${HEAD}ingress:\n  nodeSelector:\n    "-ready": "true"\n${NODES}`,
      want: [
        "<topology>: ingress.nodeSelector[-ready]: invalid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    },
    {
      name: 'a port out of range',
      text: `${HEAD}dns:\n  address: 127.0.0.1:70000\n${NODES}`,
      want: ['<topology>: dns.address: port 70000 must be between 1 and 65535, inclusive'],
    },
    {
      name: 'an address without a port',
      text: `${HEAD}socks:\n  address: 127.0.0.1\n${NODES}`,
      want: [
        '<topology>: socks.address: "127.0.0.1" must be host:port with an IPv4 host (e.g. 127.0.0.1:1080)',
      ],
    },
    {
      name: 'two listeners on one port',
      text: `${HEAD}dns:\n  address: 127.0.0.1:1080\n${NODES}`,
      want: ['<topology>: socks.address: 127.0.0.1:1080 is also dns.address'],
    },
    {
      name: 'a capacity that is not a quantity',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n    capacity:\n      memory: 8 GB\n`,
      want: ['<topology>: nodes[0].capacity.memory: "8 GB" must be a positive quantity (e.g. 4, 500m, 8Gi)'],
    },
    {
      name: 'a taint with an unknown effect',
      text: `${HEAD}nodes:\n  - name: cp\n    role: control-plane\n    taints:\n      - key: dedicated\n        effect: NoRun\n`,
      want: [
        '<topology>: nodes[0].taints[0].effect: Unsupported value "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    },
    {
      name: 'a grace period not above the heartbeat',
      text: `${HEAD}nodeLifecycle:\n  heartbeatSeconds: 40\n${NODES}`,
      want: [
        '<topology>: nodeLifecycle.nodeMonitorGracePeriodSeconds: 40 must be longer than nodeLifecycle.heartbeatSeconds (40)',
      ],
    },
    {
      name: 'malformed YAML',
      text: `${HEAD}nodes: [\n`,
      want: [
        '<topology>: line 4: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    },
  ])('$name', ({ text, want }) => {
    expect(errorsOf(text)).toEqual(want);
  });

  it('accepts non-loopback addresses when the file opts in', () => {
    const t = loadTopology({
      text: `${HEAD}allowNonLoopback: true\nnodes:\n  - name: cp\n    role: control-plane\n    address: 192.168.56.10\n`,
    });
    expect(t.nodes[0]?.address).toBe('192.168.56.10');
  });

  it('names the file it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netkube-topology-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, `${HEAD}nodes: []\n`);
      expect(() => loadTopology({ file })).toThrow(`${file}: nodes: at least one node is required`);
      expect(() => loadTopology({ file: join(dir, 'missing.yaml') })).toThrow(
        `${join(dir, 'missing.yaml')}: (file): no such file`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a slot beyond 255', () => {
    expect(() => loadTopology({ slot: 256 })).toThrow(TopologyError);
  });
});
