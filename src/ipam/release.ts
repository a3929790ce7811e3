/**
 * Releasing addresses (reference calico.md §1.7; Calico `ReleaseByHandle`,
 * `ReleaseIPs`, `releaseIPsFromBlock`, `ensureConsistentAffinity`). Runs inside
 * the caller's transaction.
 */

import type { ReleaseRequest } from './block.js';
import { handleHash } from './block-attributes.js';
import { releaseAffinity } from './claims.js';
import { BadHandleError, BadSequenceNumberError } from './errors.js';
import { type Cidr, cidrContains, formatCidr, formatIPv4, parseBlockCidr, parseIPv4 } from './ipv4.js';
import { affinityNode } from './objects.js';
import { blockForIP, type Pool, poolForIP } from './pools.js';
import type { IpamStore, LoadedBlock } from './store-io.js';

/** One address to release (Calico `ReleaseOptions`). */
export interface ReleaseIPRequest {
  readonly ip: string;
  readonly handle?: string;
  readonly sequenceNumber?: number;
}

/**
 * Releases every address of a handle, then the handle (Calico decrements the
 * handle per block and deletes it at zero; inside one transaction only the
 * final deletion is visible, so netkube writes just that). Returns how many
 * addresses; 0 for an unknown handle.
 */
export function releaseHandle(io: IpamStore, handleID: string): number {
  const hash = handleHash(handleID);
  const compact = io.compactHandle(handleID, hash);
  if (compact !== undefined) {
    // What nearly every pod's handle is: one address, in one block.
    const released = releaseIn(io, compact, handleID, hash);
    io.deleteCompactHandle(handleID, compact);
    return released;
  }
  const handle = io.readHandle(handleID);
  if (!handle) return 0;
  let released = 0;
  if (handle.cidr !== undefined) released = releaseIn(io, handle.cidr, handle.handleID);
  for (const text in handle.blocks) {
    const parsed = parseBlockCidr(text);
    if (parsed) released += releaseIn(io, parsed, handle.handleID);
  }
  io.deleteHandleRead(handle);
  return released;
}

/** Releases a handle's addresses in one block and persists it; returns how many. `hash`: `handleHash(handleID)`. */
function releaseIn(io: IpamStore, cidr: Cidr, handleID: string, hash = handleHash(handleID)): number {
  const loaded = io.loadBlock(cidr);
  if (!loaded) return 0;
  const n = loaded.block.releaseByHandle(handleID, hash);
  if (n !== 0) persistAfterRelease(io, loaded);
  return n;
}

/** Releases given addresses; returns those that were not allocated. Throws on a handle or sequence mismatch. */
export function releaseAddresses(io: IpamStore, requests: readonly ReleaseIPRequest[]): string[] {
  const unallocated: string[] = [];
  const byBlock = new Map<string, { cidr: Cidr; reqs: ReleaseRequest[] }>();
  const pools = io.pools();
  for (const r of requests) {
    const ip = parseIPv4(r.ip);
    const cidr = ip === undefined ? undefined : blockOf(io, pools, ip);
    if (ip === undefined || !cidr) {
      unallocated.push(r.ip);
      continue;
    }
    const key = formatCidr(cidr);
    const group = byBlock.get(key) ?? { cidr, reqs: [] };
    group.reqs.push({ ip, handle: r.handle, sequenceNumber: r.sequenceNumber });
    byBlock.set(key, group);
  }
  for (const { cidr, reqs } of byBlock.values()) {
    const loaded = io.loadBlock(cidr);
    if (!loaded) {
      unallocated.push(...reqs.map((q) => formatIPv4(q.ip)));
      continue;
    }
    const outcome = loaded.block.release(reqs);
    if (!outcome.ok) {
      throw outcome.reason === 'BadHandle'
        ? new BadHandleError(outcome.error)
        : new BadSequenceNumberError(outcome.error);
    }
    unallocated.push(...outcome.unallocated.map(formatIPv4));
    if (outcome.unallocated.length === reqs.length) continue;
    persistAfterRelease(io, loaded);
    for (const [handle, n] of outcome.countByHandle) io.decrementHandle(handle, cidr, n);
  }
  return unallocated;
}

/** The block holding `ip`: from its pool, or by a full scan when it is in no pool. */
function blockOf(io: IpamStore, pools: readonly Pool[], ip: number): Cidr | undefined {
  const pool = poolForIP(pools, ip);
  if (pool) return blockForIP(pool, ip);
  for (const b of io.blocks()) {
    const c = parseBlockCidr(b.spec.cidr);
    if (c && cidrContains(c, ip)) return c;
  }
  return undefined;
}

/**
 * Writes a block after a release: deleted when empty and without affinity,
 * else updated; an empty block whose pool no longer selects its node (or is
 * gone) loses its affinity (Calico `ensureConsistentAffinity`).
 */
function persistAfterRelease(io: IpamStore, loaded: LoadedBlock): void {
  const { block } = loaded;
  if (block.isEmpty() && block.affinity === null) {
    io.deleteBlock(block.cidr);
    return;
  }
  io.writeBlock(loaded);
  if (!block.isEmpty()) return;
  const node = affinityNode(block.affinity);
  if (node === undefined) return;
  const pool = poolForIP(io.pools(), block.cidr.network);
  if (!pool?.nodeSelector.matches(io.labelsOf('nodes', node))) {
    releaseAffinity(io, node, block.cidr, { requireEmpty: true });
  }
}
