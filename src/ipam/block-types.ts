/** Request and outcome shapes of `AllocationBlock` (Calico `AffinityConfig`, `ReleaseOptions`), and its plain fields. */

/**
 * The plain fields of a block: what `AllocationBlock` is made from (a spec
 * has them), what its undo journal keeps and `blockSpec` writes out.
 */
export interface BlockFields {
  readonly affinity: string | null;
  readonly affinityClaimTime?: string | undefined;
  readonly strictAffinity: boolean;
  readonly sequenceNumber: number;
  readonly deleted: boolean;
}

/** Who is asking, for the affinity check (Calico `AffinityConfig`). */
export interface BlockRequester {
  readonly host: string;
  /** Refuse blocks affine to another host (strict affinity, affine path). */
  readonly affinityCheck: boolean;
}

/** Where `AllocationBlock.autoAssignInto` hands the addresses it takes (`assign-state.ts` `AssignResult`). */
export interface AddressSink {
  add(ip: number): void;
}

/** One address to release (Calico `ReleaseOptions`). */
export interface ReleaseRequest {
  readonly ip: number;
  /** When set, the stored handle must match (`ErrorBadHandle` otherwise). */
  readonly handle?: string | undefined;
  /** When set, the allocation's sequence number must match (ABA guard). */
  readonly sequenceNumber?: number | undefined;
}

export type ReleaseOutcome =
  | {
      readonly ok: true;
      /** Requested addresses that were not allocated (not an error). */
      readonly unallocated: readonly number[];
      /** Addresses released per handle. */
      readonly countByHandle: ReadonlyMap<string, number>;
    }
  | { readonly ok: false; readonly reason: 'BadHandle' | 'BadSequenceNumber'; readonly error: string };
