/**
 * The order in which a node probes the blocks of a pool (reference calico.md
 * §1.4, Calico `randomBlockGenerator`). Both modes yield every block index of
 * the pool exactly once: `start, start+1, …, n-1, 0, …, start-1`.
 *
 * - `calico`: `start` is Go's `big.Int.Rand(rand.New(rand.NewSource(fnv1(host))), n)`,
 *   so a node's first block is the one real Calico would give it.
 * - `sequential`: `start` is 0 for every node, so blocks are handed out in
 *   node order (`10.244.0.0/26`, `10.244.0.64/26`, …): readable demos.
 *
 * netkube difference: for /32 blocks real Calico seeds with the clock
 * (`determineSeed`); netkube keeps the hostname seed so runs are reproducible.
 */
import type { BlockSelection } from '../topology/types.js';
import { fnv1_32, GoRandSource, goBigRand } from './go-rand.js';
import { type Cidr, sizeOf } from './ipv4.js';

/** A pool as the picker sees it. */
export interface PickerPool {
  readonly cidr: Cidr;
  readonly blockSize: number;
}

/** Per pool size (blocks), per host: its start index. */
const startCache = new Map<number, Map<string, number>>();

/** Number of blocks of `blockSize` in the pool. */
export function blockCount(pool: PickerPool): number {
  return sizeOf(pool.cidr.prefix) / sizeOf(pool.blockSize);
}

/** The first block index a host probes in a pool. Pure (memoised). */
export function startIndex(pool: PickerPool, host: string, mode: BlockSelection): number {
  if (mode === 'sequential') return 0;
  const n = blockCount(pool);
  let byHost = startCache.get(n);
  if (byHost === undefined) {
    byHost = new Map();
    startCache.set(n, byHost);
  }
  let start = byHost.get(host);
  if (start === undefined) {
    start = goBigRand(new GoRandSource(fnv1_32(host)), n);
    byHost.set(host, start);
  }
  return start;
}

/** The `i`-th block of a pool. */
export function blockAt(pool: PickerPool, index: number): Cidr {
  return { network: pool.cidr.network + index * sizeOf(pool.blockSize), prefix: pool.blockSize };
}

/** The `k`-th block a host probes, `start` being its `startIndex` and `n` the pool's `blockCount`. */
export function candidateAt(pool: PickerPool, start: number, k: number, n: number): Cidr {
  return blockAt(pool, start + k < n ? start + k : start + k - n);
}

/** Every block of the pool, in the order `host` probes them. */
export function* blockCandidates(pool: PickerPool, host: string, mode: BlockSelection): Generator<Cidr> {
  const n = blockCount(pool);
  const start = startIndex(pool, host, mode);
  for (let k = 0; k < n; k++) yield candidateAt(pool, start, k, n);
}
