/**
 * Automatic assignment (reference calico.md §1.4–1.6, §1.10; Calico
 * `ipamClient.autoAssign`, `findOrClaimBlock`, `findUsableBlock`). For each
 * missing address, in order of preference:
 *
 * 1. a free ordinal in one of the node's affine blocks (affinity list order);
 * 2. a new block, claimed if the node holds fewer than `maxBlocksPerHost`
 *    (else `BlockLimitError` at once, no borrowing);
 * 3. an empty block of another node claimed more than a minute ago;
 * 4. unless `strictAffinity`: borrowing from any existing block with space.
 *
 * Runs inside the caller's transaction; throws only the typed IPAM errors.
 */
import type { BlockSelection } from '../topology/types.js';
import type { AssignResult } from './assign-state.js';
import type { BlockRequester } from './block.js';
import { objectArray } from './block-arrays.js';
import { blockCandidates, blockCount, candidateAt, startIndex } from './block-picker.js';
import type { Labels } from './calico-selector.js';
import { claimBlock, reclaimable, releaseAffinity } from './claims.js';
import { BlockLimitError } from './errors.js';
import { type Cidr, cidrContains } from './ipv4.js';
import { type AllocationAttribute, affinityNode, hostAffinity } from './objects.js';
import type { Pool } from './pools.js';
import type { AffinityView, IpamStore, LoadedBlock, UsableBlocks } from './store-io.js';

export interface AssignSettings {
  readonly blockSelection: BlockSelection;
  readonly strictAffinity: boolean;
  /** Already defaulted: Calico's 0 means 20. */
  readonly maxBlocksPerHost: number;
}

/**
 * Also the `BlockRequester` of the affine blocks: `affinityCheck` is the
 * settings' `strictAffinity` (borrowing asks without the check).
 */
export interface AutoAssignRequest extends BlockRequester {
  readonly num: number;
  readonly handleID: string;
  /** `handleHash(handleID)`: computed once for the blocks and the handle. */
  readonly handleHash: number;
  readonly attrs: Readonly<Record<string, string>>;
  readonly host: string;
  readonly hostLabels: Labels;
  /** The pools the request may use, in order (`choosePools`). */
  readonly pools: readonly Pool[];
  /** Every pool, to find the pool of an affine block. */
  readonly allPools: readonly Pool[];
  readonly now: number;
}

function inAnyPool(pools: readonly Pool[], cidr: Cidr): boolean {
  return pools.some((p) => cidrContains(p.cidr, cidr.network) && p.blockSize === cidr.prefix);
}

/**
 * The node's affine blocks inside the request's pools; empty affine blocks of
 * pools that no longer select the node are released on the way
 * (`prepareAffinityBlocksForHost`). The answer is kept with the node's
 * affinity view when it depended on nothing but the pool list (every
 * affinity inside one of `req.pools`, pending deletion, or unparsable): the
 * next request with the same pool list gets it back while the view is current.
 * Do not mutate the result.
 */
function affineBlocks(
  io: IpamStore,
  view: AffinityView,
  req: AutoAssignRequest,
): readonly Cidr[] | UsableBlocks {
  const memo = view.usable;
  if (memo !== undefined && memo.pools === req.pools) return memo;
  const out: Cidr[] = objectArray();
  let poolsOnly = true;
  for (let i = 0; i < view.affinities.length; i++) {
    const cidr = view.cidrs[i];
    if (view.affinities[i]?.spec.state === 'pendingDeletion' || !cidr) continue;
    if (inAnyPool(req.pools, cidr)) {
      out.push(cidr);
      continue;
    }
    poolsOnly = false;
    const pool = req.allPools.find((p) => cidrContains(p.cidr, cidr.network));
    if (pool && !pool.nodeSelector.matches(req.hostLabels)) {
      releaseAffinity(io, req.host, cidr, { requireEmpty: true });
    }
  }
  if (!poolsOnly) return out;
  view.usable = { pools: req.pools, cidrs: out, states: undefined, generation: undefined };
  return view.usable;
}

/**
 * Takes what one block can give (Calico `assignFromExistingBlock`), up to
 * `req.num` addresses in all, adding them to `result`. Returns how many.
 */
function assignFrom(
  io: IpamStore,
  loaded: LoadedBlock,
  req: AutoAssignRequest,
  affinityCheck: boolean,
  result: AssignResult,
): number {
  const attribute: AllocationAttribute = { handle_id: req.handleID, secondary: { ...req.attrs } };
  const requester = affinityCheck === req.affinityCheck ? req : { host: req.host, affinityCheck };
  const from = result.count;
  const got = loaded.block.autoAssignInto(result, req.num - from, attribute, requester, req.handleHash);
  if (typeof got === 'string' || got === 0) return 0;
  io.incrementHandle(req.handleID, loaded.block, got, req.handleHash);
  io.writeBlock(loaded);
  return got;
}

