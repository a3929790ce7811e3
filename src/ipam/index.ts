/**
 * Calico-like IPAM (reference calico.md §1) and the host-local alternative (§3):
 * the public surface other parts import.
 */
export { type IPPoolAdmissionConfig, ipPoolAdmission } from './admission.js';
export {
  type AssignIPRequest,
  type AssignRequest,
  CalicoIpam,
  type CalicoIpamConfig,
  type CalicoIpamSettings,
  type ReleaseIPRequest,
} from './allocator.js';
export { AllocationBlock } from './block.js';
export { blockCandidates, startIndex } from './block-picker.js';
export { CalicoNodeController, type CalicoNodeControllerConfig } from './calico-node-controller.js';
export { type CalicoSelector, parseCalicoSelector } from './calico-selector.js';
export {
  AssignIPError,
  BadHandleError,
  BadSequenceNumberError,
  BlockLimitError,
  IpamError,
  NoQualifiedPoolError,
  PoolExhaustedError,
} from './errors.js';
export { type IpamRoutesConfig, ipamExtensionRoutes, ipamShowText } from './extension.js';
export { CidrSet, HostLocalRange, NO_CIDRS_REMAINING } from './host-local.js';
export { checkIpamInvariants, type IpamState } from './invariants.js';
export { type Cidr, cidrContains, formatCidr, formatIPv4, parseCidr, parseIPv4 } from './ipv4.js';
export { memoryBackend } from './memory-backend.js';
export {
  EmptyBlockCollector,
  type EmptyBlockCollectorConfig,
  reconcileTunnelAddresses,
  releaseNode,
  TUNNEL_ATTRIBUTE,
  type TunnelType,
  tunnelHandle,
} from './node-addresses.js';
export { NodeIpamController, type NodeIpamControllerConfig } from './node-ipam-controller.js';
export { type IpamKind, type IpamObjects, registryBackend } from './object-backends.js';
export {
  affinityNode,
  BLOCK_AFFINITIES_KEY,
  type BlockAffinity,
  blockName,
  IPAM_BLOCKS_KEY,
  IPAM_HANDLES_KEY,
  type IPAMBlock,
  type IPAMHandle,
  IPPOOLS_KEY,
  type IPPool,
  type IPPoolSpec,
} from './objects.js';
export { DEFAULT_POOL_NAME, defaultPool, type Pool, poolEncapsulation, toPool } from './pools.js';
export {
  type BorrowedAddress,
  borrowedAddresses,
  formatBorrowed,
  formatIpamShow,
  type IpamUsage,
  ipamUsage,
} from './show.js';
