/**
 * Test and benchmark fixtures for IPAM: a real ObjectStore and Registry (with
 * the IPPool admission plugin), a FakeClock, a CalicoIpam, and helpers to add
 * nodes, namespaces and pools. Imports nothing from vitest.
 */
import type { KubeObject } from '../api/types.js';
import { silentLogger } from '../log/index.js';
import { ObjectStore } from '../store/object-store.js';
import { Registry } from '../store/registry.js';
import type { BlockSelection } from '../topology/types.js';
import { FakeClock } from '../util/clock.js';
import { seededRandom } from '../util/random.js';
import { ipPoolAdmission } from './admission.js';
import { CalicoIpam } from './allocator.js';
import { checkIpamInvariants } from './invariants.js';
import { CALICO_API_VERSION, type IPPoolSpec } from './objects.js';

export interface IpamFixtureOptions {
  readonly blockSelection?: BlockSelection;
  readonly strictAffinity?: boolean;
  readonly maxBlocksPerHost?: number;
  /** Pools to create (name → spec). */
  readonly pools?: Readonly<Record<string, IPPoolSpec>>;
  readonly serviceSubnet?: string;
  /** Deep-freeze stored objects. @default true */
  readonly freeze?: boolean;
}

export interface IpamFixture {
  readonly clock: FakeClock;
  readonly store: ObjectStore;
  readonly registry: Registry;
  readonly ipam: CalicoIpam;
  addNode(name: string, options?: { labels?: Record<string, string>; address?: string }): void;
  addNamespace(name: string, labels?: Record<string, string>): void;
  addPool(name: string, spec: IPPoolSpec): void;
  /** The IPAM invariant violations of the current state (empty when consistent). */
  invariants(): string[];
}

/** Builds the fixture; namespace `default` exists. */
export function newIpamFixture(options: IpamFixtureOptions = {}): IpamFixture {
  const clock = new FakeClock();
  const store = new ObjectStore({ freeze: options.freeze ?? true });
  const registry = new Registry({
    store,
    clock,
    random: seededRandom(1),
    admission: [ipPoolAdmission({ serviceSubnet: options.serviceSubnet ?? '10.96.0.0/12' })],
  });
  const ipam = new CalicoIpam({
    registry,
    clock,
    logger: silentLogger(),
    ...(options.blockSelection ? { blockSelection: options.blockSelection } : {}),
    ...(options.strictAffinity === undefined ? {} : { strictAffinity: options.strictAffinity }),
    ...(options.maxBlocksPerHost === undefined ? {} : { maxBlocksPerHost: options.maxBlocksPerHost }),
  });
  const fixture: IpamFixture = {
    clock,
    store,
    registry,
    ipam,
    addNode(name, nodeOptions = {}) {
      registry.create<KubeObject & { status: unknown }>({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, ...nodeOptions.labels } },
        status: nodeOptions.address
          ? { addresses: [{ type: 'InternalIP', address: nodeOptions.address }] }
          : {},
      });
    },
    addNamespace(name, labels = {}) {
      registry.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    },
    addPool(name, spec) {
      registry.create({
        apiVersion: CALICO_API_VERSION,
        kind: 'IPPool',
        metadata: { name },
        spec,
      } as KubeObject);
    },
    invariants: () =>
      checkIpamInvariants({
        blocks: ipam.io.blocks(),
        handles: ipam.io.handles(),
        affinities: ipam.io.affinities(),
      }),
  };
  fixture.addNamespace('default');
  for (const [name, spec] of Object.entries(options.pools ?? {})) fixture.addPool(name, spec);
  return fixture;
}

/** Pod attributes as the CNI plugin writes them. */
export function podAttrs(node: string, pod: string, namespace = 'default'): Record<string, string> {
  return { namespace, node, pod, timestamp: '2026-01-01 00:00:00 +0000 UTC' };
}