/**
 * The block a node should claim next (`findUsableBlock`): walking each pool in
 * the node's probe order, the first block that does not exist yet (or exists,
 * affine to the node, with space); failing that, an empty block of another
 * node old enough to reclaim. Undefined when there is none ("No Free Blocks").
 */
function findUsableBlock(io: IpamStore, settings: AssignSettings, req: AutoAssignRequest): Cidr | undefined {
  const empty: { cidr: Cidr; node: string | undefined; claimTime: string | undefined }[] = [];
  const affinity = hostAffinity(req.host);
  for (const pool of req.pools) {
    // blockCandidates' order, without a generator (every block claim walks it).
    const n = blockCount(pool);
    const start = startIndex(pool, req.host, settings.blockSelection);
    for (let k = 0; k < n; k++) {
      const cidr = candidateAt(pool, start, k, n);
      const block = io.peekBlock(cidr);
      if (!block) return cidr;
      const free = block.numFree();
      if (free === 0) continue;
      // (Reached only for a block the node's affinity list did not offer, e.g. one it cannot read.)
      if (block.affinity === affinity) {
        if (io.loadBlock(cidr, block) !== undefined) return cidr;
        continue;
      }
      if (free === block.size) {
        empty.push({ cidr, node: affinityNode(block.affinity), claimTime: block.affinityClaimTime });
      }
    }
  }
  for (const candidate of empty) {
    if (!reclaimable(candidate.claimTime, req.now)) continue;
    if (candidate.node === undefined) return candidate.cidr;
    if (releaseAffinity(io, candidate.node, candidate.cidr, { requireEmpty: true })) return candidate.cidr;
  }
  return undefined;
}

/** Borrowing from any block with space, in probe order (step 4). */
function borrow(io: IpamStore, settings: AssignSettings, req: AutoAssignRequest, result: AssignResult): void {
  const exhausted: string[] = [];
  for (const pool of req.pools) {
    if (result.count >= req.num) break;
    let more = false;
    for (const cidr of blockCandidates(pool, req.host, settings.blockSelection)) {
      if (result.count >= req.num) {
        more = true;
        break;
      }
      const block = io.peekBlock(cidr);
      if (!block || block.numFree() === 0) continue;
      const loaded = io.loadBlock(cidr, block);
      if (loaded) assignFrom(io, loaded, req, false, result);
    }
    if (!more && result.count < req.num) exhausted.push(pool.cidrText);
  }
  if (exhausted.length > 0) result.message(`No IPs available in pools: [${exhausted.join(' ')}]`);
}

/**
 * Assigns up to `req.num` addresses into `result` (emptied first); see the
 * module comment for the order.
 */
export function autoAssign(
  io: IpamStore,
  settings: AssignSettings,
  req: AutoAssignRequest,
  result: AssignResult,
): void {
  result.reset();
  const view = io.affinityView(req.host);
  const affine = affineBlocks(io, view, req);
  const usable = Array.isArray(affine) ? undefined : (affine as UsableBlocks);
  const queue = usable === undefined ? (affine as readonly Cidr[]) : usable.cidrs;
  const affinity = view.hostAffinity;
  let owned = queue.length;
  let next = 0;
  while (result.count < req.num) {
    let loaded: LoadedBlock | undefined;
    while (!loaded && next < queue.length) {
      const cidr = queue[next] as Cidr;
      // Checked on the peeked state: only the block used is loaded for a change.
      const block = usable === undefined ? io.peekBlock(cidr) : io.peekUsable(usable, next);
      next++;
      if (!block) loaded = claimBlock(io, cidr, req.host, req.now);
      else if (block.affinity !== affinity) io.deleteAffinity(req.host, cidr);
      else if (block.numFree() >= 1) loaded = io.loadBlock(cidr, block);
    }
    if (!loaded) {
      if (owned >= settings.maxBlocksPerHost) throw new BlockLimitError(settings.maxBlocksPerHost);
      const cidr = findUsableBlock(io, settings, req);
      if (!cidr) {
        if (settings.strictAffinity) result.message('No more free affine blocks and strict affinity enabled');
        break;
      }
      loaded = claimBlock(io, cidr, req.host, req.now);
      owned++;
    }
    if (assignFrom(io, loaded, req, settings.strictAffinity, result) === 0) {
      result.message('Failed to assign IPs in newly allocated block');
      break;
    }
  }
  if (!settings.strictAffinity && result.count < req.num) borrow(io, settings, req, result);
}
