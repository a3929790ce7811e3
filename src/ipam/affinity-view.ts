/**
 * A node's affinities as the allocator walks them on every assignment
 * (`IpamStore.affinityView` keeps one per node while it is current), and the
 * usable blocks `auto-assign.ts` works out from them.
 */
import { objectArray } from './block-arrays.js';
import type { BlockState } from './block-table.js';
import { type Cidr, parseBlockCidr } from './ipv4.js';
import type { BlockAffinity } from './objects.js';

/** `spec.cidr` of each affinity, parsed (an array of the object kind, `objectArray`, even when empty). */
function parsedCidrs(affinities: readonly BlockAffinity[]): (Cidr | undefined)[] {
  const cidrs: (Cidr | undefined)[] = objectArray();
  for (const a of affinities) cidrs.push(parseBlockCidr(a.spec.cidr));
  return cidrs;
}

/** Orders affinities by name, as a Kubernetes list returns them. */
export function byAffinityName(a: BlockAffinity, b: BlockAffinity): number {
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/**
 * A node's affinities as the allocator walks them (see `IpamStore.affinityView`).
 * Immutable, apart from `usable`, which `auto-assign.ts` fills.
 */
export interface AffinityView {
  /** In name order (how a Kubernetes list returns them). */
  readonly affinities: readonly BlockAffinity[];
  /** `spec.cidr` of each, parsed; undefined where it does not parse. */
  readonly cidrs: readonly (Cidr | undefined)[];
  /** `hostAffinity(node)`, which every assignment compares blocks with (no lookup per assignment). */
  readonly hostAffinity: string;
  /** The allocator's usable blocks for one pool list, kept while the view is current. */
  usable: UsableBlocks | undefined;
  /** The backend's BlockAffinity revision when the view was made. */
  readonly revision: number | undefined;
}

/** A node's usable blocks for one pool list (`AffinityView.usable`), with their peeked states. */
export interface UsableBlocks {
  readonly pools: unknown;
  readonly cidrs: readonly Cidr[];
  /** `peekBlock` of each CIDR (null: no block), while the block table's `generation` is `generation`. */
  states: (BlockState | null | undefined)[] | undefined;
  generation: number | undefined;
}

/** A new view of a node's affinities (already in name order), with their CIDRs parsed. */
export function newAffinityView(
  affinities: readonly BlockAffinity[],
  hostAffinity: string,
  revision: number | undefined,
): AffinityView {
  return { affinities, cidrs: parsedCidrs(affinities), hostAffinity, usable: undefined, revision };
}
