/**
 * Block affinity: claiming a block for a node and letting it go again
 * (reference calico.md §1.4 step 4 and §1.7; Calico `claimAffineBlock`,
 * `releaseBlockAffinity`). Both run inside the caller's transaction, so the
 * `pending` and `pendingDeletion` states are written and left within one
 * atomic step: watchers only ever see confirmed affinities come and go, which
 * is also how Calico's routing treats them ("pending is absent").
 */
import { rfc3339 } from '../util/clock.js';
import { AllocationBlock } from './block.js';
import { type Cidr, formatCidr } from './ipv4.js';
import { hostAffinity } from './objects.js';
import type { IpamStore, LoadedBlock } from './store-io.js';

/** Calico `EmptyBlockMinReclaimAge`: an empty block younger than this is not taken from its node. */
export const EMPTY_BLOCK_MIN_RECLAIM_AGE_MS = 60_000;

/**
 * Claims `cidr` for `node`: affinity `pending`, the block created with
 * `affinity: host:<node>` and a claim time, affinity `confirmed`. An existing
 * block already affine to the node is confirmed and returned as it is.
 */
export function claimBlock(io: IpamStore, cidr: Cidr, node: string, now: number): LoadedBlock {
  io.setAffinity(node, cidr, 'pending');
  const existing = io.peekBlock(cidr);
  if (existing && existing.affinity !== hostAffinity(node)) {
    io.deleteAffinity(node, cidr);
    throw new Error(`Block ${formatCidr(cidr)} is claimed by ${existing.affinity}`);
  }
  if (!existing) {
    io.createBlock(AllocationBlock.create(cidr, { affinity: hostAffinity(node), claimTime: rfc3339(now) }));
  }
  io.setAffinity(node, cidr, 'confirmed');
  // Only affinities were written since the peek (or the block was just created: no peeked state).
  const loaded = io.loadBlock(cidr, existing);
  if (!loaded) throw new Error(`Block ${cidr.network}/${cidr.prefix} vanished while being claimed`);
  return loaded;
}

/**
 * Releases `node`'s affinity for `cidr` (Calico `releaseBlockAffinity`):
 * `pendingDeletion`, then an empty block is deleted and a non-empty one keeps
 * its addresses with `affinity: null` (borrow-only, deleted once emptied), then
 * the affinity object goes. With `requireEmpty`, a non-empty block is left
 * alone. Returns whether the affinity was released.
 */
export function releaseAffinity(
  io: IpamStore,
  node: string,
  cidr: Cidr,
  options: { readonly requireEmpty: boolean },
): boolean {
  // Decided on the peeked state; the block is loaded only to rewrite it.
  const block = io.peekBlock(cidr);
  const empty = block !== undefined && block.numFree() === block.size;
  if (block && options.requireEmpty && !empty) return false;
  if (!block || block.affinity !== hostAffinity(node)) {
    io.deleteAffinity(node, cidr);
    return true;
  }
  io.setAffinity(node, cidr, 'pendingDeletion');
  // Only the affinity was written since the peek.
  const loaded = empty ? undefined : io.loadBlock(cidr, block);
  if (loaded) {
    loaded.block.affinity = null;
    loaded.block.affinityClaimTime = undefined;
    io.writeBlock(loaded);
  } else {
    io.deleteBlock(cidr);
  }
  io.deleteAffinity(node, cidr);
  return true;
}

/** Whether an empty block may be taken from its node now. */
export function reclaimable(claimTime: string | undefined, now: number): boolean {
  if (claimTime === undefined) return true;
  const t = Date.parse(claimTime);
  return Number.isNaN(t) || now - t > EMPTY_BLOCK_MIN_RECLAIM_AGE_MS;
}
