/**
 * The Calico IPAM objects as netkube stores them: the `crd.projectcalico.org/v1`
 * CRDs a Calico cluster on the Kubernetes datastore has (`kubectl get
 * ippools,blockaffinities,ipamblocks,ipamhandles`), with the field names of
 * Calico's CRD types (`libcalico-go/lib/apis/crd.projectcalico.org/v1`).
 * All four kinds are cluster-scoped.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceInfo, resourceForKind, resourceKeyOf } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { type BlockCidr, blockCidrOf, type Cidr, cidrToName } from './ipv4.js';

export type EncapMode = 'Always' | 'CrossSubnet' | 'Never';
export type AllowedUse = 'Workload' | 'Tunnel' | 'LoadBalancer';
export type AssignmentMode = 'Automatic' | 'Manual';
export type AffinityState = 'pending' | 'confirmed' | 'pendingDeletion';

export interface IPPoolSpec {
  readonly cidr: string;
  readonly blockSize?: number;
  readonly ipipMode?: EncapMode;
  readonly vxlanMode?: EncapMode;
  readonly natOutgoing?: boolean;
  readonly disabled?: boolean;
  /** Calico selector syntax (`all()`, `zone == 'a'`). */
  readonly nodeSelector?: string;
  readonly namespaceSelector?: string;
  readonly allowedUses?: readonly AllowedUse[];
  readonly assignmentMode?: AssignmentMode;
}

export interface IPPool extends KubeObject {
  readonly spec: IPPoolSpec;
}

export interface BlockAffinity extends KubeObject {
  readonly spec: {
    readonly state: AffinityState;
    readonly node: string;
    readonly cidr: string;
    readonly type: 'host';
    /** A string in Calico's v1 CRD (`"false"`). */
    readonly deleted: string;
  };
}

/** One entry of `attributes`: the handle and the owner's attributes. */
export interface AllocationAttribute {
  readonly handle_id?: string;
  readonly secondary?: Readonly<Record<string, string>>;
}

export interface IPAMBlockSpec {
  readonly cidr: string;
  /** `host:<node>`, or null once the node let go of the block. */
  readonly affinity: string | null;
  readonly affinityClaimTime?: string;
  readonly strictAffinity: boolean;
  /** Per ordinal: index into `attributes`, or null when free. */
  readonly allocations: readonly (number | null)[];
  /** Free ordinals, handed out from the head; released ones go to the tail. */
  readonly unallocated: readonly number[];
  readonly attributes: readonly AllocationAttribute[];
  readonly sequenceNumber: number;
  /** Ordinal → sequence number at assignment; released ordinals are absent or undefined (dropped by JSON). */
  readonly sequenceNumberForAllocation: Readonly<Record<string, number | undefined>>;
  readonly deleted: boolean;
}

export interface IPAMBlock extends KubeObject {
  readonly spec: IPAMBlockSpec;
}

export interface IPAMHandle extends KubeObject {
  readonly spec: {
    readonly handleID: string;
    /** Block CIDR → number of addresses the handle holds there. */
    readonly block: Readonly<Record<string, number>>;
    readonly deleted: boolean;
  };
}

function info(kind: string): ResourceInfo {
  const found = resourceForKind(kind);
  if (!found) throw new Error(`Resource table has no ${kind}`);
  return found;
}

/** Resource infos of the four kinds (from the API resource table). */
export const IPPOOLS = info('IPPool');
export const BLOCK_AFFINITIES = info('BlockAffinity');
export const IPAM_BLOCKS = info('IPAMBlock');
export const IPAM_HANDLES = info('IPAMHandle');

/** Store keys (`ippools.crd.projectcalico.org`, …). */
export const IPPOOLS_KEY = resourceKeyOf(IPPOOLS);
export const BLOCK_AFFINITIES_KEY = resourceKeyOf(BLOCK_AFFINITIES);
export const IPAM_BLOCKS_KEY = resourceKeyOf(IPAM_BLOCKS);
export const IPAM_HANDLES_KEY = resourceKeyOf(IPAM_HANDLES);

/** `crd.projectcalico.org/v1`. */
export const CALICO_API_VERSION = apiVersionOf(IPPOOLS);

/**
 * The IPAMBlock name of a block (`10-244-84-128-26`): the one its BlockCidr
 * carries (`blockCidrOf`, memoised). The allocator looks blocks up by name
 * on every operation, and the name of a block is always the same string,
 * whose hash the lookup does not recompute and whose characters an equal
 * key need not compare.
 */
export function blockName(cidr: Cidr): string {
  const known = (cidr as Partial<BlockCidr>).name;
  if (known !== undefined) return known;
  return cidr.prefix >= 0 && cidr.prefix <= 32 ? blockCidrOf(cidr).name : cidrToName(cidr);
}

/**
 * The BlockAffinity name (`node-1-10-244-84-128-26`). Names longer than 253
 * characters are cut and given a hash suffix, as Calico does; netkube's exact
 * cut (keep 240 characters, `-` + 12 hex of sha256) is its own.
 */
export function affinityName(node: string, cidr: Cidr): string {
  const name = `${node}-${cidrToName(cidr)}`;
  if (name.length <= 253) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${name.slice(0, 240)}-${hash}`;
}

/** A code unit `toLowerCase` may change: ASCII capitals, and anything outside ASCII. */
const MAY_LOWER_CASE = /[A-Z\u0080-\uffff]/;

/**
 * The IPAMHandle name of a handle ID: lower-cased, as Calico's KDD backend
 * stores it. An ID with nothing to lower-case (the CNI plugin's
 * `k8s-pod-network.<hex>`) is returned as it is: `toLowerCase` would make a
 * new string, whose hash every store lookup would then compute again.
 * (The test is a regular expression: V8 runs it as native code, about twice
 * as fast as a `charCodeAt` loop over the ID.)
 */
export function handleName(handleID: string): string {
  return MAY_LOWER_CASE.test(handleID) ? handleID.toLowerCase() : handleID;
}

const hostAffinities = new Map<string, string>();

/**
 * `host:<node>`, the block affinity string of a node. Memoised: the allocator
 * compares it with every block it looks at, and the very string stored by a
 * claim compares equal at once.
 */
export function hostAffinity(node: string): string {
  let affinity = hostAffinities.get(node);
  if (affinity === undefined) {
    if (hostAffinities.size >= 100_000) hostAffinities.clear();
    affinity = `host:${node}`;
    hostAffinities.set(node, affinity);
  }
  return affinity;
}

/** The node of a `host:<node>` affinity; undefined for none or other kinds. */
export function affinityNode(affinity: string | null | undefined): string | undefined {
  return affinity?.startsWith('host:') ? affinity.slice(5) : undefined;
}
