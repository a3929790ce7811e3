/**
 * Fixtures for the cni tests and benchmarks: the IPAM fixture (real store and
 * Registry) plus a NetworkReadModel synced to it and the Calico plugin.
 * Imports nothing from vitest.
 */
import type { Pod } from '../api/types.js';
import type { IPPoolSpec } from '../ipam/objects.js';
import { type IpamFixture, type IpamFixtureOptions, newIpamFixture } from '../ipam/testing.js';
import { silentLogger } from '../log/index.js';
import { CalicoNetworkPlugin } from './calico-plugin.js';
import { NetworkReadModel } from './network-model.js';
import { syncNetworkModel } from './sync.js';

export interface CniFixture extends IpamFixture {
  readonly model: NetworkReadModel;
  readonly plugin: CalicoNetworkPlugin;
  /** Stops following the store. */
  unsync(): void;
}

/** The IPAM fixture with a synced model and the Calico plugin. */
export function newCniFixture(
  options: IpamFixtureOptions & { readonly nodeSubnet?: string } = {},
): CniFixture {
  const f = newIpamFixture(options);
  const model = new NetworkReadModel({
    mode: 'calico',
    ...(options.nodeSubnet ? { nodeSubnet: options.nodeSubnet } : {}),
  });
  const unsync = syncNetworkModel({ store: f.store, model, logger: silentLogger() });
  const plugin = new CalicoNetworkPlugin({ ipam: f.ipam, clock: f.clock, logger: silentLogger() });
  return { ...f, model, plugin, unsync };
}

/** A minimal Pod object, as the kubelet hands it to the plugin. */
export function pod(
  name: string,
  options: { namespace?: string; annotations?: Record<string, string> } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      uid: `uid-${options.namespace ?? 'default'}-${name}`,
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
  };
}

/** The reference's two kind nodes (calico.md §2.4): node-1 172.18.0.2, node-2 172.18.0.3 in 172.18.0.0/16. */
export function referenceCluster(pool: Partial<IPPoolSpec>): CniFixture {
  const f = newCniFixture({
    nodeSubnet: '172.18.0.0/16',
    pools: { 'default-ipv4-ippool': { cidr: '192.168.0.0/16', ...pool } },
  });
  f.addNode('node-1', { address: '172.18.0.2' });
  f.addNode('node-2', { address: '172.18.0.3' });
  return f;
}
