/**
 * Names and constants of kube-proxy's nftables mode (`pkg/proxy/nftables/proxier.go`):
 * one `ip kube-proxy` table whose per-service chains are `service-`, `local-`,
 * `external-`, `firewall-`, `endpoint-` + `hashAndTruncate` base, and affinity sets.
 */
import type { EndpointInfo, ServicePortInfo } from '../model.js';
import { nftEndpointChainBase, nftServiceChainBase } from '../naming.js';
import type { ResolvedOptions } from '../options.js';
import type { L4Protocol } from '../rules.js';

export const TABLE = 'ip kube-proxy';
export const SERVICES = 'services';
export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NODEPORT_IPS = 'nodeport-ips';
export const CLUSTER_IPS = 'cluster-ips';
export const SERVICE_ENDPOINTS_CHECK = 'service-endpoints-check';
export const NODEPORT_ENDPOINTS_CHECK = 'nodeport-endpoints-check';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
export const REJECT_CHAIN = 'reject-chain';
export const CLUSTER_IPS_CHECK = 'cluster-ips-check';
export const FIREWALL_IPS = 'firewall-ips';
export const FIREWALL_CHECK = 'firewall-check';
export const MARK_MASQ = 'mark-for-masquerade';
export const MASQUERADING = 'masquerading';

/** Compile-wide facts for the nftables compiler. */
export interface NftContext {
  readonly options: ResolvedOptions;
}

/** The chain names of one service port. */
export interface NftServiceNames {
  readonly protocol: L4Protocol;
  readonly cluster: string;
  readonly local: string;
  readonly external: string;
  readonly firewall: string;
}

const serviceNames = new WeakMap<ServicePortInfo, NftServiceNames>();
const endpointNames = new WeakMap<
  EndpointInfo,
  { readonly key: string; readonly chain: string; readonly affinitySet: string }
>();

/** `service-<base>`, `local-<base>`, `external-<base>`, `firewall-<base>` (cached per immutable ServicePortInfo). */
export function nftServiceNames(svc: ServicePortInfo): NftServiceNames {
  const cached = serviceNames.get(svc);
  if (cached) return cached;
  const protocol = svc.protocol.toLowerCase() as L4Protocol;
  const base = nftServiceChainBase(svc.name.namespace, svc.name.name, protocol, svc.name.port);
  const names = {
    protocol,
    cluster: `service-${base}`,
    local: `local-${base}`,
    external: `external-${base}`,
    firewall: `firewall-${base}`,
  };
  serviceNames.set(svc, names);
  return names;
}

/**
 * `endpoint-<base>` and `affinity-<base>` of one endpoint, cached per immutable
 * EndpointInfo (one per service port), so each name is hashed once however many nodes
 * and syncs compile it.
 */
export function nftEndpointNames(
  svc: ServicePortInfo,
  ep: EndpointInfo,
): { chain: string; affinitySet: string } {
  const cached = endpointNames.get(ep);
  if (cached && cached.key === svc.key) return cached;
  const base = nftEndpointChainBase(svc.name.namespace, svc.name.name, svc.protocol, svc.name.port, ep);
  const names = { key: svc.key, chain: `endpoint-${base}`, affinitySet: `affinity-${base}` };
  endpointNames.set(ep, names);
  return names;
}
